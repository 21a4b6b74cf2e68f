/**
 * The domain vocabulary of the contracts, mirrored for TypeScript: values are the Solidity enums'
 * ordinal numbers and must stay in the same order. Plain objects, not TypeScript enums, so that
 * Node runs this file as it is (erasable syntax); `nameOf` reads a value back as its name.
 */
export const Programme = { Dibao: 0, Tekun: 1, Temporary: 2, Medical: 3, Education: 4, Housing: 5 } as const;
export type Programme = (typeof Programme)[keyof typeof Programme];

/**
 * Each programme by the name the API, the records and the pages use: its number on the ledger, and
 * whether it pays every month (period YYYYMM) rather than once (period 0), as Assistance.sol's
 * isMonthly says (test/domain.test.ts holds this table to the contracts' source).
 */
export const PROGRAMME_TABLE = {
  dibao: { programme: Programme.Dibao, monthly: true },
  tekun: { programme: Programme.Tekun, monthly: true },
  temporary: { programme: Programme.Temporary, monthly: false },
  medical: { programme: Programme.Medical, monthly: false },
  education: { programme: Programme.Education, monthly: false },
  housing: { programme: Programme.Housing, monthly: false },
} as const;
export type ProgrammeName = keyof typeof PROGRAMME_TABLE;

/** The programmes paid every month: the ones a monthly payout run pays. */
export const MONTHLY_PROGRAMMES = (Object.keys(PROGRAMME_TABLE) as ProgrammeName[]).filter((name) => PROGRAMME_TABLE[name].monthly) as ["dibao", "tekun"];

export const Area = { Urban: 0, Rural: 1 } as const;
export type Area = (typeof Area)[keyof typeof Area];

export const CaseStatus = { None: 0, Submitted: 1, Reviewed: 2, InNotice: 3, Active: 4, Suspended: 5, Rejected: 6, Terminated: 7 } as const;
export type CaseStatus = (typeof CaseStatus)[keyof typeof CaseStatus];

export const Stage = { Review: 0, Approval: 1 } as const;
export type Stage = (typeof Stage)[keyof typeof Stage];

export const PayoutState = { None: 0, Paid: 1, Settled: 2, Reversed: 3 } as const;
export type PayoutState = (typeof PayoutState)[keyof typeof PayoutState];

/** The name of `value` in one of the vocabularies above (CaseStatus, 3 → "InNotice"); undefined for a value it has not. */
export function nameOf<V extends Readonly<Record<string, number>>>(vocabulary: V, value: number | bigint): (keyof V & string) | undefined {
  return (Object.keys(vocabulary) as (keyof V & string)[]).find((name) => vocabulary[name] === Number(value));
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
  "SPECIAL_CATEGORY_READER",
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** A ledger value as JSON: integers (bigints) as decimal strings, ethers' Results as arrays. */
export function jsonSafe<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/** A division of the national statistical code list: its 12-digit code, its name and its parent's code (none for a province), as the ledger registers the tree. */
export interface Division {
  code: string;
  name: string;
  parent: string | null;
}
