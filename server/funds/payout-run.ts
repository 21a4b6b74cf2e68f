import { randomBytes } from "node:crypto";
import { CaseStatus, coversDivision, jurisdictionCode, MONTHLY_PROGRAMMES, paysCases, PayoutState, Programme, nameOf } from "../chain/domain.ts";
import { roleId } from "../chain/roles.ts";
import { decodeRevert } from "../chain/reverts.ts";
import { awaitLedger, dryRun, type LedgerActionContext } from "../sync/ledger-action.ts";
import { checkDraftAge, checkSendable, checkSignedTransaction, draftOf, officerTransaction, type Draft } from "../sync/signed-call.ts";
import type { CaseEntry } from "../cases/intake.ts";
import { PROGRAMMES } from "../cases/intake.ts";
import { toAidtrailError } from "../chain/ledger-error.ts";
import { newRecord, type AidRecord } from "../records/record.ts";
import { outboxKey, owed, type OutboxEntry } from "../sync/outbox.ts";
import type { PaymentLine } from "../../kit/bundle.ts";
import { AidtrailError } from "../../kit/errors.ts";
import { PROGRAMME_NAMES, STATUS_NAMES } from "../../kit/names.ts";
import type { Suite } from "../../kit/record.ts";
import { endOf, periodAt } from "./periods.ts";
import { KEYS } from "../state/keys.ts";
import { paymentFileRecord } from "../records/kinds/payment-file.ts";

export interface PayoutRunInput {
  programme: (typeof MONTHLY_PROGRAMMES)[number];
  /** The month paid, YYYYMM. */
  period: number;
  allocationId: string;
  batchSize: number;
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
  lines: PaymentLine[];
  /** Each case not paid, and why: in English (`reason`) and Chinese (`zh`). */
  skipped: { caseId: string; reason: string; zh: string }[];
  batches: { outbox: string; recordId: string; size: number }[];
}

/** What makes the run rebuilt from a relay request the run that was drafted: its id and time, and each batch's record. */
export interface RunDraft {
  runId: string;
  startedAt: string;
  batches: Draft[];
}

/** A drafted run: the run, and for each batch its payment file and the unsigned payBatch transaction of the officer's account. */
export interface DraftedRun {
  run: Omit<PayoutRun, "batches">;
  draft: RunDraft;
  batches: { record: AidRecord; size: number; transaction: unknown }[];
}

/** Where the gateway keeps which payment file pays a case for a period, and the debt that carries it. */
export const paymentFileKey = KEYS.paymentFile;

export interface PaymentFileEntry {
  recordId: string;
  runId?: string;
  outbox?: string;
}

const MAX_PAYOUT = 2n ** 38n - 1n;

/** A run refused as a whole: the rule named is the ledger's, for every case of the run alike. */
const runRefused = (code: string, message: string, field: string, hint: string) => new AidtrailError(code, message, { kind: "refused", field, hint });

/** A ledger read that fails: a refusal as the ledger words it, or the chain not answering. */
async function read<T>(value: Promise<T>): Promise<T> {
  try {
    return await value;
  } catch (error) {
    if (decodeRevert(error)) throw toAidtrailError(error);
    throw new AidtrailError("LEDGER_UNAVAILABLE", "the ledger cannot be reached to plan the run", { kind: "unavailable", hint: "try again when the chain is back" });
  }
}

/** How many cases a run judges at once (see planRun). */
const JUDGED_TOGETHER = 200;

/**
 * The run of a programme for a month, for every case this gateway took in, as the ledger will
 * judge it now. The month must be in the allocation's fiscal year and not after the chain's
 * current month (China Standard Time), or no case could be paid: the run is refused. Each active
 * case is paid the smaller of its approved amount and the standard in force at the end of the
 * month times its household size; a case the ledger would refuse (not active, paid already or on
 * its way, outside the allocation, entitled only from a later month, no standard) is skipped with
 * the reason, and the others paid.
 */
