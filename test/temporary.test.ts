import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PayoutState, Programme } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
const reviewer = Wallet.createRandom();
const townshipApprover = Wallet.createRandom();
const finance = Wallet.createRandom();

beforeAll(async () => {
  local = await localGateway();
  const { access, funds } = local.contracts;
  await (await access.grantScopedRole(roleId("REVIEWER"), reviewer.address, BigInt(TOWNSHIP))).wait();
  await (await access.grantScopedRole(roleId("APPROVER"), townshipApprover.address, BigInt(TOWNSHIP))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), finance.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), new Wallet(DEV_KEYS.governance).address, 0n)).wait();
  await (await funds.appropriate(Programme.Temporary, 2026, BigInt(COUNTY), 5_000_000n, "0x" + "00".repeat(32))).wait();
});
afterAll(async () => local?.close());

async function decide(caseId: string, who: typeof reviewer, query: string) {
  const token = await local.signIn(who.privateKey);
  const { body } = await request(local.gateway.url).get(`/v1/cases/${caseId}/approval-request${query}`).set("authorization", token).expect(200);
  const signature = await who.signTypedData(body.domain, body.types, body.message);
  return request(local.gateway.url).post(`/v1/cases/${caseId}/approvals`).set("authorization", token).send({ decision: body.message, signatures: [{ signer: who.address, signature }] });
}

describe("temporary assistance approved at township level", () => {
  it("is reviewed and approved by the township alone, then paid once", async () => {
    const caseId = await local.takeIn("110101199003074477", "temporary");
    expect((await decide(caseId, reviewer, "")).status).toBe(201);
    const approval = await decide(caseId, townshipApprover, "?amount=400000&householdSize=2");
    expect(approval.status, JSON.stringify(approval.body)).toBe(201);
    expect(approval.body.threshold).toBe(1);
    await local.advance(7 * 24 * 3600);
    await request(local.gateway.url).post(`/v1/cases/${caseId}/activate`).set("authorization", await local.signIn(DEV_KEYS.caseworker)).expect(201);

    const token = await local.signIn(finance.privateKey);
    const paid = await request(local.gateway.url).post("/v1/payouts").set("authorization", token).send({ caseId, period: 0, allocationId: "1", amount: "400000" }).expect(201);
    expect(paid.body.ledger.state).toBe("done");
    expect(Number(await local.contracts.funds.payoutState(caseId, 0))).toBe(PayoutState.Paid);
    const twice = await request(local.gateway.url).post("/v1/payouts").set("authorization", token).send({ caseId, period: 0, allocationId: "1", amount: "400000" }).expect(409);
    expect(twice.body.error.code).toBe("LEDGER_PAYOUT_ALREADY_MADE");
  });

  it("is refused when the amount is above the township's ceiling", async () => {
    const caseId = await local.takeIn("11010519491231002X", "temporary");
    expect((await decide(caseId, reviewer, "")).status).toBe(201);
    const refused = await decide(caseId, townshipApprover, "?amount=500001&householdSize=2");
    expect([refused.status, refused.body.error.code]).toEqual([422, "LEDGER_APPROVAL_SIGNER_LEVEL_TOO_LOW"]);
  });
});
