import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PayoutState } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
const reviewer = Wallet.createRandom();
const townshipApprover = Wallet.createRandom();

beforeAll(async () => {
  local = await localGateway();
  const { access } = local.contracts;
  await (await access.grantScopedRole(roleId("REVIEWER"), reviewer.address, BigInt(TOWNSHIP))).wait();
  await (await access.grantScopedRole(roleId("APPROVER"), townshipApprover.address, BigInt(TOWNSHIP))).wait();
});
afterAll(async () => local?.close());

async function decide(caseId: string, who: typeof reviewer, query: string) {
  const token = await local.signIn(who.privateKey);
  const { body } = await request(local.gateway.url).get(`/v1/cases/${caseId}/decision-request${query}`).set("authorization", token).expect(200);
  const signature = await who.signTypedData(body.domain, body.types, body.message);
  return request(local.gateway.url).post(`/v1/cases/${caseId}/decisions`).set("authorization", token).send({ decision: body.message, signatures: [{ signer: who.address, signature }] });
}

describe("temporary assistance approved at township level", () => {
  it("is reviewed and approved by the township alone, then paid once", async () => {
    const caseId = await local.takeIn("110101199003074477", "temporary");
    expect((await decide(caseId, reviewer, "")).status).toBe(201);
    const approval = await decide(caseId, townshipApprover, "?amount=400000&householdSize=2");
    expect(approval.status, JSON.stringify(approval.body)).toBe(201);
    expect(approval.body.threshold).toBe(1);
    await local.advance(7 * 24 * 3600);
    expect((await local.signedStep(`/v1/cases/${caseId}/activate`, {}, DEV_KEYS.caseworker)).status).toBe(201);

    // One-off assistance is paid as period 0, from the budget of the year the chain's clock is in.
    const fiscalYear = Math.floor((await local.currentPeriod()) / 100);
    const allocationId = await local.budget({ programme: "temporary", fiscalYear, jurisdiction: COUNTY, amount: "5000000", purpose: "临时救助资金" });
    const payout = { caseId, period: 0, allocationId, amount: "400000" };
    const paid = await local.signedStep("/v1/payouts", payout, DEV_KEYS.finance);
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(paid.body.ledger.state).toBe("done");
    expect(Number(await local.contracts.funds.payoutState(caseId, 0))).toBe(PayoutState.Paid);
    const twice = await local.signedStep("/v1/payouts", payout, DEV_KEYS.finance);
    expect([twice.status, twice.body.error.code]).toEqual([409, "LEDGER_PAYOUT_ALREADY_MADE"]);
  });

  it("is refused when the amount is above the township's ceiling", async () => {
    const caseId = await local.takeIn("11010519491231002X", "temporary");
    expect((await decide(caseId, reviewer, "")).status).toBe(201);
    const refused = await decide(caseId, townshipApprover, "?amount=500001&householdSize=2");
    expect([refused.status, refused.body.error.code]).toEqual([422, "LEDGER_DECISION_SIGNER_LEVEL_TOO_LOW"]);
  });
});
