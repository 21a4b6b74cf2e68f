import { shaped, type BuiltRecord, type RecordShape, type RecordSubject } from "./shape.ts";

/** A review or an approval as the ledger took it: the decision, its EIP-712 digest and the officers' signatures. */
export const DECISION = {
  kind: "decision",
  public: ["decision", "digest", "signatures"],
  personal: [],
} as const satisfies RecordShape;

/** The record of a decision signed to its threshold, evidence before it is relayed (integers in `decision` as decimal strings). */
export function decisionRecord(subject: RecordSubject, decision: Record<string, unknown>, digest: string, signatures: readonly { signer: string; signature: string }[]): BuiltRecord {
  return shaped(DECISION, subject, { public: { decision, digest, signatures } });
}
