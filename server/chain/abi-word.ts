/** A number as one ABI word: 64 hex digits, without 0x. */
export const word = (n: bigint | number): string => n.toString(16).padStart(64, "0");
