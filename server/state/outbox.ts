import type { StateStore } from "./state-store.ts";

/** A ledger transaction the gateway owes: written with the record that needs it, sent by the relayer. */
export interface OutboxEntry {
  kind: "submitApplication";
  caseId: string;
  /** The record the transaction anchors a hash of; it must be in the log before the transaction is sent. */
  recordId: string;
  owedAt: number;
  /** The contract call's arguments, bigints as decimal strings. */
  args: (string | number)[];
  state: "pending" | "done" | "failed";
  attempts: number;
  transactionHash?: string;
  blockNumber?: number;
  error?: { code: string; message: string };
}

/** Keys sort in the order the transactions were owed, which is the order they are sent in. */
export function outboxKey(caseId: string, at = Date.now()): string {
  return `outbox:${at.toString().padStart(16, "0")}:${caseId}`;
}

export async function pendingEntries(state: StateStore): Promise<[string, OutboxEntry][]> {
  return (await state.list<OutboxEntry>("outbox:")).filter(([, e]) => e.state === "pending");
}
