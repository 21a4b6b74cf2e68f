import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Area, PayoutState, Programme } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { COUNTY, DEV_KEYS, localGateway, OFFICERS, TOWNSHIP } from "./helpers/local-gateway.ts";
import { equalization, verifyRecord, type LoggedRecord } from "../kit/index.ts";
import { residentId } from "./helpers/resident-id.ts";
import { undocumented } from "./helpers/openapi.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let financeToken: string;
let active: string[];
let submitted: string;
/** The month of the first run, and of the second (the next month, by the chain's clock). */
let first: number;
let second: number;
/** The county's allocation of each fiscal year, appropriated when a test first needs it. */
const allocations = new Map<number, string>();

async function allocationFor(period: number): Promise<string> {
  const year = Math.floor(period / 100);
  if (!allocations.has(year)) {
    allocations.set(year, await local.appropriate(Programme.Dibao, year, 10_000_000n));
  }
  return allocations.get(year)!;
}

beforeAll(async () => {
  local = await localGateway();
  const { access } = local.contracts;
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), new Wallet(DEV_KEYS.governance).address, 0n)).wait();
  active = [];
  for (const id of ["110101199003074477", "11010519491231002X", "110101200001011232"]) {
    const caseId = await local.takeIn(id);
    await local.activate(caseId, 150_000n);
    active.push(caseId);
  }
  submitted = await local.takeIn("110101199507070015");
  financeToken = await local.signIn(DEV_KEYS.finance);
  // Periods by the chain's clock, which the activations moved on: the ledger pays no month ahead of it.
  first = await local.currentPeriod();
  await allocationFor(first);
}, 120_000);
afterAll(async () => local?.close());

const draftRun = (body: object, token = financeToken) => request(local.gateway.url).post("/v1/payout-runs/draft").set("authorization", token).send(body);
const relayRun = (body: object, token = financeToken) => request(local.gateway.url).post("/v1/payout-runs").set("authorization", token).send(body);

