import type { BaseContract } from "ethers";
import type { ChainClient } from "../chain/client.ts";
import type { StateStore } from "./state-store.ts";

/** The ledger calls the gateway relays through its operator account. */
export type LedgerCall = "submitApplication" | "lodgeObjection" | "reviseRecord" | "activate" | "pay" | "payBatch";

/** A ledger transaction the gateway owes: written with the record that needs it, sent by the relayer. */
export interface OutboxEntry {
  kind: LedgerCall;
  caseId: string;
  /** The record behind the transaction; it must be in the log before the transaction is sent. */
  recordId: string;
  owedAt: number;
  /** The contract call's arguments; numbers beyond 2^53 as decimal strings. */
  args: unknown[];
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

/** The contract method of an entry, for a dry run or a real send. */
export function ledgerMethod(chain: ChainClient, kind: LedgerCall) {
  // Untyped on purpose: the outbox stores each call's arguments as the JSON it was given.
  const contract: BaseContract = kind === "pay" || kind === "payBatch" ? chain.funds : chain.cases;
  return contract.getFunction(kind);
}
