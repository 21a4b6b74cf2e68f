import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Area, PayoutState, Programme } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";
import { NonceManager, parseEther } from "ethers";
import { verifyRecord } from "../server/verify/index.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
const reviewer = Wallet.createRandom() as unknown as Wallet;
const approvers = [Wallet.createRandom(), Wallet.createRandom()] as unknown as Wallet[];
const finance = Wallet.createRandom() as unknown as Wallet;
let financeToken: string;
let active: string[];
let submitted: string;
const allocationId = "1";

beforeAll(async () => {
  local = await localGateway();
  const { access, funds } = local.contracts;
  const governance = new Wallet(DEV_KEYS.governance).address;
  await (await access.grantScopedRole(roleId("REVIEWER"), reviewer.address, BigInt(TOWNSHIP))).wait();
  for (const a of approvers) await (await access.grantScopedRole(roleId("APPROVER"), a.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), finance.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), governance, 0n)).wait();
  await (await funds.appropriate(Programme.Dibao, 2026, BigInt(COUNTY), 10_000_000n, "0x" + "00".repeat(32))).wait();

  active = [];
  for (const id of ["110101199003074477", "11010519491231002X", "110101200001011232"]) {
    const caseId = await local.takeIn(id);
    await local.activate(caseId, 150_000n, { reviewer, approvers });
    active.push(caseId);
  }
  submitted = await local.takeIn("110101199507070015");
  financeToken = await local.signIn(finance.privateKey);
});
afterAll(async () => local?.close());

const startRun = (body: object, token = financeToken) => request(local.gateway.url).post("/v1/payout-runs").set("authorization", token).send(body);

