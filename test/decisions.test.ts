import { createHash } from "node:crypto";
import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStatus } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";
import { signedApplication } from "./helpers/application.ts";
import { residentId } from "./helpers/resident-id.ts";

type Officer = ReturnType<typeof Wallet.createRandom>;
let local: Awaited<ReturnType<typeof localGateway>>;
const reviewer = Wallet.createRandom();
const approvers = [Wallet.createRandom(), Wallet.createRandom()];
const outsider = Wallet.createRandom();
const townshipApprover = Wallet.createRandom();
const tokens = new Map<string, string>();
let caseId: string;
let receiptQr: string;
/** The applicant's one other household member at intake: the ledger holds a household of 2. */
const child = { name: "李小四", relation: "子", residentId: residentId(9, "20100101") };

const get = (path: string, who: Officer) => request(local.gateway.url).get(path).set("authorization", tokens.get(who.address)!);
const post = (path: string, who: Officer, body: object) => request(local.gateway.url).post(path).set("authorization", tokens.get(who.address)!).send(body);

async function signed(who: Officer, query = "") {
  const payload = (await get(`/v1/cases/${caseId}/decision-request${query}`, who).expect(200)).body;
  return { payload, signature: { signer: who.address, signature: await who.signTypedData(payload.domain, payload.types, payload.message) } };
}

beforeAll(async () => {
  local = await localGateway();
  const { access } = local.contracts;
  await (await access.grantScopedRole(roleId("REVIEWER"), reviewer.address, BigInt(TOWNSHIP))).wait();
  for (const a of approvers) await (await access.grantScopedRole(roleId("APPROVER"), a.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("APPROVER"), townshipApprover.address, BigInt(TOWNSHIP))).wait();
  for (const who of [reviewer, ...approvers, outsider, townshipApprover]) tokens.set(who.address, await local.signIn(who.privateKey));
  const caseworker = await local.signIn(DEV_KEYS.caseworker);
  const fields = {
    programme: "dibao" as const,
    area: "urban" as const,
    jurisdiction: TOWNSHIP,
    applicant: { name: "李四", residentId: "110101199003074477" },
    household: [child],
    monthlyIncome: 50_000,
    documents: [{ kind: "hukou", sha256: createHash("sha256").update("hukou").digest("hex") }],
  };
  // The caseworker signs the application; the gateway relays it.
  const deadline = BigInt((await local.provider.getBlock("latest"))!.timestamp + 3600);
  const body = await signedApplication(fields, new Wallet(DEV_KEYS.caseworker), local, deadline);
  const taken = await request(local.gateway.url).post("/v1/cases").set("authorization", caseworker).send(body).expect(201);
  caseId = taken.body.caseId;
  receiptQr = taken.body.receipt.qr;
});
afterAll(async () => local?.close());

