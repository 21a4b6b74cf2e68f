import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStatus, PayoutState } from "../server/chain/domain.ts";
import { DEV_KEYS, COUNTY, localGateway, OFFICERS } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
const operator = new Wallet(DEV_KEYS.operator).address;

beforeAll(async () => {
  local = await localGateway();
}, 60_000);
afterAll(async () => local?.close());

/** A review (the seeded reviewer) or an approval (both county approvers) through the gateway, each officer signing the decision. */
async function decide(caseId: string, signers: Wallet[], query = "") {
  const token = await local.signIn(signers[0]!.privateKey);
  const { body } = await request(local.gateway.url).get(`/v1/cases/${caseId}/decision-request${query}`).set("authorization", token).expect(200);
  const signatures = await Promise.all(signers.map(async (w) => ({ signer: w.address, signature: await w.signTypedData(body.domain, body.types, body.message) })));
  return request(local.gateway.url).post(`/v1/cases/${caseId}/decisions`).set("authorization", token).send({ decision: body.message, signatures });
}
const approve = async (caseId: string) => {
  expect((await decide(caseId, [OFFICERS.reviewer])).status).toBe(201);
  expect((await decide(caseId, OFFICERS.approvers, "?amount=100000&householdSize=2")).status).toBe(201);
};
const statusOf = async (caseId: string) => Number((await local.contracts.cases.getCase(caseId))[0].status);
/** The county's budget for the fiscal year of `period`, appropriated through the gateway by its finance officer and its budget checker. */
const budgets = new Map<number, string>();
async function budgetFor(period: number): Promise<string> {
  const fiscalYear = Math.floor(period / 100);
  if (!budgets.has(fiscalYear)) {
    budgets.set(fiscalYear, await local.budget({ programme: "dibao", fiscalYear, jurisdiction: COUNTY, amount: "10000000", purpose: `海珠区低保资金 ${fiscalYear}` }));
  }
  return budgets.get(fiscalYear)!;
}

