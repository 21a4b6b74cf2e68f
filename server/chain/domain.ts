/**
 * The domain vocabulary of the contracts, mirrored for TypeScript: enum values are the
 * Solidity enums' ordinal numbers and must stay in the same order.
 */
export enum Programme {
  Dibao = 0,
  Tekun = 1,
  Temporary = 2,
  Medical = 3,
  Education = 4,
  Housing = 5,
}

export enum Area {
  Urban = 0,
  Rural = 1,
}

export enum CaseStatus {
  None = 0,
  Submitted = 1,
  Reviewed = 2,
  InNotice = 3,
  Active = 4,
  Suspended = 5,
  Rejected = 6,
  Terminated = 7,
}

export enum Stage {
  Review = 0,
  Approval = 1,
}

export enum PayoutState {
  None = 0,
  Paid = 1,
  Settled = 2,
  Reversed = 3,
}

/** A jurisdiction as the ledger holds it (uint64) written as its 12-digit division code. */
export function jurisdictionCode(code: bigint): string {
  return code.toString().padStart(12, "0");
}

/**
 * Whether division `scope` covers division `code` (itself or one beneath it): codes are 2, 4, 6,
 * 9 and 12 digits of province, city, county, township and village, zero-filled to 12; the nation,
 * all zeros, covers every code (as Jurisdictions.covers answers on chain).
 */
export function coversDivision(scope: string, code: string): boolean {
  const digits = /^0*$/.test(scope) ? 0 : ([2, 4, 6, 9, 12].find((n) => /^0*$/.test(scope.slice(n))) ?? 12);
  return code.startsWith(scope.slice(0, digits));
}

/**
 * Whether an allocation held at division `code` may pay cases: one made to a county or a township
 * (FundLedger refuses payouts from any above, PayoutAllocationAboveCounty), so that central,
 * provincial and city funds reach cases only by allocation.
 */
export function paysCases(code: string): boolean {
  // Nation, province and city codes end in eight zeros; a county's or a township's does not.
  return !/^0*$/.test(code.slice(4));
}

/** Role identifiers as AidAccess computes them: keccak256 of the name; governance is 0x00. */

export const ROLE_NAMES = [
  "GOVERNANCE",
  "CASEWORKER",
  "REVIEWER",
  "APPROVER",
  "FINANCE_OFFICER",
  "SETTLEMENT_AGENT",
  "AUDITOR",
  "LOG_OPERATOR",
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** A ledger value as JSON: integers (bigints) as decimal strings, ethers' Results as arrays. */
export function jsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}