describe("signed decisions through the gateway", () => {
  it("hands out the exact payload to sign and relays a review once its one signature is in", async () => {
    const { payload, signature } = await signed(reviewer);
    expect(payload).toMatchObject({ primaryType: "Decision", role: "REVIEWER", threshold: 1, message: { caseId, stage: 0, round: 0, amount: "0" } });
    expect(payload.digest).toBe(await local.contracts.cases.decisionDigest(payload.message));
    const relayed = await post(`/v1/cases/${caseId}/decisions`, reviewer, { decision: payload.message, signatures: [signature] }).expect(201);
    expect(relayed.body).toMatchObject({ state: "relayed", signers: [reviewer.address], transactionHash: expect.stringMatching(/^0x/) });
    const packet = await local.gateway.log.lookup(relayed.body.recordId, { decrypt: false });
    expect(packet.revisions[0]!.record.kind).toBe("decision");
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Reviewed);
  });

  it("says precisely which signature is wrong before any gas is spent", async () => {
    const { payload, signature } = await signed(approvers[0]!, "?amount=200000&householdSize=2");
    const forged = { signer: approvers[1]!.address, signature: signature.signature };
    const wrong = await post(`/v1/cases/${caseId}/decisions`, approvers[0]!, { decision: payload.message, signatures: [signature, forged] }).expect(422);
    expect(wrong.body.error).toMatchObject({ code: "DECISION_SIGNATURE_INVALID", field: "signatures.1" });
    const stranger = { signer: outsider.address, signature: await outsider.signTypedData(payload.domain, payload.types, payload.message) };
    const unauthorised = await post(`/v1/cases/${caseId}/decisions`, outsider, { decision: payload.message, signatures: [stranger] }).expect(422);
    expect(unauthorised.body.error).toMatchObject({ code: "DECISION_SIGNER_UNAUTHORIZED", field: "signatures.0" });
    await get(`/v1/cases/${caseId}/decision-request`, outsider).expect(403);
  });

  it("refuses an amount above the standard with the ledger's own reason", async () => {
    const a = await signed(approvers[0]!, "?amount=999999&householdSize=2");
    const b = { signer: approvers[1]!.address, signature: await approvers[1]!.signTypedData(a.payload.domain, a.payload.types, a.payload.message) };
    const refused = await post(`/v1/cases/${caseId}/decisions`, approvers[1]!, { decision: a.payload.message, signatures: [a.signature, b] }).expect(422);
    expect(refused.body.error.code).toBe("LEDGER_APPROVAL_ABOVE_STANDARD");
  });

  it("asks an approval for the household the ledger holds unless told, and refuses another size before anyone signs or a signature is kept", async () => {
    const { payload } = await signed(approvers[0]!, "?amount=200000");
    expect(payload.message).toMatchObject({ stage: 1, approve: true, amount: "200000", householdSize: 2 });
    expect((await local.contracts.cases.getCase(caseId))[2]).toBe(2n);
    expect((await signed(approvers[0]!, "?amount=200000&householdSize=2")).payload.digest).toBe(payload.digest);
    for (const size of [3, 1, 0]) {
      const refused = await get(`/v1/cases/${caseId}/decision-request?amount=200000&householdSize=${size}`, approvers[0]!).expect(400);
      expect(refused.body.error).toMatchObject({ code: "APPROVAL_HOUSEHOLD_SIZE_MISMATCH", field: "householdSize", message: expect.stringMatching(new RegExp(`for a household of 2, as the ledger holds it .*, not ${size}$`)) });
    }
    expect((await get(`/v1/cases/${caseId}/decision-request?amount=200000&householdSize=two`, approvers[0]!).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "householdSize" });
    // Values the ledger's Decision cannot hold (uint64 amount and deadline, uint32 round) are refused at the door, not by an encoder deep inside.
    expect((await get(`/v1/cases/${caseId}/decision-request?amount=${2n ** 64n}`, approvers[0]!).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "amount" });
    for (const [field, value] of [["amount", (2n ** 64n).toString()], ["deadline", (2n ** 64n).toString()], ["round", 2 ** 32]] as const) {
      const refused = await post(`/v1/cases/${caseId}/decisions`, approvers[0]!, { decision: { ...payload.message, [field]: value }, signatures: [{ signer: approvers[0]!.address, signature: "0x" + "11".repeat(65) }] }).expect(400);
      expect(refused.body.error).toMatchObject({ code: "REQUEST_INVALID", field: `decision.${field}` });
    }
    // A decision signed for another household is neither kept nor relayed: the ledger would refuse it.
    const larger = { ...payload.message, householdSize: 3 };
    const signatures = await Promise.all(approvers.map(async (a) => ({ signer: a.address, signature: await a.signTypedData(payload.domain, payload.types, larger) })));
    const size = local.gateway.log.size;
    for (const some of [signatures.slice(0, 1), signatures]) {
      const refused = await post(`/v1/cases/${caseId}/decisions`, approvers[0]!, { decision: larger, signatures: some }).expect(400);
      expect(refused.body.error).toMatchObject({ code: "APPROVAL_HOUSEHOLD_SIZE_MISMATCH", field: "decision.householdSize" });
    }
    // Nothing was kept of them: the decision being collected is the one asked for, with no signature.
    expect((await get(`/v1/cases/${caseId}/decisions`, approvers[0]!).expect(200)).body).toMatchObject({ digest: payload.digest, signers: [] });
    expect(local.gateway.log.size).toBe(size);
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Reviewed);
    // A rejection names no household.
    expect((await signed(approvers[0]!, "?approve=false&householdSize=3")).payload.message).toMatchObject({ approve: false, amount: "0", householdSize: 0 });
  });

  it("collects two county signatures, then relays the approval and public notice starts", async () => {
    const first = await signed(approvers[0]!, "?amount=200000&householdSize=2");
    const waiting = await post(`/v1/cases/${caseId}/decisions`, approvers[0]!, { decision: first.payload.message, signatures: [first.signature] }).expect(202);
    expect(waiting.body).toEqual({ state: "collecting", signers: [approvers[0]!.address], threshold: 2 });
    const second = { signer: approvers[1]!.address, signature: await approvers[1]!.signTypedData(first.payload.domain, first.payload.types, first.payload.message) };
    const relayed = await post(`/v1/cases/${caseId}/decisions`, approvers[1]!, { decision: first.payload.message, signatures: [second] }).expect(201);
    expect(relayed.body.signers).toHaveLength(2);
    const [terms] = await local.contracts.cases.getCase(caseId);
    expect([Number(terms.status), terms.approvedAmount]).toEqual([CaseStatus.InNotice, 200_000n]);

    const replay = await post(`/v1/cases/${caseId}/decisions`, approvers[1]!, { decision: first.payload.message, signatures: [first.signature, second] }).expect(422);
    expect(replay.body.error.code).toBe("LEDGER_DECISION_STAGE_MISMATCH");
    expect((await get(`/v1/cases/${caseId}/decision-request`, approvers[0]!).expect(409)).body.error.code).toBe("DECISION_NOT_DUE");
  });

  it("takes the case through an objection, a revision, a second approval and activation after public notice", async () => {
    // The caseworker's own steps, each their signed transaction relayed (see SignedCall).
    const objection = await local.signedStep(`/v1/cases/${caseId}/objections`, { objector: { name: "邻居", contact: "13900000000" }, text: "家中有车辆未申报" }, DEV_KEYS.caseworker);
    expect([objection.status, objection.body.ledger.state]).toEqual([201, "done"]);
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Submitted);

    // The revision adds a member: the ledger's household, and so the approval's, is 3 from then on.
    const newborn = { name: "李小五", relation: "子", residentId: residentId(10, "20240101") };
    const revision = await local.signedStep(`/v1/cases/${caseId}/revisions`, { reason: "复核后更正收入，新生子女入户", monthlyIncome: 90_000, household: [child, newborn] }, DEV_KEYS.caseworker);
    expect([revision.status, revision.body]).toEqual([201, expect.objectContaining({ revision: 1, ledger: expect.objectContaining({ state: "done" }) })]);
    const onChain = await local.contracts.cases.revisions(caseId);
    expect(onChain[onChain.length - 1]).toBe(revision.body.recordHash);

    const review = await signed(reviewer);
    expect(review.payload.message.recordHash).toBe(revision.body.recordHash);
    await post(`/v1/cases/${caseId}/decisions`, reviewer, { decision: review.payload.message, signatures: [review.signature] }).expect(201);
    expect((await local.contracts.cases.getCase(caseId))[2]).toBe(3n);
    expect((await get(`/v1/cases/${caseId}/decision-request?amount=150000&householdSize=2`, approvers[0]!).expect(400)).body.error.code).toBe("APPROVAL_HOUSEHOLD_SIZE_MISMATCH");
    const a = await signed(approvers[0]!, "?amount=150000");
    expect(a.payload.message.householdSize).toBe(3);
    const b = { signer: approvers[1]!.address, signature: await approvers[1]!.signTypedData(a.payload.domain, a.payload.types, a.payload.message) };
    await post(`/v1/cases/${caseId}/decisions`, approvers[1]!, { decision: a.payload.message, signatures: [a.signature, b] }).expect(201);

    const { notices } = (await request(local.gateway.url).get("/v1/public/notices").expect(200)).body;
    expect(notices).toEqual([expect.objectContaining({ caseId, name: "李**", householdSize: 3, approvedAmount: "150000", programme: "dibao" })]);
    expect(JSON.stringify(notices)).not.toMatch(/李四|110101/);

    const receipt = receiptQr;
    const feedback = await request(local.gateway.url).post("/v1/citizen/feedback").set("x-aidtrail-receipt", receipt).send({ kind: "complaint", text: "公示期太短", contact: "13800000000" }).expect(201);
    const trail = (await request(local.gateway.url).get(`/v1/audit/cases/${caseId}/trail`).set("authorization", await local.signIn(approvers[0]!.privateKey)).expect(200)).body;
    expect(trail.steps.map((s: { recordId?: string }) => s.recordId)).toContain(feedback.body.recordId);
    await request(local.gateway.url).post("/v1/citizen/feedback").set("x-aidtrail-receipt", receipt.slice(0, -1) + (receipt.endsWith("0") ? "1" : "0")).send({ kind: "rating", rating: 5 }).expect(401);
    expect((await request(local.gateway.url).post("/v1/citizen/feedback").set("x-aidtrail-receipt", receipt).send({ kind: "rating", rating: 9 }).expect(400)).body.error.field).toBe("rating");

    const early = await local.signedStep(`/v1/cases/${caseId}/activate`, {}, DEV_KEYS.caseworker);
    expect([early.status, early.body.error.code]).toEqual([422, "LEDGER_CASE_NOTICE_NOT_OVER"]);
    await local.advance(7 * 24 * 3600);
    const active = await local.signedStep(`/v1/cases/${caseId}/activate`, {}, DEV_KEYS.caseworker);
    expect([active.status, active.body.ledger.state]).toEqual([201, "done"]);
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Active);
  });
});

