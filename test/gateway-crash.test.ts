import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Programme, Stage } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { killProcess as kill, startGatewayProcess } from "./helpers/gateway-process.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";
import { signInAt } from "./helpers/sign-in.ts";

const CASES = 30;
const PERIOD = 202611;
let local: Awaited<ReturnType<typeof localGateway>>;
const finance = Wallet.createRandom();
let caseIds: string[] = [];

beforeAll(async () => {
  local = await localGateway();
  const { access, cases, funds } = local.contracts;
  const reviewer = Wallet.createRandom();
  const approver = Wallet.createRandom();
  await (await access.grantScopedRole(roleId("REVIEWER"), reviewer.address, BigInt(TOWNSHIP))).wait();
  await (await access.grantScopedRole(roleId("APPROVER"), approver.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), finance.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), new Wallet(DEV_KEYS.governance).address, 0n)).wait();
  await (await cases.setThreshold(BigInt(COUNTY), Programme.Dibao, Stage.Approval, 1)).wait();
  await (await funds.appropriate(Programme.Dibao, 2026, BigInt(COUNTY), 100_000_000n, "0x" + "00".repeat(32))).wait();

  // Thirty applicants with valid resident IDs: 17 digits and their GB 11643 check character.
  const W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const ids = Array.from({ length: CASES }, (_, i) => {
    const body = `11010119900101${(100 + i).toString()}`;
    return body + "10X98765432"[[...body].reduce((s, d, k) => s + Number(d) * W[k]!, 0) % 11];
  });
  caseIds = [];
  for (const id of ids) caseIds.push(await local.takeIn(id));
  const url = local.gateway.url;
  const decide = async (caseId: string, who: typeof reviewer, query: string) => {
    const token = await signInAt(url, who.privateKey);
    const { body } = await request(url).get(`/v1/cases/${caseId}/approval-request${query}`).set("authorization", token).expect(200);
    const signature = await who.signTypedData(body.domain, body.types, body.message);
    await request(url).post(`/v1/cases/${caseId}/approvals`).set("authorization", token).send({ decision: body.message, signatures: [{ signer: who.address, signature }] }).expect(201);
  };
  for (const caseId of caseIds) {
    await decide(caseId, reviewer, "");
    await decide(caseId, approver, "?amount=100000&householdSize=2");
  }
  await local.advance(8 * 24 * 3600);
  const caseworker = await local.signIn(DEV_KEYS.caseworker);
  for (const caseId of caseIds) await request(url).post(`/v1/cases/${caseId}/activate`).set("authorization", caseworker).expect(201);
  await local.stopGateway();
}, 180_000);
afterAll(async () => local?.close());

describe("a gateway killed in the middle of a payout run", () => {
  it("loses nothing and pays no case twice: the restarted gateway completes the run", async () => {
    const first = await startGatewayProcess(local.env);
    const token = await signInAt(first.url, finance.privateKey);
    const started = request(first.url).post("/v1/payout-runs").set("authorization", token).send({ programme: "dibao", period: PERIOD, allocationId: "1", batchSize: 3 }).then(
      (r) => r.status,
      () => "cut off",
    );
    // Killed as soon as the first batch is on the ledger: the rest are owed, sent by nobody yet.
    const paidSoFar = async () => (await local.contracts.funds.queryFilter(local.contracts.funds.filters.PayoutMade())).length;
    while ((await paidSoFar()) === 0) await new Promise((r) => setTimeout(r, 5));
    await kill(first.child);
    expect(await started).toBe("cut off");
    expect(await paidSoFar()).toBeLessThan(CASES);

    const second = await startGatewayProcess(local.env);
    try {
      // The restarted relayer sends whatever the dead one owed; give it a few rounds.
      const paidCounts = async () => Promise.all(caseIds.map(async (caseId) => (await local.contracts.funds.queryFilter(local.contracts.funds.filters.PayoutMade(caseId))).filter((e) => Number(e.args.period) === PERIOD).length));
      let counts = await paidCounts();
      for (let i = 0; i < 40 && counts.some((c) => c === 0); i++) {
        await new Promise((r) => setTimeout(r, 250));
        counts = await paidCounts();
      }
      expect(counts).toEqual(caseIds.map(() => 1));
      // A second run of the month finds nothing left to pay.
      const again = await request(second.url).post("/v1/payout-runs").set("authorization", await signInAt(second.url, finance.privateKey)).send({ programme: "dibao", period: PERIOD, allocationId: "1" });
      expect(again.body.error?.code).toBe("PAYOUT_RUN_EMPTY");
      expect((await local.contracts.funds.allocation(1n)).paid).toBe(BigInt(CASES) * 100_000n);
      expect((await request(second.url).get("/readyz").expect(200)).body.ready).toBe(true);
    } finally {
      await kill(second.child);
    }
  }, 120_000);
});
