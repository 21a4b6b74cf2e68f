import { shaped, type BuiltRecord, type RecordShape, type RecordSubject } from "./shape.ts";

/** A settlement agent's confirmation that payouts arrived: each line's case and the bank's reference. Its leaf hash is each line's evidence hash on the ledger. */
export const SETTLEMENT = {
  kind: "settlement",
  public: ["period", "lines", "confirmedBy"],
  personal: [],
} as const satisfies RecordShape;

export function settlementRecord(subject: RecordSubject, period: number, lines: readonly { caseId: string; reference: string }[], confirmedBy: string): BuiltRecord {
  return shaped(SETTLEMENT, subject, { public: { period, lines, confirmedBy } });
}