describe("a decision gathered from officers who sign apart", () => {
  /** A new dibao case of the township, reviewed: its approval is due. */
  async function reviewedCase(n: number): Promise<string> {
    const id = await local.takeIn(residentId(n));
    const review = (await get(`/v1/cases/${id}/decision-request`, reviewer).expect(200)).body;
    const signature = await reviewer.signTypedData(review.domain, review.types, review.message);
    await post(`/v1/cases/${id}/decisions`, reviewer, { decision: review.message, signatures: [{ signer: reviewer.address, signature }] }).expect(201);
    return id;
  }
  const ask = async (id: string, who: Officer, query = "") => (await get(`/v1/cases/${id}/decision-request${query}`, who).expect(200)).body;
  const sign = async (id: string, who: Officer, payload: { domain: object; types: Record<string, []>; message: Record<string, unknown> }) =>
    post(`/v1/cases/${id}/decisions`, who, { decision: payload.message, signatures: [{ signer: who.address, signature: await who.signTypedData(payload.domain, payload.types, payload.message) }] });

  it("gives two approvers who ask a block and an hour apart the same decision; each signs alone and the second relays it", async () => {
    const id = await reviewedCase(601);
    const first = await ask(id, approvers[0]!, "?amount=120000");
    await local.advance(3600);
    // The second approver names no terms: they are handed the decision being collected, its deadline unchanged.
    const second = await ask(id, approvers[1]!);
    expect(second.digest).toBe(first.digest);
    expect(second.message.deadline).toBe(first.message.deadline);
    expect((await sign(id, approvers[0]!, first)).status).toBe(202);
    await local.advance(3600);
    expect((await get(`/v1/cases/${id}/decisions`, approvers[1]!).expect(200)).body).toMatchObject({ digest: first.digest, signers: [approvers[0]!.address], threshold: 2 });
    // Asked again with the same terms, still the same message, and who has signed.
    expect(await ask(id, approvers[1]!, "?amount=120000")).toMatchObject({ digest: first.digest, signers: [approvers[0]!.address] });
    const relayed = await sign(id, approvers[1]!, second);
    expect([relayed.status, relayed.body.state, relayed.body.signers.length]).toEqual([201, "relayed", 2]);
    expect(Number((await local.contracts.cases.getCase(id))[0].status)).toBe(CaseStatus.InNotice);
    await get(`/v1/cases/${id}/decisions`, approvers[1]!).expect(404);
  });

  it("refuses other terms once someone has signed, until they withdraw; other terms before anyone signs replace the decision", async () => {
    const id = await reviewedCase(602);
    const before = await ask(id, approvers[0]!, "?amount=100000");
    const replaced = await ask(id, approvers[1]!, "?amount=110000");
    expect(replaced.digest).not.toBe(before.digest);
    expect((await sign(id, approvers[1]!, replaced)).status).toBe(202);
    const other = await get(`/v1/cases/${id}/decision-request?amount=100000`, approvers[0]!).expect(409);
    expect(other.body.error).toMatchObject({ code: "DECISION_OPEN", message: expect.stringContaining(`an approval of 110000 fen a month for a household of 2 is being collected on this case, signed so far by ${approvers[1]!.address}`) });
    // A signature over the earlier message would split the signers: refused, nothing kept.
    const stale = await sign(id, approvers[0]!, before);
    expect([stale.status, stale.body.error.code]).toEqual([409, "DECISION_OPEN"]);
    // Only a signer withdraws, and only their own.
    expect((await request(local.gateway.url).delete(`/v1/cases/${id}/decisions`).set("authorization", tokens.get(approvers[0]!.address)!).expect(404)).body.error.code).toBe("DECISION_SIGNATURE_NOT_FOUND");
    const withdrawn = await request(local.gateway.url).delete(`/v1/cases/${id}/decisions`).set("authorization", tokens.get(approvers[1]!.address)!).expect(200);
    expect(withdrawn.body).toEqual({ state: "closed", signers: [], threshold: 2 });
    const reopened = await ask(id, approvers[0]!, "?amount=100000");
    expect(reopened.signers).toEqual([]);
    expect((await sign(id, approvers[0]!, reopened)).status).toBe(202);
    expect((await sign(id, approvers[1]!, reopened)).status).toBe(201);
    expect((await local.contracts.cases.getCase(id))[0].approvedAmount).toBe(100_000n);
  });

  it("refuses at submission a signature the ledger would not count (a township approver on a county's dibao), keeping nothing; the county's approvers then decide", async () => {
    const id = await reviewedCase(603);
    const payload = await ask(id, approvers[0]!, "?amount=90000");
    const low = await sign(id, townshipApprover, payload);
    expect([low.status, low.body.error.code]).toEqual([422, "LEDGER_DECISION_SIGNER_LEVEL_TOO_LOW"]);
    expect((await get(`/v1/cases/${id}/decisions`, approvers[0]!).expect(200)).body.signers).toEqual([]);
    expect((await sign(id, approvers[0]!, payload)).status).toBe(202);
    expect((await sign(id, approvers[1]!, payload)).status).toBe(201);
  });

  it("refuses to open an approval without its amount, saying the most the ledger would take, before anyone signs", async () => {
    const id = await reviewedCase(606);
    const refused = (await get(`/v1/cases/${id}/decision-request`, approvers[0]!).expect(400)).body.error;
    // Two people at the province's 1,200.00 yuan a person.
    expect(refused).toMatchObject({ code: "APPROVAL_AMOUNT_REQUIRED", field: "amount", message: "an approval names the monthly amount granted: at most 2,400.00 yuan (240000 fen): the standard in force, 1,200.00 yuan a person, times the household of 2" });
    expect(refused.zh.message).toBe("审批须写明每月核定金额：不超过 2,400.00 元（现行标准每人 1,200.00 元 × 家庭 2 人）");
    await get(`/v1/cases/${id}/decisions`, approvers[0]!).expect(404);
    // A rejection names no amount.
    expect((await ask(id, approvers[0]!, "?approve=false")).message).toMatchObject({ approve: false, amount: "0" });
  });

  it("shows the citizen of a refused case when it was refused and how to contest it", async () => {
    const id = await local.takeIn(residentId(605));
    const review = await ask(id, reviewer, "?approve=false");
    expect(review.message.approve).toBe(false);
    expect((await sign(id, reviewer, review)).status).toBe(201);
    const { cases } = local.contracts;
    const [refused] = (await cases.queryFilter(cases.filters.CaseTransition(id))).filter((e) => Number(e.args.to) === CaseStatus.Rejected);
    const seen = (await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", local.receipts.get(id)!).expect(200)).body;
    expect(seen).toMatchObject({ status: { code: "Rejected", zh: "未获批准" }, decidedAt: new Date(Number(refused!.args.time) * 1000).toISOString() });
    expect(seen.appeal.zh).toContain("60日内");
    expect(seen.appeal.en).toContain("administrative review");
    // A case being paid has nothing to contest.
    expect((await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", receiptQr).expect(200)).body.appeal).toBeUndefined();
  });

  it("drops, at relay time, a signature whose signer lost the role since, and relays once another has signed", async () => {
    const id = await reviewedCase(604);
    const payload = await ask(id, approvers[0]!, "?amount=90000");
    expect((await sign(id, approvers[0]!, payload)).status).toBe(202);
    const { access } = local.contracts;
    await (await access.revokeRole(roleId("APPROVER"), approvers[0]!.address)).wait();
    try {
      const waiting = await sign(id, approvers[1]!, payload);
      expect([waiting.status, waiting.body]).toEqual([202, { state: "collecting", signers: [approvers[1]!.address], threshold: 2, dropped: [{ signer: approvers[0]!.address, code: "LEDGER_DECISION_SIGNER_UNAUTHORIZED" }] }]);
      expect(Number((await local.contracts.cases.getCase(id))[0].status)).toBe(CaseStatus.Reviewed);
    } finally {
      await (await access.grantScopedRole(roleId("APPROVER"), approvers[0]!.address, BigInt(COUNTY))).wait();
    }
    expect((await sign(id, approvers[0]!, payload)).status).toBe(201);
  });
});
