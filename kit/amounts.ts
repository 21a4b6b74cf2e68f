/**
 * An amount in fen as a person reads it, in yuan with two decimals and thousands grouped: 120000
 * is "1,200.00". Exact for every amount the ledger stores (uint64 fen), where a Number divided by
 * 100 is not beyond 2^53. Chinese and English write it alike.
 */
export function yuan(fen: bigint | number | string): string {
  const value = BigInt(fen);
  const magnitude = value < 0n ? -value : value;
  const whole = (magnitude / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${value < 0n ? "-" : ""}${whole}.${(magnitude % 100n).toString().padStart(2, "0")}`;
}
