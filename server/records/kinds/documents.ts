import { shaped, type BuiltRecord, type RecordShape, type RecordSubject } from "./shape.ts";

/*
 * Documents: the evidence of a ledger step that has no record of its own kind, one type each, and
 * of the gateway's own acts (a receipt reissued). Each names the officer who took the step.
 */

const document = <const T extends string, const P extends readonly string[], const S extends readonly string[] = []>(type: T, fields: P, personal?: S) =>
  ({ kind: "document", type, public: fields, personal: personal ?? ([] as unknown as S) }) as const satisfies RecordShape;

export const PUBLIC_NOTICE_COMPLETED = document("public-notice-completed", ["noticeEnd", "activatedBy"]);
/** The reason may say why a household no longer qualifies: it is personal. */
export const CASE_SUSPENSION = document("case-suspension", ["decidedBy"], ["reason"]);
export const CASE_RESUMPTION = document("case-resumption", ["decidedBy"], ["reason"]);
export const CASE_EXIT = document("case-exit", ["decidedBy"], ["reason"]);
export const RECEIPT_REISSUED = document("receipt-reissued", ["reissuedBy"]);
export const APPROPRIATION = document("appropriation", ["programme", "fiscalYear", "jurisdiction", "amount", "purpose", "proposedBy"]);
/** The checker's own entry of the terms, and the maker's purpose by its hash. */
export const APPROPRIATION_APPROVAL = document("appropriation-approval", ["proposalId", "programme", "fiscalYear", "jurisdiction", "amount", "purposeHash", "approvedBy"]);
export const ALLOCATION = document("allocation", ["parentId", "jurisdiction", "amount", "purpose", "madeBy"]);
/** The reason (the bank's return reason) may say why an account was closed: it is personal. */
export const PAYOUT_REVERSAL = document("payout-reversal", ["period", "allocationId", "amount", "paymentFile", "reversedBy"], ["reason"]);

export const DOCUMENTS = [PUBLIC_NOTICE_COMPLETED, CASE_SUSPENSION, CASE_RESUMPTION, CASE_EXIT, RECEIPT_REISSUED, APPROPRIATION, APPROPRIATION_APPROVAL, ALLOCATION, PAYOUT_REVERSAL] as const;

type Fields<S extends RecordShape> = { [F in S["public"][number]]: unknown };
type Personal<S extends RecordShape> = { [F in S["personal"][number]]: unknown };

/** A document of one of the types above, its fields as the type declares them. */
export function documentRecord<S extends (typeof DOCUMENTS)[number]>(shape: S, subject: RecordSubject, fields: Fields<S>, ...personal: S["personal"] extends readonly [] ? [] : [Personal<S>]): BuiltRecord {
  return shaped(shape, subject, { public: fields, personal: personal[0] });
}
