import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Area, PayoutState, Programme } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";

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
});
