import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_KEYS, localGateway } from "./helpers/local-gateway.ts";
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
});