describe("the whole journey through the gateway, every step signed by the officer who takes it", () => {
  it("intake, review and approval, notice, objection, activation, two monthly runs, settlement and reversal; the operator account the actor of nothing", async () => {
    // Intake: the caseworker signs each application; the operator only relays them.
    const [objected, plain] = [await local.takeIn(residentId(801)), await local.takeIn(residentId(802))];
    for (const caseId of [objected, plain]) await approve(caseId);
    expect(await statusOf(objected)).toBe(CaseStatus.InNotice);

    // Notice: activation waits for its end; an objection, by the reviewer, sends the case back to review.
    const early = await local.signedStep(`/v1/cases/${objected}/activate`, {}, DEV_KEYS.caseworker);
    expect([early.status, early.body.error.code]).toEqual([422, "LEDGER_CASE_NOTICE_NOT_OVER"]);
    const objection = { objector: { name: "邻居" }, text: "申请人另有房产" };
    const byFinance = await local.signedStep(`/v1/cases/${objected}/objections`, objection, DEV_KEYS.finance);
    expect([byFinance.status, byFinance.body.error.code]).toEqual([403, "FORBIDDEN_ROLE"]);
    const lodged = await local.signedStep(`/v1/cases/${objected}/objections`, objection, DEV_KEYS.reviewer);
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(201);
    expect(await statusOf(objected)).toBe(CaseStatus.Submitted);
    await approve(objected);

    // Activation once the notice is over, by the caseworker.
    await local.advance(7 * 24 * 3600);
    for (const caseId of [objected, plain]) {
      const activated = await local.signedStep(`/v1/cases/${caseId}/activate`, {}, DEV_KEYS.caseworker);
      expect(activated.status, JSON.stringify(activated.body)).toBe(201);
      expect(await statusOf(caseId)).toBe(CaseStatus.Active);
    }

    // The first month's run, by the finance officer, from the budget of the chain's fiscal year.
    const first = await local.currentPeriod();
    const firstBudget = await budgetFor(first);
    const ahead = await local.payoutRun({ programme: "dibao", period: first % 100 === 12 ? first + 89 : first + 1, allocationId: firstBudget });
    expect([ahead.status, ahead.body.error.code]).toEqual([422, "PAYOUT_RUN_PERIOD_IN_FUTURE"]);
    const run1 = await local.payoutRun({ programme: "dibao", period: first, allocationId: firstBudget });
    expect(run1.status, JSON.stringify(run1.body)).toBe(201);
    expect(run1.body.progress).toEqual({ lines: 2, paid: 2, skipped: 0 });

    // Settlement of one payout by the bank; the other came back, and is reversed to its allocation.
    const settled = await local.signedStep("/v1/settlements", { period: first, settlements: [{ caseId: objected, reference: "ICBC-000001" }] }, DEV_KEYS.bank);
    expect(settled.status, JSON.stringify(settled.body)).toBe(201);
    const settledReversal = await local.signedStep("/v1/reversals", { caseId: objected, period: first, reason: "误退" }, DEV_KEYS.finance);
    expect([settledReversal.status, settledReversal.body.error.code]).toEqual([422, "LEDGER_PAYOUT_NOT_OUTSTANDING"]);
    const { funds } = local.contracts;
    const before = await funds.available(firstBudget);
    const reversed = await local.signedStep("/v1/reversals", { caseId: plain, period: first, reason: "银行退回：账户已销户" }, DEV_KEYS.finance);
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
    expect(await funds.available(firstBudget)).toBe(before + 100_000n);
    expect(Number(await funds.payoutState(plain, first))).toBe(PayoutState.Reversed);

    // The next month, by the chain's clock: the second run pays both cases again.
    const second = await local.nextMonth();
    const run2 = await local.payoutRun({ programme: "dibao", period: second, allocationId: await budgetFor(second) });
    expect(run2.status, JSON.stringify(run2.body)).toBe(201);
    expect(run2.body.progress).toEqual({ lines: 2, paid: 2, skipped: 0 });
    for (const caseId of [objected, plain]) expect(Number(await funds.payoutState(caseId, second))).toBe(PayoutState.Paid);

    // On the ledger each step names the officer who took it, and never the gateway's operator account.
    const { cases } = local.contracts;
    const events = [...(await cases.queryFilter("*" as never)), ...(await funds.queryFilter("*" as never))] as unknown as { eventName: string; args: Record<string, unknown> }[];
    const actors = events.flatMap((e) => (typeof e.args?.actor === "string" ? [[e.eventName, e.args.actor]] : typeof e.args?.agent === "string" ? [[e.eventName, e.args.agent]] : []));
    expect(actors.length).toBeGreaterThan(15);
    expect(actors.filter(([, actor]) => actor === operator)).toEqual([]);
    const who = (name: string) => new Set(actors.filter(([event]) => event === name).map(([, actor]) => actor));
    expect(who("CaseSubmitted")).toEqual(new Set([new Wallet(DEV_KEYS.caseworker).address]));
    expect(who("PayoutMade")).toEqual(new Set([OFFICERS.finance.address]));
    expect(who("PayoutReversed")).toEqual(new Set([OFFICERS.finance.address]));
    expect(who("PayoutSettled")).toEqual(new Set([OFFICERS.bank.address]));
    // A decision's actor is its first signer, signatures being ordered by signer.
    const firstApprover = OFFICERS.approvers.map((a) => a.address).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0]!;
    expect(who("CaseTransition")).toEqual(new Set([OFFICERS.reviewer.address, firstApprover, new Wallet(DEV_KEYS.caseworker).address]));

    // The citizen sees both months, newest first, the first as arrived.
    const view = (await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", local.receipts.get(objected)!).expect(200)).body;
    expect(view.payments.map((p: { period: number; amount: string; arrived: unknown }) => [p.period, p.amount, p.arrived !== null])).toEqual([
      [second, "100000", false],
      [first, "100000", true],
    ]);
  }, 120_000);
});
