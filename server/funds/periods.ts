/**
 * Payout periods as the ledger judges them (contracts/funds/Periods.sol): calendar months YYYYMM
 * of China Standard Time (UTC+8, no daylight saving), by the chain's clock.
 */
const CST_OFFSET_S = 8 * 3600;

/** The month `timestamp` (seconds) falls in, in China Standard Time. */
export function periodAt(timestamp: number): number {
  const cst = new Date((timestamp + CST_OFFSET_S) * 1000);
  return cst.getUTCFullYear() * 100 + cst.getUTCMonth() + 1;
}

/** The first second of the month after `period`, in China Standard Time. */
export function endOf(period: number): number {
  const year = Math.floor(period / 100);
  const month = period % 100;
  return Date.UTC(year, month, 1) / 1000 - CST_OFFSET_S;
}

/** The month after `period`. */
export const nextPeriod = (period: number): number => (period % 100 === 12 ? period + 89 : period + 1);

/** YYYYMM for months of the years the ledger takes (2000 to 2999). */
export const isPeriod = (period: number): boolean => Number.isInteger(period) && period % 100 >= 1 && period % 100 <= 12 && period >= 200001 && period <= 299912;
