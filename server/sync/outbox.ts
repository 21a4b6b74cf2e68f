import type { StateStore } from "../state/state-store.ts";
import { KEYS } from "../state/keys.ts";

/**
 * The calls the operator account makes for others, each authorised on chain by the officers who
 * signed it: applications, by their caseworker's signature, sent in batches (see Relayer); and
 * decisions, by their reviewers' or approvers' EIP-712 signatures. Every other ledger step is an
 * officer's own transaction.
 */
export type OperatorCall = "submitApplication" | "decide";

/** What the outbox relays: applications, or ("signed") a transaction an officer signed, its one argument the raw transaction, sent as it is. */
export type LedgerCall = OperatorCall | "signed";

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
  /**
   * While owed: the operator transaction the relayer signed for it, recorded (under
   * sentTransactionKey) before it was sent, to be found mined or sent again as it is.
   */
  sentAs?: string;
  transactionHash?: string;
  blockNumber?: number;
  error?: { code: string; message: string };
}

/** Keys sort in the order the transactions were owed, which is the order they are sent in. */
export function outboxKey(caseId: string, at = Date.now()): string {
  return KEYS.outbox(caseId, at);
}

/**
 * A pending entry is marked under `pending:` beside its `outbox:` key, and the mark is deleted
 * when the entry is settled: a relayer run reads what is owed, not every transaction ever sent.
 */
const pendingMark = KEYS.pending;
/** A failed entry is marked under `failed:`, for operators to find every step that did not happen. */
const failedMark = KEYS.failed;

/** The state to write for transactions now owed: each entry, and its pending mark. */
export function owed(entries: Record<string, OutboxEntry>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entries).flatMap(([key, entry]) => [[key, entry], [pendingMark(key), true]]));
}

/** Where a signed operator transaction is kept while the entries it carries are owed (see OutboxEntry.sentAs). */
export const sentTransactionKey = KEYS.sent;

/**
 * Writes entries' new states at once; a settled one (done or failed) loses its pending mark, and
 * the transaction recorded for it, in the same write; a failed one gains its failed mark.
 */
export async function settle(state: StateStore, entries: readonly (readonly [string, OutboxEntry])[]): Promise<void> {
  const settled = entries.filter(([, entry]) => entry.state !== "pending");
  await state.write(
    Object.fromEntries([
      ...entries.map(([key, { sentAs, ...entry }]) => [key, entry.state === "pending" ? { ...entry, sentAs } : entry]),
      ...entries.filter(([, entry]) => entry.state === "failed").map(([key]) => [failedMark(key), true]),
    ]),
    [...settled.map(([key]) => pendingMark(key)), ...new Set(settled.flatMap(([, entry]) => (entry.sentAs ? [sentTransactionKey(entry.sentAs)] : [])))],
  );
}

/** Takes back a debt whose record never reached the log, with its mark and `also`, in one write. */
export async function drop(state: StateStore, key: string, also: readonly string[] = []): Promise<void> {
  await state.write({}, [key, pendingMark(key), ...also]);
}

/** Every entry the ledger refused or the relayer could never send, in the order they were owed: steps that did not happen. */
export async function failedEntries(state: StateStore): Promise<[string, OutboxEntry][]> {
  const keys = (await state.list<true>(KEYS.failedAll)).map(([mark]) => mark.slice(KEYS.failedAll.length));
  const entries = await state.getMany<OutboxEntry>(keys);
  return keys.flatMap((key, i): [string, OutboxEntry][] => (entries[i] ? [[key, entries[i]]] : []));
}

/** The entries still owed, in the order they were owed; with `after`, only those owed after the entry under that key. */
export async function pendingEntries(state: StateStore, after?: string): Promise<[string, OutboxEntry][]> {
  const keys = (await state.list<true>(KEYS.pendingAll, after && pendingMark(after))).map(([mark]) => mark.slice(KEYS.pendingAll.length));
  const entries = await state.getMany<OutboxEntry>(keys);
  return keys.flatMap((key, i): [string, OutboxEntry][] => (entries[i]?.state === "pending" ? [[key, entries[i]]] : []));
}
