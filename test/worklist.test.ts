import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleId } from "../server/chain/roles.ts";
import { caseNumberOf } from "../server/cases/receipts.ts";
import { COUNTY, DEV_KEYS, localGateway, OFFICERS, spouseOf, TOWNSHIP } from "./helpers/local-gateway.ts";
import { undocumented } from "./helpers/openapi.ts";
import { residentId } from "./helpers/resident-id.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
/** A reviewer of the county's other township: none of this test's cases is theirs. */
const elsewhere = Wallet.createRandom();
const cases: string[] = [];

const worklist = async (key: string) => (await request(local.gateway.url).get("/v1/worklist").set("authorization", await local.signIn(key)).expect(200)).body;
const stages = (body: { items: { caseId: string; stage: string }[] }) => body.items.map((i) => [i.caseId, i.stage]);

/** A decision signed by `signers` and relayed: a review, or (with an amount) an approval. */
async function decide(caseId: string, signers: Wallet[], query = "") {
  const token = await local.signIn(signers[0]!.privateKey);
  const { body: payload } = await request(local.gateway.url).get(`/v1/cases/${caseId}/decision-request${query}`).set("authorization", token).expect(200);
  const signatures = await Promise.all(signers.map(async (w) => ({ signer: w.address, signature: await w.signTypedData(payload.domain, payload.types, payload.message) })));
  await request(local.gateway.url).post(`/v1/cases/${caseId}/decisions`).set("authorization", token).send({ decision: payload.message, signatures }).expect(201);
}

beforeAll(async () => {
  local = await localGateway();
  await (await local.contracts.access.registerJurisdiction(440105002000n, BigInt(COUNTY))).wait();
  await (await local.contracts.access.grantScopedRole(roleId("REVIEWER"), elsewhere.address, 440105002000n)).wait();
  for (const n of [1, 2, 3]) cases.push(await local.takeIn(residentId(40 + n)));
  await decide(cases[0]!, [OFFICERS.reviewer]);
}, 120_000);
afterAll(async () => local?.close());

