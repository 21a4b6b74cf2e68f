import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApplicationInput } from "../server/records/kinds/application.ts";
import { signedApplication } from "./helpers/application.ts";
import { killProcess as kill, startGatewayProcess } from "./helpers/gateway-process.ts";
import { DEV_KEYS, localGateway, spouseOf, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";
import { signInAt } from "./helpers/sign-in.ts";

let local: Awaited<ReturnType<typeof localGateway>>;

beforeAll(async () => {
  local = await localGateway();
  await local.stopGateway();
}, 60_000);
afterAll(async () => local?.close());

describe("a receipt reissued", () => {
  it("gives the applicant whose intake answer died with the gateway a receipt that opens their case; a receipt reissued again ends the one before", async () => {
    const applicant = residentId(611);
    const fields: ApplicationInput = {
      programme: "dibao",
      area: "urban",
      jurisdiction: TOWNSHIP,
      applicant: { name: "申请人", residentId: applicant },
      household: [{ name: "家属", relation: "配偶", residentId: spouseOf(applicant) }],
      monthlyIncome: 40_000,
      documents: [],
    };
    // Killed between commit and answer: the node hangs on the gateway's transaction, and the gateway holds the answer while it waits for the ledger.
    const first = await startGatewayProcess({ ...local.env, AIDTRAIL_LEDGER_WAIT_MS: "30000" });
    const caseworker = await signInAt(first.url, DEV_KEYS.caseworker);
    const deadline = BigInt((await local.provider.getBlock("latest"))!.timestamp + 3600);
    const body = await signedApplication(fields, new Wallet(DEV_KEYS.caseworker), { deployment: local.deployment, env: local.env }, deadline);
    local.holdSends(true);
    let answered: Promise<number | string>;
    try {
      answered = request(first.url).post("/v1/cases").set("authorization", caseworker).set("idempotency-key", "intake-611").send(body).then(
        (r) => r.status,
        () => "cut off",
      );
      // Committed: the record is in the log.
      await expect.poll(async () => (await request(first.url).get(`/v1/proofs/records/${body.envelope.recordId}`)).status, { timeout: 20_000 }).toBe(200);
      await kill(first.child);
    } finally {
      local.holdSends(false);
    }
    expect(await answered).toBe("cut off");
    const caseId = body.envelope.caseId;

    const second = await startGatewayProcess(local.env);
    try {
      const url = second.url;
      const [token, auditor] = await Promise.all([signInAt(url, DEV_KEYS.caseworker), signInAt(url, DEV_KEYS.auditor)]);
      // The applicant asks again: the case was taken in, but no receipt came of it.
      expect((await request(url).post("/v1/cases").set("authorization", token).set("idempotency-key", "intake-611").send(body)).status).toBe(409);
      await expect.poll(async () => (await request(url).get(`/v1/cases/${caseId}`).set("authorization", token)).body.submission?.state, { timeout: 20_000 }).toBe("done");

      const reissue = (id: string, who = token) => request(url).post(`/v1/cases/${caseId}/receipt`).set("authorization", who).send({ residentId: id });
      expect((await reissue(spouseOf(applicant)).expect(403)).body.error).toMatchObject({ code: "RECEIPT_APPLICANT_MISMATCH", field: "residentId" });
      expect((await reissue(applicant, auditor).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
      expect((await request(url).post(`/v1/cases/${caseId}/receipt`).set("authorization", token).send({ residentId: "12345" }).expect(400)).body.error.field).toBe("residentId");
      const reissued = (await reissue(applicant).expect(201)).body;
      expect(reissued.receipt).toMatchObject({ caseId, code: expect.stringMatching(/^[0-9A-Z]{12}$/) });
      const view = (qr: string) => request(url).get("/v1/citizen/case").set("x-aidtrail-receipt", qr);
      expect((await view(reissued.receipt.qr).expect(200)).body.caseId).toBe(caseId);

      // Reissued again (the paper lost): the earlier code no longer opens the case.
      const again = (await reissue(applicant.toLowerCase()).expect(201)).body;
      expect((await view(reissued.receipt.qr).expect(401)).body.error.code).toBe("RECEIPT_INVALID");
      expect((await view(`${again.receipt.caseNumber} ${again.receipt.code}`).expect(200)).body.caseId).toBe(caseId);
      // Each reissue is in the case's trail, with who made it.
      const trail = (await request(url).get(`/v1/audit/cases/${caseId}/trail`).set("authorization", auditor).expect(200)).body;
      expect(trail.steps.filter((s: { what: string }) => s.what === "receipt-reissued document record, revision 0")).toHaveLength(2);
      expect(JSON.stringify(trail)).not.toContain(again.receipt.code);
    } finally {
      await kill(second.child);
    }
  });
});
