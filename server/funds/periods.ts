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

/** The first second of month `period`, in China Standard Time. */
export function startOf(period: number): number {
  return Date.UTC(Math.floor(period / 100), (period % 100) - 1, 1) / 1000 - CST_OFFSET_S;
}

/** `period` moved by `months` (negative for earlier). */
export function addMonths(period: number, months: number): number {
  const index = Math.floor(period / 100) * 12 + (period % 100) - 1 + months;
  return Math.floor(index / 12) * 100 + (index % 12) + 1;
}

/** The first second of the month after `period`: a case whose notice ended before it is entitled to `period`. */
export const endOf = (period: number): number => startOf(addMonths(period, 1));

/** YYYYMM for months of the years the ledger takes (2000 to 2999). */
export const isPeriod = (period: number): boolean => Number.isInteger(period) && period % 100 >= 1 && period % 100 <= 12 && period >= 200001 && period <= 299912;