describe("an officer's worklist", () => {
  it("gives a reviewer the cases waiting for review in their township, oldest first, with the days against the limit, as documented", async () => {
    const body = await worklist(DEV_KEYS.reviewer);
    expect(await undocumented(local.gateway.url, "/v1/worklist", "get", 200, body)).toEqual([]);
    expect(body.roles).toEqual([{ role: "REVIEWER", jurisdiction: TOWNSHIP }]);
    expect(stages(body)).toEqual([
      [cases[1], "review"],
      [cases[2], "review"],
    ]);
    expect(body.items[0]).toMatchObject({ caseNumber: caseNumberOf(cases[1]!), jurisdiction: TOWNSHIP, programme: "dibao", days: 0, limitDays: 15, overdue: false });
    // The name as a public notice shows it: masked.
    expect(body.items[0].name).toMatch(/\*/);
  });

  it("gives the county's approvers the reviewed cases, and no one a case outside the jurisdiction of their role, nor a stage their roles do not take", async () => {
    expect(stages(await worklist(DEV_KEYS.approver1))).toEqual([[cases[0], "approval"]]);
    expect((await worklist(elsewhere.privateKey)).items).toEqual([]);
    expect((await worklist(DEV_KEYS.auditor)).items).toEqual([]);
    expect((await worklist(DEV_KEYS.caseworker)).items).toEqual([]);
  });

  it("gives the caseworker a case to activate once its public notice is over, and marks a review overdue past its 15 days", async () => {
    await decide(cases[0]!, OFFICERS.approvers, "?amount=90000");
    expect((await worklist(DEV_KEYS.caseworker)).items).toEqual([]);
    await local.advance(16 * 24 * 3600);
    const caseworker = await worklist(DEV_KEYS.caseworker);
    expect(stages(caseworker)).toEqual([[cases[0], "activation"]]);
    expect(caseworker.items[0]).toMatchObject({ days: 9, limitDays: null, overdue: false });
    const reviewer = await worklist(DEV_KEYS.reviewer);
    expect(reviewer.items.map((i: { days: number; overdue: boolean }) => [i.days, i.overdue])).toEqual([
      [16, true],
      [16, true],
    ]);
  });

  it("is refused without sign-in", async () => {
    const refused = await request(local.gateway.url).get("/v1/worklist").expect(401);
    expect(refused.body.error.code).toBe("AUTH_REQUIRED");
  });

  it("finds a case by the number on its receipt, typed as printed or in lower case with spaces, for officers over its jurisdiction alone, as documented", async () => {
    const find = async (key: string, number: string) => request(local.gateway.url).get(`/v1/cases?number=${encodeURIComponent(number)}`).set("authorization", await local.signIn(key));
    const number = caseNumberOf(cases[0]!);
    const found = await find(DEV_KEYS.approver1, number);
    expect(found.status).toBe(200);
    expect(await undocumented(local.gateway.url, "/v1/cases", "get", 200, found.body)).toEqual([]);
    expect(found.body.cases).toEqual([{ caseId: cases[0], caseNumber: number, jurisdiction: TOWNSHIP, programme: "dibao", name: expect.stringMatching(/\*/), status: "InNotice" }]);
    const typed = await find(DEV_KEYS.auditor, `${number.slice(0, 8).toLowerCase()} ${number.slice(8)}`);
    expect(typed.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([cases[0]]);
    // An officer of another township, and a finance officer, who works on money not cases, find nothing.
    expect((await find(elsewhere.privateKey, number)).body.cases).toEqual([]);
    expect((await find(DEV_KEYS.finance, number)).body.cases).toEqual([]);
    for (const bad of ["", "01654604BD51D83", "01654604BD51D83Z", number + "0"]) {
      const refused = await find(DEV_KEYS.approver1, bad);
      expect([refused.status, refused.body.error.code, refused.body.error.field, refused.body.error.zh?.message]).toEqual([400, "REQUEST_INVALID", "number", "案件号应为回执上的 16 位字母和数字"]);
    }
    expect((await request(local.gateway.url).get(`/v1/cases?number=${number}`).expect(401)).body.error.code).toBe("AUTH_REQUIRED");
  });

  it("finds the cases a person is in by their resident ID, for a stated purpose, each case found logged as a read; for officers over its jurisdiction alone", async () => {
    const lookUp = async (key: string, body: object) => request(local.gateway.url).post("/v1/cases/by-person").set("authorization", await local.signIn(key)).send(body);
    const size = local.gateway.log.size;
    const applicant = await lookUp(DEV_KEYS.auditor, { residentId: residentId(41), purpose: "audit" });
    expect(applicant.status).toBe(200);
    expect(await undocumented(local.gateway.url, "/v1/cases/by-person", "post", 200, applicant.body)).toEqual([]);
    expect(applicant.body.cases).toEqual([expect.objectContaining({ caseId: cases[0], caseNumber: caseNumberOf(cases[0]!), as: "applicant", status: "InNotice" })]);
    // The applicant's spouse, a member of the household, typed with spaces as on the card.
    const spouse = spouseOf(residentId(41));
    const member = await lookUp(DEV_KEYS.reviewer, { residentId: `${spouse.slice(0, 6)} ${spouse.slice(6, 14)} ${spouse.slice(14)}`, purpose: "complaint" });
    expect(member.body.cases.map((c: { caseId: string; as: string }) => [c.caseId, c.as])).toEqual([[cases[0], "member"]]);
    // Each case found is a read of the case, logged with the purpose stated.
    expect(local.gateway.log.size).toBe(size + 2);
    expect(await local.gateway.log.record(size + 1)).toMatchObject({ kind: "access-log", caseId: cases[0], public: { reader: new Wallet(DEV_KEYS.reviewer).address, purpose: "complaint: found by resident ID" } });
    // An officer of another township, and a finance officer, find nothing, and nothing is logged.
    expect((await lookUp(elsewhere.privateKey, { residentId: residentId(41), purpose: "audit" })).body.cases).toEqual([]);
    expect((await lookUp(DEV_KEYS.finance, { residentId: residentId(41), purpose: "audit" })).body.cases).toEqual([]);
    expect(local.gateway.log.size).toBe(size + 2);
    // Someone taken in nowhere: no case.
    expect((await lookUp(DEV_KEYS.auditor, { residentId: residentId(99), purpose: "audit" })).body.cases).toEqual([]);
    const wrong = await lookUp(DEV_KEYS.auditor, { residentId: residentId(41).slice(0, 17) + (residentId(41)[17] === "1" ? "2" : "1"), purpose: "audit" });
    expect([wrong.status, wrong.body.error.code, wrong.body.error.field]).toEqual([400, "IDENTITY_INVALID", "residentId"]);
    const why = await lookUp(DEV_KEYS.auditor, { residentId: residentId(41), purpose: "curiosity" });
    expect([why.status, why.body.error.code, why.body.error.field]).toEqual([400, "REQUEST_INVALID", "purpose"]);
    expect((await request(local.gateway.url).post("/v1/cases/by-person").send({ residentId: residentId(41), purpose: "audit" }).expect(401)).body.error.code).toBe("AUTH_REQUIRED");
    expect(local.gateway.log.size).toBe(size + 2);
  });
});