async function planRun(ctx: LedgerActionContext, officer: string, jurisdiction: string, input: PayoutRunInput, given: { runId: string; startedAt?: string }) {
  const programme = PROGRAMMES[input.programme];
  const funds = await read(ctx.chain.funds.allocation(input.allocationId));
  if (Number(funds.programme) !== programme) {
    throw runRefused("PAYOUT_RUN_PROGRAMME_MISMATCH", `allocation ${input.allocationId} funds ${nameOf(Programme, Number(funds.programme))}, not ${input.programme}`, "allocationId", "name an allocation of the programme paid");
  }
  const current = periodAt(await read(ctx.chain.now()));
  if (input.period > current) {
    throw runRefused("PAYOUT_RUN_PERIOD_IN_FUTURE", `${input.period} is after the ledger's current month, ${current} (China Standard Time)`, "period", "a month is paid once it has begun");
  }
  const fiscalYear = Number(funds.fiscalYear);
  if (Math.floor(input.period / 100) !== fiscalYear) {
    throw runRefused("PAYOUT_RUN_OUTSIDE_FISCAL_YEAR", `allocation ${input.allocationId} is of fiscal year ${fiscalYear}; ${input.period} is not in it`, "period", "pay a month of the allocation's fiscal year, or name the allocation of the month's year");
  }
  const scope = jurisdictionCode(funds.jurisdiction);
  if (!paysCases(scope)) {
    throw runRefused("PAYOUT_RUN_ALLOCATION_ABOVE_COUNTY", `allocation ${input.allocationId} is held at ${scope}, above the counties: central, provincial and city funds reach cases only by allocation`, "allocationId", "allocate the funds down to the county, and pay from that allocation");
  }
  // Whoever pays spends their own budget: the ledger checks the officer over the allocation, not over the cases.
  if (!(await read(ctx.chain.roles.hasScopedRole(roleId("FINANCE_OFFICER"), officer, funds.jurisdiction)))) {
    throw new AidtrailError("PAYOUT_RUN_ALLOCATION_NOT_YOURS", `you hold no finance officer's role over ${scope}, where allocation ${input.allocationId} is held`, { kind: "forbidden", field: "allocationId", hint: "pay from an allocation of your own jurisdiction" });
  }
  const periodEnd = endOf(input.period);
  const entries = (await ctx.state.list<CaseEntry>(KEYS.cases)).map(([, e]) => e).filter((e) => e.programme === input.programme);
  const files = await ctx.state.getMany<PaymentFileEntry>(entries.map((e) => paymentFileKey(e.caseId, input.period)));
  // A payment owed to the ledger and not on it yet: a batch that paid it again would be refused whole, as paid already.
  const withDebt = files.flatMap((f, i) => (f?.outbox ? [i] : []));
  const debts = await ctx.state.getMany<OutboxEntry>(withDebt.map((i) => files[i]!.outbox!));
  const onItsWay = new Set(withDebt.filter((_, j) => debts[j]?.state === "pending"));
  type Judged = { line: PaymentLine } | { skipped: PayoutRun["skipped"][number] };
  /** What the run does for one case: pays it the line, or skips it with the reason. */
  const judge = async (entry: CaseEntry, i: number): Promise<Judged> => {
    const skip = (reason: string, zh: string): Judged => ({ skipped: { caseId: entry.caseId, reason, zh } });
    const [terms, area, householdSize, , noticeEnd] = await ctx.chain.cases.getCase(entry.caseId).catch(() => [null, 0n, 0n, 0n, 0n] as const);
    if (!terms) return skip("not on the ledger yet", "尚未记入账本");
    if (Number(terms.status) !== CaseStatus.Active) {
      const status = STATUS_NAMES[nameOf(CaseStatus, Number(terms.status))!];
      return skip(`the case is ${status.en}`, `案件${status.zh}`);
    }
    if (!coversDivision(scope, entry.jurisdiction)) {
      return skip(`the case is in ${entry.jurisdiction}, outside allocation ${input.allocationId} (${scope})`, `案件在 ${entry.jurisdiction}，不在拨款 ${input.allocationId}（${scope}）的范围内`);
    }
    const entitledFrom = Number(terms.entitledFrom);
    if (entitledFrom >= periodEnd) {
      const since = periodAt(entitledFrom);
      if (terms.entitledFrom === noticeEnd) return skip(`its public notice ended in ${since}: it is paid from that month, not for ${input.period}`, `公示于 ${since} 结束，从该月起发放，不发 ${input.period}`);
      return skip(`it resumed after a suspension in ${since}: it is paid from that month, not for ${input.period}`, `暂停后于 ${since} 恢复，从该月起发放，不发 ${input.period}`);
    }
    const state = Number(await ctx.chain.funds.payoutState(entry.caseId, input.period));
    if (state === PayoutState.Paid || state === PayoutState.Settled) return skip(`already paid for ${input.period}`, `${input.period} 已发放`);
    if (onItsWay.has(i)) {
      const run = files[i]!.runId;
      return skip(`a payment for ${input.period} is on its way to the ledger${run ? ` (run ${run})` : ""}`, `${input.period} 的发放正在上账${run ? `（发放 ${run}）` : ""}`);
    }
    let cap: bigint;
    try {
      // The standard the ledger applies: the one in force at the end of the month.
      const [standard] = await ctx.chain.standards.standardAt(BigInt(entry.jurisdiction), programme, area, periodEnd - 1);
      cap = standard * householdSize;
    } catch {
      return skip(`no ${PROGRAMME_NAMES[input.programme].en} standard is in force for it`, `没有适用于它的现行${PROGRAMME_NAMES[input.programme].zhShort}标准`);
    }
    let amount = terms.approvedAmount < cap ? terms.approvedAmount : cap;
    if (amount > MAX_PAYOUT) amount = MAX_PAYOUT;
    return { line: { caseId: entry.caseId, amount: amount.toString() } };
  };
  // Cases are judged JUDGED_TOGETHER at a time, in order: their questions to the chain go in the same JSON-RPC batches.
  const judged: Judged[] = [];
  for (let start = 0; start < entries.length; start += JUDGED_TOGETHER) {
    judged.push(...(await Promise.all(entries.slice(start, start + JUDGED_TOGETHER).map((entry, j) => judge(entry, start + j)))));
  }
  const lines = judged.flatMap((j) => ("line" in j ? [j.line] : []));
  const skipped = judged.flatMap((j) => ("skipped" in j ? [j.skipped] : []));
  if (lines.length === 0) {
    // Why each case was skipped, counted by reason: what the officer needs to know to act.
    const counted = (language: "reason" | "zh", separator: string) => {
      const reasons = new Map<string, number>();
      for (const s of skipped) reasons.set(s[language], (reasons.get(s[language]) ?? 0) + 1);
      return [...reasons].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([reason, n]) => `${n} × ${reason}`).join(separator);
    };
    const why = counted("reason", "; ");
    throw new AidtrailError("PAYOUT_RUN_EMPTY", `no case of ${input.programme} is due a payment for ${input.period}${skipped.length ? `: ${skipped.length} skipped (${why})` : ": this gateway took in no case of it"}`, {
      hint: "pay another month, or activate the cases first",
      zh: { message: `${input.period} 没有应发放的${PROGRAMME_NAMES[input.programme].zhShort}案件${skipped.length ? `：跳过 ${skipped.length} 件（${counted("zh", "；")}）` : "：本网关尚未受理该项目的案件"}`, hint: "改发其他月份，或先启动案件的发放" },
    });
  }
  const total = lines.reduce((sum, l) => sum + BigInt(l.amount), 0n);
  const left = await read(ctx.chain.funds.available(input.allocationId));
  if (total > left) {
    throw runRefused("PAYOUT_RUN_FUNDS_INSUFFICIENT", `the run pays ${total} fen; allocation ${input.allocationId} has ${left} left`, "allocationId", "allocate more to it first, or pay from another allocation");
  }
  // A new run starts now by a clock that has just read the ledger's (see LedgerClock).
  const run: Omit<PayoutRun, "batches"> = { runId: given.runId, startedAt: given.startedAt ?? ctx.chain.clock.iso(), programme: input.programme, period: input.period, allocationId: input.allocationId, jurisdiction, startedBy: officer, lines, skipped };
  const batches: PaymentLine[][] = [];
  for (let start = 0; start < lines.length; start += input.batchSize) batches.push(lines.slice(start, start + input.batchSize));
  return { run, batches };
}

