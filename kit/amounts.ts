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

/**
 * An amount in yuan as a person types it or a bank writes it ("950", "950.5", "1,234.56", and so
 * in full-width digits from a Chinese keyboard) in fen, exactly, as a decimal string; null when it
 * is not one (a sign, more than two decimals, letters).
 */
export function fenOf(yuanText: string): string | null {
  const match = /^\s*(\d{1,15})(?:\.(\d{1,2}))?\s*$/.exec(String(yuanText).normalize("NFKC").replace(/,/g, ""));
  return match ? (BigInt(match[1]!) * 100n + BigInt((match[2] ?? "").padEnd(2, "0"))).toString() : null;
}
