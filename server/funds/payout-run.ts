import { randomBytes } from "node:crypto";
import { CaseStatus, PayoutState, Programme } from "../chain/domain.ts";
import { awaitLedger, dryRun, type LedgerActionContext } from "../cases/ledger-action.ts";
import { outboxKey, owed } from "../state/outbox.ts";
import type { CaseEntry } from "../cases/intake.ts";
import { PROGRAMMES } from "../cases/intake.ts";
import { newRecord } from "../records/record.ts";
import type { OutboxEntry } from "../state/outbox.ts";
import { AidtrailError } from "../verify/errors.ts";

export interface PayoutRunInput {
  programme: "dibao" | "tekun";
  /** The month paid, YYYYMM. */
  period: number;
  allocationId: string;
  batchSize: number;
}

export interface PayoutLine {
  caseId: string;
  amount: string;
}

/** A monthly payout run: what it pays, what it skipped and why, and the ledger batches that carry it. */
export interface PayoutRun {
  runId: string;
  programme: string;
  period: number;
  allocationId: string;
  jurisdiction: string;
  startedBy: string;
  startedAt: string;
  lines: PayoutLine[];
  skipped: { caseId: string; reason: string }[];
  batches: { outbox: string; recordId: string; size: number }[];
}

/**
 * Starts the monthly run of a programme for every case this gateway took in: each active case is
 * paid the smaller of its approved amount and the standard in force times its household size;
 * a case already paid for the period, or not active, is skipped with the reason. The lines go to
 * the ledger in batches, each with its payment file in the log; the relayer sends them in order
 * and resumes after a restart, and the ledger refuses to pay any case twice.
 */
export async function startPayoutRun(ctx: LedgerActionContext, officer: string, jurisdiction: string, input: PayoutRunInput): Promise<PayoutRun> {
  const programme = PROGRAMMES[input.programme];
  const entries = (await ctx.state.list<CaseEntry>("case:")).map(([, e]) => e).filter((e) => e.programme === input.programme);
  // Standards take effect by the chain's clock, which is the one the ledger will judge by.
  const now = await ctx.chain.now();
  const lines: PayoutLine[] = [];
  const skipped: PayoutRun["skipped"] = [];
  for (const entry of entries) {
    const [terms, area, householdSize] = await ctx.chain.cases.getCase(entry.caseId).catch(() => [null, 0n, 0n] as const);
    if (!terms) {
      skipped.push({ caseId: entry.caseId, reason: "not on the ledger yet" });
      continue;
    }
    if (Number(terms.status) !== CaseStatus.Active) {
      skipped.push({ caseId: entry.caseId, reason: `the case is ${CaseStatus[Number(terms.status)]}` });
      continue;
    }
    const state = Number(await ctx.chain.funds.payoutState(entry.caseId, input.period));
    if (state === PayoutState.Paid || state === PayoutState.Settled) {
      skipped.push({ caseId: entry.caseId, reason: `already paid for ${input.period}` });
      continue;
    }
    let cap: bigint;
    try {
      const [standard] = await ctx.chain.standards.standardAt(BigInt(entry.jurisdiction), programme, area, now);
      cap = standard * householdSize;
    } catch {
      skipped.push({ caseId: entry.caseId, reason: `no ${Programme[programme]} standard is in force for it` });
      continue;
    }
    const amount = terms.approvedAmount < cap ? terms.approvedAmount : cap;
    lines.push({ caseId: entry.caseId, amount: amount.toString() });
  }
  if (lines.length === 0) {
    throw new AidtrailError("PAYOUT_RUN_EMPTY", `no case of ${input.programme} is due a payment for ${input.period}`, { hint: "see the skipped cases: GET /v1/cases/:caseId says why" });
  }

  const run: PayoutRun = {
    runId: "run" + randomBytes(8).toString("hex"),
    programme: input.programme,
    period: input.period,
    allocationId: input.allocationId,
    jurisdiction,
    startedBy: officer,
    startedAt: new Date().toISOString(),
    lines,
    skipped,
    batches: [],
  };
  // The whole run is owed at once: every batch's outbox entry and the run in one state write,
  // then every payment file in one log append. Killed before the append, the relayer drops the
  // batches (their files never reached the log) and a new run pays the same cases; killed after
  // it, the relayer sends every batch after the restart. Either way no line is lost or paid twice.
  const batches: { entry: OutboxEntry; outbox: string; record: ReturnType<typeof newRecord>; size: number }[] = [];
  for (let start = 0; start < lines.length; start += input.batchSize) {
    const batch = lines.slice(start, start + input.batchSize);
    const record = newRecord({
      kind: "payment-file",
      jurisdiction,
      public: { runId: run.runId, period: input.period, allocationId: input.allocationId, programme: input.programme, lines: batch, startedBy: officer },
    });
    const args = [input.allocationId, input.period, batch.map((l) => ({ caseId: l.caseId, amount: l.amount }))];
    await dryRun(ctx.chain, "payBatch", args);
    const outbox = outboxKey(`${run.runId}-${start}`);
    batches.push({ entry: { kind: "payBatch", caseId: run.runId, recordId: record.recordId, args, state: "pending", attempts: 0, owedAt: Date.now() }, outbox, record, size: batch.length });
  }
  run.batches = batches.map((b) => ({ outbox: b.outbox, recordId: b.record.recordId, size: b.size }));
  const index = Object.fromEntries(batches.flatMap((b) => (b.record.public.lines as PayoutLine[]).map((l) => [paymentFileKey(l.caseId, input.period), { runId: run.runId, recordId: b.record.recordId }])));
  await ctx.state.put({ [`run:${run.runId}`]: run, ...owed(Object.fromEntries(batches.map((b) => [b.outbox, b.entry]))), ...index });
  await ctx.log.append(batches.map((b) => b.record));
  await awaitLedger(ctx);
  return run;
}

export const paymentFileKey = (caseId: string, period: number) => `payment-file:${caseId}:${period}`;

/** A run and where each of its batches stands on the ledger. */
export async function payoutRunProgress(ctx: LedgerActionContext, runId: string) {
  const run = await ctx.state.get<PayoutRun>(`run:${runId}`);
  if (!run) throw new AidtrailError("PAYOUT_RUN_NOT_FOUND", `no payout run ${runId} was started at this gateway`, { field: "runId" });
  const batches = await Promise.all(
    run.batches.map(async (b) => {
      const entry = (await ctx.state.get<OutboxEntry>(b.outbox))!;
      return { ...b, state: entry.state, transactionHash: entry.transactionHash, error: entry.error };
    }),
  );
  const paid = batches.filter((b) => b.state === "done").reduce((n, b) => n + b.size, 0);
  return { ...run, batches, progress: { lines: run.lines.length, paid, skipped: run.skipped.length } };
}
