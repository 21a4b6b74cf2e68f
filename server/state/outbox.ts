import type { CaseRegistry } from "../../types/ethers-contracts/index.js";
import type { StateStore } from "./state-store.ts";

/** The case registry calls the gateway relays through its operator account. */
export type LedgerCall = "submitApplication" | "lodgeObjection" | "reviseRecord" | "activate";

/** A ledger transaction the gateway owes: written with the record that needs it, sent by the relayer. */
export interface OutboxEntry {
  kind: LedgerCall;
  caseId: string;
  /** The record behind the transaction; it must be in the log before the transaction is sent. */
  recordId: string;
  owedAt: number;
  /** The contract call's arguments; numbers beyond 2^53 as decimal strings. */
  args: (string | number)[];
  state: "pending" | "done" | "failed";
  attempts: number;
  transactionHash?: string;
  blockNumber?: number;
  error?: { code: string; message: string };
}

/** Keys sort in the order the transactions were owed, which is the order they are sent in. */
export function outboxKey(caseId: string, at = Date.now()): string {
  return `outbox:${at.toString().padStart(16, "0")}:${caseId}:${Math.random().toString(36).slice(2, 8)}`;
}

export async function pendingEntries(state: StateStore): Promise<[string, OutboxEntry][]> {
  return (await state.list<OutboxEntry>("outbox:")).filter(([, e]) => e.state === "pending");
}

/** The registry method of an entry, bound to its contract, for a dry run or a real send. */
export function ledgerMethod(cases: CaseRegistry, kind: LedgerCall) {
  return cases.getFunction(kind);
}