/** A batch's payment file, as drafted, or (given its draft) as rebuilt for the relay. */
function paymentFile(run: Omit<PayoutRun, "batches">, lines: PaymentLine[], suite: Suite, draft?: Draft): AidRecord {
  return newRecord(
    {
      ...paymentFileRecord({ jurisdiction: run.jurisdiction }, { runId: run.runId, period: run.period, allocationId: run.allocationId, programme: run.programme, lines, startedBy: run.startedBy }),
      createdAt: run.startedAt,
      ...draft,
    },
    suite,
  );
}

/** A batch's payBatch call: the exact transaction fields the officer signs. */
function batchCall(ctx: LedgerActionContext, run: Omit<PayoutRun, "batches">, lines: PaymentLine[]): { to: string; data: string } {
  const data = ctx.chain.funds.interface.encodeFunctionData("payBatch", [BigInt(run.allocationId), run.period, lines.map((l) => ({ caseId: l.caseId, amount: BigInt(l.amount) }))]);
  return { to: ctx.chain.funds.target as string, data };
}

/**
 * Drafts the monthly run of a programme (see planRun): the run, each batch's payment file, and
 * one unsigned payBatch transaction per batch from the finance officer's account, with its
 * account's next nonces in order, each estimated as the officer (a batch the ledger would refuse
 * is refused now, with its reason). Nothing is written.
 */
