import { Transaction } from "ethers";
import type { ChainClient } from "../chain/client.ts";
import { decodeRevert } from "../chain/reverts.ts";
import { toAidtrailError } from "../chain/ledger-error.ts";
import type { RecordLog } from "../log/record-log.ts";
import type { AidRecord } from "../records/record.ts";
import type { Relayer } from "./relayer.ts";
import { drop, outboxKey, owed, type LedgerCall, type OutboxEntry } from "./outbox.ts";
import type { StateStore } from "../state/state-store.ts";

export interface LedgerActionContext {
  chain: ChainClient;
  log: RecordLog;
  state: StateStore;
  relayer: Relayer;
  ledgerWaitMs: number;
}

export interface LedgerActionResult {
  outbox: string;
  leafIndex: number;
  ledger: Pick<OutboxEntry, "state" | "transactionHash" | "blockNumber" | "error">;
}

/**
 * Runs a ledger call without sending it: a refusal throws its decoded error, so nothing is
 * written for a step the ledger would refuse; a chain that does not answer is let through, to be
 * relayed when it does.
 */
export async function dryRun(chain: ChainClient, call: LedgerCall, args: unknown[]): Promise<void> {
  try {
    if (call === "signed") {
      // As the officer who signed it: the ledger checks their role, not the operator's. One the
      // chain mined already (broadcast by anyone) is not run again: its receipt is what counts.
      const { from, to, data, hash } = Transaction.from(args[0] as string);
      if (await chain.transactions.receipt(hash!)) return;
      await chain.provider.call({ from, to, data });
    } else if (call === "decide") {
      await chain.provider.call({ from: chain.operator.address, ...chain.decisionCall(args) });
    } else {
      await chain.dryRunApplication(args);
    }
  } catch (error) {
    if (decodeRevert(error)) throw toAidtrailError(error);
  }
}

/**
 * Gives the relayer up to `ledgerWaitMs` to send what is owed; a failure is the outbox's to record.
 * With no time to wait, the relayer is started and left to it. Resolves with whether it waited.
 */
export async function awaitLedger(ctx: Pick<LedgerActionContext, "relayer" | "ledgerWaitMs">): Promise<boolean> {
  const sent = ctx.relayer.runOnce().catch(() => undefined);
  if (ctx.ledgerWaitMs === 0) return false;
  await Promise.race([sent, new Promise((r) => setTimeout(r, ctx.ledgerWaitMs))]);
  return true;
}

/**
 * One step of a case, off chain and on: a dry run of the ledger call first (a refusal writes
 * nothing), then the call owed in the outbox, then the record that explains it appended to the
 * log, then the relayer given `ledgerWaitMs` to put it on chain. A chain that is down delays the
 * ledger, never the record. `extraState` (given the outbox key) is written with the outbox entry, atomically.
 * `authorized`, a check of the caller still under way, runs alongside the dry run: both must pass.
 * `reserve`, run once they have and before anything is written, takes what the step must hold
 * while it is owed (see PendingApplications), or throws to refuse it.
 */
export async function ledgerAction(
  ctx: LedgerActionContext,
  step: { caseId: string; record: AidRecord; call: LedgerCall; args: unknown[]; authorized?: Promise<unknown>; reserve?: () => void; extraState?: (outbox: string) => Record<string, unknown> },
): Promise<LedgerActionResult> {
  await Promise.all([step.authorized, dryRun(ctx.chain, step.call, step.args)]);
  step.reserve?.();
  const outbox = outboxKey(step.caseId);
  const entry: OutboxEntry = { kind: step.call, caseId: step.caseId, recordId: step.record.recordId, args: step.args, state: "pending", attempts: 0, owedAt: Date.now() };
  // The debt first, then the evidence: after a crash between them the relayer finds a debt whose
  // record never reached the log and drops it, where the other order would strand a logged record.
  const extra = step.extraState?.(outbox) ?? {};
  await ctx.state.put({ ...owed({ [outbox]: entry }), ...extra });
  let leafIndex: number;
  try {
    leafIndex = (await ctx.log.append([step.record]))[0]!.leafIndex;
  } catch (error) {
    await drop(ctx.state, outbox, Object.keys(extra));
    throw error;
  }
  // Not waited for, the answer is the entry as written, without reading it back.
  if (!(await awaitLedger(ctx))) return { outbox, leafIndex, ledger: { state: entry.state } };
  const settled = (await ctx.state.get<OutboxEntry>(outbox))!;
  return { outbox, leafIndex, ledger: { state: settled.state, transactionHash: settled.transactionHash, blockNumber: settled.blockNumber, error: settled.error } };
}