describe("monthly payout runs, signed by the finance officer", () => {
  it("drafts the run and one payBatch transaction a batch, in the officer's nonce order, and relays them only as drafted and signed", async () => {
    const fields = { programme: "dibao", period: first, allocationId: await allocationFor(first), batchSize: 2 };
    const { body: drafted } = await draftRun(fields).expect(200);
    expect(drafted.run).toMatchObject({ period: first, startedBy: OFFICERS.finance.address, skipped: [{ caseId: submitted, reason: "the case is submitted", zh: "案件已受理" }] });
    expect(drafted.run.lines.map((l: { amount: string }) => l.amount)).toEqual(["150000", "150000", "150000"]);
    expect(drafted.batches.map((b: { size: number }) => b.size)).toEqual([2, 1]);
    const next = await local.provider.getTransactionCount(OFFICERS.finance.address, "pending");
    expect(drafted.batches.map((b: { transaction: { from: string; nonce: number; to: string } }) => [b.transaction.from, b.transaction.nonce, b.transaction.to])).toEqual([
      [OFFICERS.finance.address, next, await local.contracts.funds.getAddress()],
      [OFFICERS.finance.address, next + 1, await local.contracts.funds.getAddress()],
    ]);
    expect(drafted.batches[0].record).toMatchObject({ kind: "payment-file", recordId: drafted.draft.batches[0].recordId, public: { runId: drafted.run.runId, period: first } });

    const sign = (wallet: Wallet) => Promise.all(drafted.batches.map((b: { transaction: object }) => wallet.signTransaction({ ...b.transaction, from: wallet.address })));
    const signed = await sign(new Wallet(DEV_KEYS.finance));
    const size = local.gateway.log.size;
    const relay = (changes: object) => relayRun({ ...fields, draft: drafted.draft, signedTransactions: signed, ...changes });
    // Another finance officer's signatures, the batches swapped, one batch left out: each refused, nothing written.
    const other = await sign(new Wallet(DEV_KEYS.governance));
    expect((await relay({ signedTransactions: other }).expect(403)).body.error).toMatchObject({ code: "SIGNED_CALL_SIGNER_MISMATCH", field: "signedTransactions.0" });
    expect((await relay({ signedTransactions: [signed[1], signed[0]] }).expect(400)).body.error).toMatchObject({ code: "SIGNED_CALL_MISMATCH", field: "signedTransactions.0" });
    expect((await relay({ signedTransactions: [signed[0]] }).expect(400)).body.error).toMatchObject({ code: "SIGNED_CALL_MISMATCH", field: "signedTransactions" });
    expect((await relay({ batchSize: 3 }).expect(400)).body.error).toMatchObject({ code: "SIGNED_CALL_MISMATCH", field: "signedTransactions" });
    expect((await relay({ draft: { ...drafted.draft, startedAt: new Date(Date.now() - 2 * 24 * 3600_000).toISOString() } }).expect(400)).body.error).toMatchObject({ code: "SIGNED_CALL_DRAFT_EXPIRED", field: "draft.startedAt" });
    const caseworker = await local.signIn(DEV_KEYS.caseworker);
    expect((await relayRun({ ...fields, draft: drafted.draft, signedTransactions: signed }, caseworker).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    expect(local.gateway.log.size).toBe(size);
    for (const caseId of active) expect(Number(await local.contracts.funds.payoutState(caseId, first))).toBe(PayoutState.None);

    const run = (await relay({}).expect(201)).body;
    expect(run.progress).toEqual({ lines: 3, paid: 3, skipped: 1 });
    expect(run.runId).toBe(drafted.run.runId);
    expect(run.batches.map((b: { size: number; state: string; recordId: string }) => [b.size, b.state, b.recordId])).toEqual(drafted.draft.batches.map((d: { recordId: string }, i: number) => [[2, 1][i], "done", d.recordId]));
    for (const caseId of active) expect(Number(await local.contracts.funds.payoutState(caseId, first))).toBe(PayoutState.Paid);
    const made = await local.contracts.funds.queryFilter(local.contracts.funds.filters.PayoutMade());
    expect(new Set(made.map((e) => e.args.actor))).toEqual(new Set([OFFICERS.finance.address]));
    const file = await local.gateway.log.lookup(run.batches[0].recordId, { decrypt: false });
    expect(file.revisions[0]!.record).toMatchObject({ kind: "payment-file", public: { runId: run.runId, period: first } });
    expect((await request(local.gateway.url).get(`/v1/payout-runs/${run.runId}`).set("authorization", financeToken).expect(200)).body.progress.paid).toBe(3);
    // The same run again finds nothing left to pay.
    expect((await relay({}).expect(400)).body.error.code).toBe("PAYOUT_RUN_EMPTY");
  });

  it("never pays a case twice for a month: a second run of the month has nothing to pay", async () => {
    const again = await draftRun({ programme: "dibao", period: first, allocationId: await allocationFor(first) }).expect(400);
    expect(again.body.error.code).toBe("PAYOUT_RUN_EMPTY");
    // It says why, counted by reason, in English and in Chinese.
    expect(again.body.error.message).toBe(`no case of dibao is due a payment for ${first}: 4 skipped (3 × already paid for ${first}; 1 × the case is submitted)`);
    expect(again.body.error.zh.message).toBe(`${first} 没有应发放的低保案件：跳过 4 件（3 × ${first} 已发放；1 × 案件已受理）`);
    expect((await local.contracts.funds.allocation(await allocationFor(first))).paid).toBe(450_000n);
  });

  it("pays the standard in force at the end of the month when it fell below the approved amount", async () => {
    const now = BigInt((await local.provider.getBlock("latest"))!.timestamp);
    await (await local.contracts.standards.setStandard(440000000000n, Programme.Dibao, Area.Urban, 60_000n, now)).wait();
    second = await local.nextMonth();
    const ran = await local.payoutRun({ programme: "dibao", period: second, allocationId: await allocationFor(second) });
    expect(ran.status, JSON.stringify(ran.body)).toBe(201);
    expect(ran.body.lines.map((l: { amount: string }) => l.amount)).toEqual(["120000", "120000", "120000"]);
  });

  it("skips, with the reason, a case not yet entitled to the month, and pays again a payout reversed", async () => {
    const late = await local.takeIn(residentId(30));
    // Within the standard now in force (60,000 a person).
    await local.activate(late, 120_000n);
    expect(await local.currentPeriod()).toBe(second);
    const allocationId = await allocationFor(first);
    const reversed = await local.signedStep("/v1/reversals", { caseId: active[0], period: first, reason: "银行退回：账户已销户" }, DEV_KEYS.finance);
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);

    const run = await local.payoutRun({ programme: "dibao", period: first, allocationId });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    // Paid again under the standard in force at the end of that month: it was lowered during it.
    expect(run.body.lines).toEqual([{ caseId: active[0], amount: "120000" }]);
    expect(run.body.skipped).toEqual(
      expect.arrayContaining([
        { caseId: active[1], reason: `already paid for ${first}`, zh: `${first} 已发放` },
        { caseId: submitted, reason: "the case is submitted", zh: "案件已受理" },
        { caseId: late, reason: `its public notice ended in ${second}: it is paid from that month, not for ${first}`, zh: `公示于 ${second} 结束，从该月起发放，不发 ${first}` },
      ]),
    );
    expect(Number(await local.contracts.funds.payoutState(active[0]!, first))).toBe(PayoutState.Paid);
    const [, paidFrom, amount] = await local.contracts.funds.payout(active[0]!, first);
    expect([paidFrom.toString(), amount]).toEqual([allocationId, 120_000n]);
  });

  it("says the ledger's current month and fiscal year, by the chain's clock, to anyone: the latest month a run may pay", async () => {
    const clock = (await request(local.gateway.url).get("/v1/ledger/clock").expect(200)).body;
    const latest = (await local.provider.getBlock("latest"))!.timestamp;
    expect(clock.timestamp).toBeGreaterThanOrEqual(latest);
    expect(clock).toMatchObject({ period: await local.currentPeriod(), fiscalYear: Math.floor((await local.currentPeriod()) / 100), time: new Date(clock.timestamp * 1000).toISOString() });
  });

  it("refuses a run no case could be paid in, and is for finance officers over the gateway's county, with a valid month", async () => {
    const allocationId = await allocationFor(second);
    const future = second % 100 === 12 ? second + 89 : second + 1;
    expect((await draftRun({ programme: "dibao", period: future, allocationId }).expect(422)).body.error).toMatchObject({ code: "PAYOUT_RUN_PERIOD_IN_FUTURE", field: "period" });
    const yearBefore = (Math.floor(second / 100) - 1) * 100 + 12;
    expect((await draftRun({ programme: "dibao", period: yearBefore, allocationId }).expect(422)).body.error).toMatchObject({ code: "PAYOUT_RUN_OUTSIDE_FISCAL_YEAR", field: "period" });
    expect((await draftRun({ programme: "tekun", period: second, allocationId }).expect(422)).body.error).toMatchObject({ code: "PAYOUT_RUN_PROGRAMME_MISMATCH", field: "allocationId" });
    expect((await draftRun({ programme: "dibao", period: second, allocationId }, await local.signIn(DEV_KEYS.caseworker)).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    expect((await draftRun({ programme: "dibao", period: 202613, allocationId }).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "period" });
    expect((await draftRun({ programme: "dibao", period: second, allocationId: "99" }).expect(404)).body.error.code).toBe("LEDGER_ALLOCATION_UNKNOWN");
    expect((await draftRun({ programme: "dibao", period: second, allocationId: String(2 ** 24) }).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "allocationId" });
  });

  it("shows the citizen, with their receipt only, each payment newest first, whether it arrived, and a proof of its payment file: the newest's at once, each earlier one's when asked", async () => {
    const caseId = active[1]!;
    // What the bank's return file is matched against: the month's payouts not yet confirmed, until they are.
    const bank = await local.signIn(DEV_KEYS.bank);
    const outstanding = (period: number, token = bank) => request(local.gateway.url).get(`/v1/settlements/outstanding?period=${period}`).set("authorization", token);
    const before = (await outstanding(first).expect(200)).body;
    expect(await undocumented(local.gateway.url, "/v1/settlements/outstanding", "get", 200, before)).toEqual([]);
    expect(before.payouts.find((p: { caseId: string }) => p.caseId === caseId)).toMatchObject({ amount: "150000", caseNumber: caseId.slice(2, 18).toUpperCase() });
    expect((await outstanding(202613).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "period" });
    expect((await outstanding(first, await local.signIn(DEV_KEYS.caseworker)).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    const settled = await local.signedStep("/v1/settlements", { period: first, settlements: [{ caseId, reference: "ICBC-000001" }] }, DEV_KEYS.bank);
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    expect(await undocumented(local.gateway.url, "/v1/settlements", "post", 201, settled.body)).toEqual([]);
    expect((await outstanding(first).expect(200)).body.payouts.map((p: { caseId: string }) => p.caseId)).not.toContain(caseId);
    await local.gateway.anchorer.anchorOnce();

    const view = (await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", local.receipts.get(caseId)!).expect(200)).body;
    expect(view.status).toEqual({ code: "Active", zh: "正在发放", en: "Being paid" });
    expect(view.payments.map((p: { period: number; amount: string }) => [p.period, p.amount])).toEqual([
      [second, "120000"],
      [first, "150000"],
    ]);
    const [later, listed] = view.payments;
    expect([later.paymentFile.record.kind, listed.paymentFile]).toEqual(["payment-file", undefined]);
    const asked = request(local.gateway.url).get(`/v1/citizen/payments/${first}`).set("x-aidtrail-receipt", local.receipts.get(caseId)!);
    const earlier = (await asked.expect(200)).body;
    expect(await undocumented(local.gateway.url, "/v1/citizen/payments/{period}", "get", 200, earlier)).toEqual([]);
    expect({ ...earlier, paymentFile: undefined }).toEqual(listed);
    expect(earlier.arrived).toMatchObject({ evidenceHash: settled.body.recordHash });
    expect(later.arrived).toBeNull();
    const head = await local.contracts.anchor.head(earlier.paymentFile.checkpoint.logId);
    const verdict = verifyRecord({ ...earlier.paymentFile, anchored: new Map([[Number(head.treeSize), head.root]]) });
    expect(verdict.failures).toEqual([]);
    expect(earlier.paymentFile.record.public.lines).toContainEqual({ caseId, amount: "150000" });
    // A month the case was not paid, or not a month at all: not found, in both languages; without the receipt, nothing.
    for (const period of [String(first - 1), "x"]) {
      const missing = (await request(local.gateway.url).get(`/v1/citizen/payments/${period}`).set("x-aidtrail-receipt", local.receipts.get(caseId)!).expect(404)).body.error;
      expect([missing.code, missing.zh.message]).toEqual(["PAYMENT_NOT_FOUND", "本案件没有这个月份的发放记录"]);
    }
    await request(local.gateway.url).get(`/v1/citizen/payments/${first}`).expect(401);

    const forged = local.receipts.get(caseId)!.replace(/:[0-9A-Z]{12}$/, ":000000000000");
    expect((await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", forged).expect(401)).body.error.code).toBe("RECEIPT_INVALID");
    await request(local.gateway.url).get("/v1/citizen/case").expect(401);
  });

  it("gives an auditor the case's whole trail in time order, with each stage's time against its limit", async () => {
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const trail = (await request(local.gateway.url).get(`/v1/audit/cases/${active[1]}/trail`).set("authorization", auditor).expect(200)).body;
    const ledger = trail.steps.filter((s: { where: string }) => s.where === "ledger").map((s: { what: string }) => s.what);
    expect(ledger).toEqual(expect.arrayContaining(["None → Submitted", "Submitted → Reviewed", "Reviewed → InNotice", "InNotice → Active", "PayoutMade", "PayoutSettled"]));
    const records = trail.steps.filter((s: { where: string }) => s.where === "log");
    // Each record says what it is: the activation's evidence is the notice completed, not just "a document".
    expect(records.map((s: { what: string }) => s.what)).toEqual(expect.arrayContaining(["application record, revision 0", "decision record, revision 0", "public-notice-completed document record, revision 0"]));
    // The payment file of each month's run that paid the case is in its trail, though it pays many cases.
    const view = (await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", local.receipts.get(active[1]!)!).expect(200)).body;
    const files = await Promise.all(
      view.payments.map(async (p: { period: number }) => (await request(local.gateway.url).get(`/v1/citizen/payments/${p.period}`).set("x-aidtrail-receipt", local.receipts.get(active[1]!)!).expect(200)).body.paymentFile.record.recordId),
    );
    files.reverse();
    expect(files).toHaveLength(2);
    expect(records.filter((s: { what: string }) => s.what === "payment-file record, revision 0").map((s: { recordId: string }) => s.recordId)).toEqual(files);
    const times = trail.steps.map((s: { at: string }) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // Records and ledger steps on one time line, though the chain's clock was moved on by weeks
    // (public notices): each record comes with the step it is the evidence of, not weeks before it.
    const at = (what: string, nth = 0) => Date.parse(trail.steps.filter((s: { what: string }) => s.what === what)[nth].at);
    const apart = (record: number, step: number) => Math.abs(record - step) / 1000;
    expect(apart(at("application record, revision 0"), at("None → Submitted"))).toBeLessThan(60);
    expect(apart(at("decision record, revision 0", 1), at("Reviewed → InNotice"))).toBeLessThan(60);
    expect(apart(at("public-notice-completed document record, revision 0"), at("InNotice → Active"))).toBeLessThan(60);
    for (const nth of [0, 1]) expect(apart(at("payment-file record, revision 0", nth), at("PayoutMade", nth))).toBeLessThan(60);
    const notice = trail.stages.find((s: { stage: string }) => s.stage === "notice");
    expect(notice).toMatchObject({ days: 7, limitDays: 7, withinLimit: true });
    expect(trail.stages.find((s: { stage: string }) => s.stage === "review").days).toBeLessThan(1);
    await request(local.gateway.url).get(`/v1/audit/cases/${active[1]}/trail`).set("authorization", financeToken).expect(403);
  });

  it("counts the same days to first payment in the equalization figures, from the records, as the trails do from the ledger", async () => {
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const trails = await Promise.all(active.map(async (caseId) => (await request(local.gateway.url).get(`/v1/audit/cases/${caseId}/trail`).set("authorization", auditor).expect(200)).body));
    const fromTrails = trails.map((t) => t.stages.find((s: { stage: string }) => s.stage === "toFirstPayment").days).sort((a: number, b: number) => a - b);
    const bundle = (await request(local.gateway.url).get("/v1/audit/export").set("authorization", auditor).expect(200)).body;
    const records = bundle.leaves.flatMap((l: { record: LoggedRecord | null }) => (l.record ? [l.record] : []));
    const [row] = equalization(records).filter((r) => r.programme === "dibao" && r.jurisdiction === TOWNSHIP);
    expect(row!.daysToFirstPayment).toBe(fromTrails[1]);
    expect(fromTrails[1]).toBeGreaterThan(7);
  });

  it("shows an auditor the flow of an allocation down to every case it paid, reconciled net of the reversal", async () => {
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const allocationId = await allocationFor(first);
    const flow = (await request(local.gateway.url).get(`/v1/audit/allocations/${allocationId}/flow`).set("authorization", auditor).expect(200)).body;
    expect(flow.path).toEqual([]);
    expect(flow.tree).toMatchObject({ allocationId, jurisdiction: COUNTY, programme: "Dibao", fiscalYear: Math.floor(first / 100), totals: { reversals: "150000", reconciles: true } });
    expect(new Set(flow.tree.payouts.map((p: { caseId: string }) => p.caseId))).toEqual(new Set(active));
    expect((await request(local.gateway.url).get("/v1/audit/allocations/x/flow").set("authorization", auditor).expect(400)).body.error.field).toBe("allocationId");

    await (await local.contracts.funds.allocate(BigInt(allocationId), BigInt(TOWNSHIP), 1_000n, "0x" + "11".repeat(32))).wait();
    const childId = (await local.contracts.funds.allocationCount()).toString();
    const child = (await request(local.gateway.url).get(`/v1/audit/allocations/${childId}/flow`).set("authorization", auditor).expect(200)).body;
    expect(child.path).toEqual([{ allocationId, jurisdiction: COUNTY, amount: "10000000" }]);
    const root = (await request(local.gateway.url).get(`/v1/audit/allocations/${allocationId}/flow`).set("authorization", auditor).expect(200)).body.tree;
    expect([root.children.map((c: { allocationId: string }) => c.allocationId), root.totals.childrenAmount, root.totals.reconciles]).toEqual([[childId], "1000", true]);
  });

  it("skips a case for the months before it resumed after a suspension, saying so, not that its public notice ended then", async () => {
    const resumedCase = active[2]!;
    const suspended = await local.signedStep(`/v1/cases/${resumedCase}/suspension`, { action: "suspend", reason: "收入变化，待核实" }, DEV_KEYS.approver1);
    expect(suspended.status, JSON.stringify(suspended.body)).toBe(201);
    const unpaid = await local.nextMonth();
    const resumedIn = await local.nextMonth();
    const resumed = await local.signedStep(`/v1/cases/${resumedCase}/suspension`, { action: "resume", reason: "核实无误" }, DEV_KEYS.approver1);
    expect(resumed.status, JSON.stringify(resumed.body)).toBe(201);
    const run = await draftRun({ programme: "dibao", period: unpaid, allocationId: await allocationFor(unpaid) }).expect(200);
    expect(run.body.run.skipped).toEqual(expect.arrayContaining([{ caseId: resumedCase, reason: `it resumed after a suspension in ${resumedIn}: it is paid from that month, not for ${unpaid}`, zh: `暂停后于 ${resumedIn} 恢复，从该月起发放，不发 ${unpaid}` }]));
    expect(run.body.run.lines.map((l: { caseId: string }) => l.caseId)).toEqual(expect.arrayContaining([active[0], active[1]]));
  });
});
