import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStatus } from "../server/chain/domain.ts";
import { killProcess as kill, startGatewayProcess } from "./helpers/gateway-process.ts";
import { DEV_KEYS, localGateway } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";
import { signInAt } from "./helpers/sign-in.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let caseId: string;

beforeAll(async () => {
  local = await localGateway();
  caseId = await local.takeIn(residentId(621));
  await local.stopGateway();
}, 60_000);
afterAll(async () => local?.close());

describe("a decision owed like every ledger step", () => {
  it("reaches the ledger after the gateway was killed with it signed, its decision record logged and its transaction never answered", async () => {
    const reviewer = new Wallet(DEV_KEYS.reviewer);
    const first = await startGatewayProcess({ ...local.env, AIDTRAIL_LEDGER_WAIT_MS: "30000" });
    const token = await signInAt(first.url, DEV_KEYS.reviewer);
    const { body: payload } = await request(first.url).get(`/v1/cases/${caseId}/decision-request`).set("authorization", token).expect(200);
    const signatures = [{ signer: reviewer.address, signature: await reviewer.signTypedData(payload.domain, payload.types, payload.message) }];
    local.holdSends(true);
    try {
      const answered = request(first.url).post(`/v1/cases/${caseId}/decisions`).set("authorization", token).send({ decision: payload.message, signatures }).then(
        (r) => r.status,
        () => "cut off",
      );
      // The relayer has sent the decision: it was owed, its decision record logged; the node never answers.
      await expect.poll(() => local.sendsHeld(), { timeout: 20_000 }).toBeGreaterThan(0);
      await kill(first.child);
      expect(await answered).toBe("cut off");
    } finally {
      local.holdSends(false);
    }
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Submitted);

    // The restarted gateway's relayer sends what was owed: the case is reviewed, by the reviewer who signed.
    const second = await startGatewayProcess(local.env);
    try {
      await expect.poll(async () => Number((await local.contracts.cases.getCase(caseId))[0].status), { timeout: 30_000, interval: 500 }).toBe(CaseStatus.Reviewed);
      const [decided] = await local.contracts.cases.queryFilter(local.contracts.cases.filters.CaseDecided(caseId));
      expect(decided!.args.signers).toEqual([reviewer.address]);
      const auditor = await signInAt(second.url, DEV_KEYS.auditor);
      const trail = (await request(second.url).get(`/v1/audit/cases/${caseId}/trail`).set("authorization", auditor).expect(200)).body;
      expect(trail.steps.map((s: { what: string }) => s.what)).toEqual(expect.arrayContaining(["decision record, revision 0", "Submitted → Reviewed"]));
    } finally {
      await kill(second.child);
    }
  });
});
