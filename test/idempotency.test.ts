import { Wallet } from "ethers";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleId } from "../server/chain/roles.ts";
import { sweepIdempotency } from "../server/http/idempotency.ts";
import { DEV_KEYS, localGateway, spouseOf, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let caseId: string;
let caseworker: string;

beforeAll(async () => {
  local = await localGateway();
  caseId = await local.takeIn(residentId(701));
  caseworker = await local.signIn(DEV_KEYS.caseworker);
}, 60_000);
afterAll(async () => local?.close());

const post = (key: string, body: object) => request(local.gateway.url).post(`/v1/cases/${caseId}/revisions`).set("authorization", caseworker).set("idempotency-key", key).send(body);
/** A revision's relay request: its fields, the draft, and the transaction signed by the caseworker (see SignedCall). */
async function signedRevision(fields: object): Promise<object> {
  const { body: drafted } = await request(local.gateway.url).post(`/v1/cases/${caseId}/revisions/draft`).set("authorization", caseworker).send(fields).expect(200);
  return { ...fields, draft: drafted.draft, signedTransaction: await new Wallet(DEV_KEYS.caseworker).signTransaction(drafted.transaction) };
}
const revisionsOnChain = async () => (await local.contracts.cases.revisions(caseId)).length;

describe("Idempotency-Key on every POST", () => {
  it("answers a retried revision with the first answer and makes no second revision, even when the retry comes while the first runs", async () => {
    const [size, onChain] = [local.gateway.log.size, await revisionsOnChain()];
    const body = await signedRevision({ reason: "年度复核", monthlyIncome: 30_000 });
    const [first, concurrent] = await Promise.all([post("k-1", body), post("k-1", body)]);
    const later = await post("k-1", body);
    expect([first.status, concurrent.status, later.status]).toEqual([201, 201, 201]);
    expect(concurrent.body).toEqual(first.body);
    expect(later.body).toEqual(first.body);
    // The draft's read of the current record (logged), and one revision.
    expect(local.gateway.log.size).toBe(size + 2);
    expect(await revisionsOnChain()).toBe(onChain + 1);
    // Without the key, the same request is refused: it would now be the next revision, which is not the one signed.
    const again = await request(local.gateway.url).post(`/v1/cases/${caseId}/revisions`).set("authorization", caseworker).send(body).expect(400);
    expect(again.body.error.code).toBe("SIGNED_CALL_MISMATCH");
  });

  it("refuses the same key for a different request, and keeps no failure: a corrected retry with the key goes through", async () => {
    const size = local.gateway.log.size;
    const reused = await post("k-1", await signedRevision({ reason: "另一次复核" })).expect(422);
    expect(reused.body.error).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED", field: "Idempotency-Key" });
    expect((await post("k-2", { reason: "" }).expect(400)).body.error.field).toBe("reason");
    expect((await post("k-2", await signedRevision({ reason: "更正" })).expect(201)).body.revision).toBeGreaterThan(0);
    // Two drafts' reads of the current record (logged), and one revision.
    expect(local.gateway.log.size).toBe(size + 3);
    expect((await post("key with spaces", { reason: "x" }).expect(400)).body.error.field).toBe("Idempotency-Key");
    const { paths } = (await request(local.gateway.url).get("/v1/openapi.json").expect(200)).body;
    const posts = Object.values(paths as Record<string, { post?: { parameters?: { name: string }[] } }>).flatMap((p) => (p.post ? [p.post] : []));
    expect(posts.length).toBeGreaterThan(15);
    for (const post of posts) expect(post.parameters?.map((q) => q.name)).toContain("Idempotency-Key");
  });

  it("keeps each caller's keys apart: the citizen's retried complaint is taken once, another caller's same key is its own", async () => {
    const receipt = local.receipts.get(caseId)!;
    const size = local.gateway.log.size;
    const complain = (qr: string) => request(local.gateway.url).post("/v1/citizen/feedback").set("x-aidtrail-receipt", qr).set("idempotency-key", "c-1").send({ kind: "complaint", text: "补助未到账" });
    const first = await complain(receipt).expect(201);
    expect((await complain(receipt).expect(201)).body).toEqual(first.body);
    expect(local.gateway.log.size).toBe(size + 1);

    const otherCase = await local.takeIn(residentId(702));
    const other = await complain(local.receipts.get(otherCase)!).expect(201);
    expect(other.body.recordId).not.toBe(first.body.recordId);
  });

  it("replays a kept answer only as the route would answer now, keeps it sealed on disk, and forgets it after a day", async () => {
    const wallet = new Wallet(DEV_KEYS.caseworker);
    const applicant = residentId(703);
    const fields = { programme: "dibao", area: "urban", jurisdiction: TOWNSHIP, applicant: { name: "申请人", residentId: applicant }, household: [{ name: "家属", relation: "配偶", residentId: spouseOf(applicant) }], monthlyIncome: 40_000, documents: [] };
    const { body: draft } = await request(local.gateway.url).post("/v1/cases/draft").set("authorization", caseworker).send(fields).expect(200);
    const body = { ...fields, envelope: draft.envelope, deadline: draft.deadline, signature: await wallet.signTypedData(draft.domain, draft.types, draft.message) };
    const intake = (token: string) => request(local.gateway.url).post("/v1/cases").set("authorization", token).set("idempotency-key", "intake-1").send(body);
    const first = await intake(caseworker).expect(201);
    const { code } = first.body.receipt;

    // The receipt code is nowhere on disk in clear: not in the state's files, its write-ahead log included.
    const dataDir = local.env.AIDTRAIL_DATA;
    const files = readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(readFileSync(join(file.parentPath, file.name)).includes(code), `${file.name} holds the receipt code`).toBe(false);

    // Authentication comes first: a token that is no longer valid gets no replay, receipt and all.
    expect((await intake("Bearer nonsense").expect(401)).body.error.code).toBe("AUTH_TOKEN_INVALID");
    // The same officer signed in again is the same caller, and gets the first answer.
    expect((await intake(await local.signIn(DEV_KEYS.caseworker)).expect(201)).body).toEqual(first.body);
    // An officer whose role was revoked since gets what the route answers them now.
    const { access } = local.contracts;
    await (await access.revokeRole(roleId("CASEWORKER"), wallet.address)).wait();
    try {
      expect((await intake(caseworker).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    } finally {
      await (await access.grantScopedRole(roleId("CASEWORKER"), wallet.address, BigInt(TOWNSHIP))).wait();
    }
    expect((await intake(caseworker).expect(201)).body).toEqual(first.body);

    // A day later the answer is forgotten: the retry is a new request, which the case taken in already refuses.
    expect(await sweepIdempotency(local.gateway.state, Date.now() + 25 * 3600_000)).toBeGreaterThan(0);
    expect((await intake(caseworker)).status).toBe(409);
  });
});
