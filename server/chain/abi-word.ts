/** A number as one ABI word: 64 hex digits, without 0x. */
export const word = (n: bigint | number): string => n.toString(16).padStart(64, "0");

/** A value given in hex (an address, a bytes32, without 0x) as one ABI word, right-aligned as a uint or an address is. */
export const hexWord = (hex: string): string => hex.toLowerCase().padStart(64, "0");