describe("monthly payout runs", () => {
  it("pays every active case in batches, skipping the rest with the reason", async () => {
    const run = (await startRun({ programme: "dibao", period: 202611, allocationId, batchSize: 2 }).expect(201)).body;
    expect(run.progress).toEqual({ lines: 3, paid: 3, skipped: 1 });
    expect(run.lines.map((l: { amount: string }) => l.amount)).toEqual(["150000", "150000", "150000"]);
    expect(run.skipped).toEqual([{ caseId: submitted, reason: "the case is Submitted" }]);
    expect(run.batches.map((b: { size: number; state: string }) => [b.size, b.state])).toEqual([[2, "done"], [1, "done"]]);
    for (const caseId of active) expect(Number(await local.contracts.funds.payoutState(caseId, 202611))).toBe(PayoutState.Paid);
    const file = await local.gateway.log.lookup(run.batches[0].recordId, { decrypt: false });
    expect(file.revisions[0]!.record).toMatchObject({ kind: "payment-file", public: { runId: run.runId, period: 202611 } });
    expect((await request(local.gateway.url).get(`/v1/payout-runs/${run.runId}`).set("authorization", financeToken).expect(200)).body.progress.paid).toBe(3);
  });

  it("never pays a case twice for a month: a second run of the month has nothing to pay", async () => {
    const again = await startRun({ programme: "dibao", period: 202611, allocationId }).expect(400);
    expect(again.body.error.code).toBe("PAYOUT_RUN_EMPTY");
    expect((await local.contracts.funds.allocation(1n)).paid).toBe(450_000n);
  });

  it("pays the standard in force when it fell below the approved amount", async () => {
    const now = BigInt((await local.contracts.funds.runner!.provider!.getBlock("latest"))!.timestamp);
    await (await local.contracts.standards.setStandard(440000000000n, Programme.Dibao, Area.Urban, 60_000n, now)).wait();
    const run = (await startRun({ programme: "dibao", period: 202612, allocationId }).expect(201)).body;
    expect(run.lines.map((l: { amount: string }) => l.amount)).toEqual(["120000", "120000", "120000"]);
  });

  it("is for finance officers over the gateway's county, with a valid month", async () => {
    expect((await startRun({ programme: "dibao", period: 202701, allocationId }, await local.signIn(DEV_KEYS.caseworker)).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    expect((await startRun({ programme: "dibao", period: 202613, allocationId }).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "period" });
    expect((await startRun({ programme: "dibao", period: 202701, allocationId: "99" }).expect(404)).body.error.code).toBe("LEDGER_ALLOCATION_UNKNOWN");
  });

  it("shows the citizen, with their receipt only, each payment, whether it arrived, and a proof of its payment file", async () => {
    const bank = Wallet.createRandom().connect(local.provider);
    const governance = local.contracts.access.runner as NonceManager;
    await (await governance.sendTransaction!({ to: bank.address, value: parseEther("1") })).wait();
    await (await local.contracts.access.grantScopedRole(roleId("SETTLEMENT_AGENT"), bank.address, BigInt(COUNTY))).wait();
    const caseId = active[0]!;
    await (await local.contracts.funds.connect(bank).confirmSettlements(202611, [{ caseId, receiptHash: "0x" + "ab".repeat(32) }])).wait();
    await local.gateway.anchorer.anchorOnce();

    const view = (await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", local.receipts.get(caseId)!).expect(200)).body;
    expect(view.status).toEqual({ code: "Active", zh: "正在发放", en: "Being paid" });
    expect(view.payments.map((p: { period: number; amount: string }) => [p.period, p.amount])).toEqual([[202611, "150000"], [202612, "120000"]]);
    const [november, december] = view.payments;
    expect(november.arrived).toMatchObject({ receiptHash: "0x" + "ab".repeat(32) });
    expect(december.arrived).toBeNull();
    const head = await local.contracts.anchor.head(november.paymentFile.checkpoint.logId);
    const verdict = verifyRecord({ ...november.paymentFile, anchored: new Map([[Number(head.treeSize), head.root]]) });
    expect(verdict.failures).toEqual([]);
    expect(november.paymentFile.record.public.lines).toContainEqual({ caseId, amount: "150000" });

    const forged = local.receipts.get(caseId)!.replace(/:[0-9A-Z]{12}$/, ":000000000000");
    expect((await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", forged).expect(401)).body.error.code).toBe("RECEIPT_INVALID");
    await request(local.gateway.url).get("/v1/citizen/case").expect(401);
  });

  it("gives an auditor the case's whole trail in time order, with each stage's time against its limit", async () => {
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const trail = (await request(local.gateway.url).get(`/v1/audit/cases/${active[0]}/trail`).set("authorization", auditor).expect(200)).body;
    const ledger = trail.steps.filter((s: { where: string }) => s.where === "ledger").map((s: { what: string }) => s.what);
    expect(ledger).toEqual(expect.arrayContaining(["None → Submitted", "Submitted → Reviewed", "Reviewed → InNotice", "InNotice → Active", "PayoutMade", "PayoutSettled"]));
    const records = trail.steps.filter((s: { where: string }) => s.where === "log");
    expect(records.map((s: { what: string }) => s.what)).toEqual(expect.arrayContaining(["application record, revision 0", "approval-packet record, revision 0"]));
    const times = trail.steps.map((s: { at: string }) => Date.parse(s.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const notice = trail.stages.find((s: { stage: string }) => s.stage === "notice");
    expect(notice).toMatchObject({ days: 7, limitDays: 7, withinLimit: true });
    expect(trail.stages.find((s: { stage: string }) => s.stage === "review").days).toBeLessThan(1);
    await request(local.gateway.url).get(`/v1/audit/cases/${active[0]}/trail`).set("authorization", financeToken).expect(403);
  });

  it("shows an auditor the flow of an allocation down to every case it paid, reconciled", async () => {
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const flow = (await request(local.gateway.url).get(`/v1/audit/allocations/${allocationId}/flow`).set("authorization", auditor).expect(200)).body;
    expect(flow.path).toEqual([]);
    expect(flow.tree).toMatchObject({ allocationId, jurisdiction: COUNTY, programme: "Dibao", fiscalYear: 2026, totals: { reconciles: true } });
    expect(new Set(flow.tree.payouts.map((p: { caseId: string }) => p.caseId))).toEqual(new Set(active));
    expect(flow.tree.totals.payouts).toBe(flow.tree.paid);
    expect((await request(local.gateway.url).get("/v1/audit/allocations/x/flow").set("authorization", auditor).expect(400)).body.error.field).toBe("allocationId");

    await (await local.contracts.funds.allocate(1n, BigInt(TOWNSHIP), 1_000n, "0x" + "11".repeat(32))).wait();
    const child = (await request(local.gateway.url).get("/v1/audit/allocations/2/flow").set("authorization", auditor).expect(200)).body;
    expect(child.path).toEqual([{ allocationId: "1", jurisdiction: COUNTY, amount: "10000000" }]);
    const root = (await request(local.gateway.url).get(`/v1/audit/allocations/1/flow`).set("authorization", auditor).expect(200)).body.tree;
    expect([root.children.map((c: { allocationId: string }) => c.allocationId), root.totals.childrenAmount, root.totals.reconciles]).toEqual([["2"], "1000", true]);
  });
});