export async function draftPayoutRun(ctx: LedgerActionContext, officer: string, jurisdiction: string, input: PayoutRunInput): Promise<DraftedRun> {
  const { run, batches } = await planRun(ctx, officer, jurisdiction, input, { runId: "run" + randomBytes(8).toString("hex") });
  const next = await read(ctx.chain.provider.getTransactionCount(officer, "pending"));
  const drafted: DraftedRun["batches"] = [];
  for (const [i, lines] of batches.entries()) {
    const record = paymentFile(run, lines, ctx.log.suite);
    drafted.push({ record, size: lines.length, transaction: await officerTransaction(ctx, officer, batchCall(ctx, run, lines), next + i) });
  }
  return { run, draft: { runId: run.runId, startedAt: run.startedAt, batches: drafted.map((b) => draftOf(b.record)) }, batches: drafted };
}

/**
 * Relays a drafted run: rebuilds it from the request and its draft (a run that changed since,
 * say a case paid or activated meanwhile, no longer matches: it is drafted again), checks that
 * each signed transaction is the officer's own, makes exactly its batch's call and follows the one
 * before it in the account's nonces, then owes the whole run at once: every batch's outbox entry,
 * the run and the payment-file index in one state write, then every payment file in one log
 * append. Killed before the append, the relayer drops the batches (their files never reached the
 * log) and a new run pays the same cases; killed after it, the relayer sends every batch after the
 * restart, in order. Either way no line is lost or paid twice.
 */
export async function relayPayoutRun(ctx: LedgerActionContext, officer: string, jurisdiction: string, input: PayoutRunInput, draft: RunDraft, signedTransactions: string[]): Promise<PayoutRun> {
  await checkDraftAge(ctx, draft.startedAt, "draft.startedAt");
  const { run: planned, batches } = await planRun(ctx, officer, jurisdiction, input, { runId: draft.runId, startedAt: draft.startedAt });
  if (batches.length !== draft.batches.length || batches.length !== signedTransactions.length) {
    throw new AidtrailError("SIGNED_CALL_MISMATCH", `the run now has ${batches.length} batches; the draft had ${draft.batches.length} and ${signedTransactions.length} were signed`, {
      kind: "invalid",
      field: "signedTransactions",
      hint: "ask for a new draft and sign its transactions, all of them, in order",
    });
  }
  const signed = batches.map((lines, i) => {
    const record = paymentFile(planned, lines, ctx.log.suite, draft.batches[i]);
    const transaction = checkSignedTransaction(ctx, officer, signedTransactions[i]!, { ...batchCall(ctx, planned, lines), what: `batch ${i + 1} of run ${planned.runId} (payBatch of ${lines.length} cases)` }, `signedTransactions.${i}`);
    return { record, lines, transaction, raw: signedTransactions[i]! };
  });
  for (const [i, { transaction }] of signed.entries()) {
    if (i > 0 && transaction.nonce !== signed[0]!.transaction.nonce + i) {
      throw new AidtrailError("SIGNED_CALL_MISMATCH", `batch ${i + 1}'s transaction has nonce ${transaction.nonce}, not ${signed[0]!.transaction.nonce + i}: the batches must follow one another`, {
        kind: "invalid",
        field: `signedTransactions.${i}`,
        hint: "sign the draft's transactions unchanged",
      });
    }
  }
  await checkSendable(ctx, officer, signed.map((s) => s.transaction), "signedTransactions.0");
  for (const { raw } of signed) await dryRun(ctx.chain, "signed", [raw]);

  const owedAt = Date.now();
  const batchesOwed = signed.map(({ record, lines, raw }, i) => ({
    // The batch's number, zero-padded, keeps the run's debts in nonce order in the outbox.
    outbox: outboxKey(`${planned.runId}-${String(i).padStart(6, "0")}`, owedAt),
    entry: { kind: "signed", caseId: planned.runId, recordId: record.recordId, args: [raw], state: "pending", attempts: 0, owedAt } satisfies OutboxEntry,
    record,
    lines,
  }));
  const run: PayoutRun = { ...planned, batches: batchesOwed.map((b) => ({ outbox: b.outbox, recordId: b.record.recordId, size: b.lines.length })) };
  const index = Object.fromEntries(batchesOwed.flatMap((b) => b.lines.map((l) => [paymentFileKey(l.caseId, run.period), { runId: run.runId, recordId: b.record.recordId, outbox: b.outbox } satisfies PaymentFileEntry])));
  await ctx.state.put({ [KEYS.run(run.runId)]: run, ...owed(Object.fromEntries(batchesOwed.map((b) => [b.outbox, b.entry]))), ...index });
  await ctx.log.append(batchesOwed.map((b) => b.record));
  await awaitLedger(ctx);
  return run;
}

/** A run and where each of its batches stands on the ledger. */
export async function payoutRunProgress(ctx: LedgerActionContext, runId: string) {
  const run = await ctx.state.get<PayoutRun>(KEYS.run(runId));
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
