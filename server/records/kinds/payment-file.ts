import { shaped, type BuiltRecord, type RecordShape, type RecordSubject } from "./shape.ts";

/** The lines a payout or a batch of a payout run pays, from which allocation, for which period, started by which finance officer. */
export const PAYMENT_FILE = {
  kind: "payment-file",
  public: ["runId", "period", "allocationId", "programme", "lines", "startedBy"],
  personal: [],
} as const satisfies RecordShape;

export interface PaymentFileFields {
  /** The payout run the batch belongs to; none for a single payout. */
  runId?: string;
  period: number;
  allocationId: string;
  programme: string;
  lines: readonly { caseId: string; amount: string }[];
  startedBy: string;
}

export function paymentFileRecord(subject: RecordSubject, { runId, ...fields }: PaymentFileFields): BuiltRecord {
  return shaped(PAYMENT_FILE, subject, { public: { ...(runId !== undefined && { runId }), ...fields } });
}
