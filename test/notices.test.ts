import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicName } from "../server/records/public-name.ts";
import { DEV_KEYS, localGateway, OFFICERS } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

let local: Awaited<ReturnType<typeof localGateway>>;

beforeAll(async () => {
  local = await localGateway();
}, 60_000);
afterAll(async () => local?.close());

/** Reviews and approves a case through the gateway, each officer signing: it enters public notice. */
async function approve(caseId: string) {
  for (const [signers, query] of [[[OFFICERS.reviewer], ""], [OFFICERS.approvers, "?amount=100000"]] as const) {
    const token = await local.signIn((signers[0] as Wallet).privateKey);
    const { body: payload } = await request(local.gateway.url).get(`/v1/cases/${caseId}/decision-request${query}`).set("authorization", token).expect(200);
    const signatures = await Promise.all(signers.map(async (w: Wallet) => ({ signer: w.address, signature: await w.signTypedData(payload.domain, payload.types, payload.message) })));
    await request(local.gateway.url).post(`/v1/cases/${caseId}/decisions`).set("authorization", token).send({ decision: payload.message, signatures }).expect(201);
  }
}

const notices = (query = "") => request(local.gateway.url).get(`/v1/public/notices${query}`);

describe("public notices", () => {
  it("shows the surname alone, never the given name or its length, for single and compound surnames and other scripts", () => {
    expect(["王小明", "李四", "欧阳娜", "欧阳明华", "司马光", " 诸葛亮 ", "John Smith", "阿卜杜拉·买买提", "", "王"].map(publicName)).toEqual([
      "王**",
      "李**",
      "欧阳**",
      "欧阳**",
      "司马**",
      "诸葛**",
      "J**",
      "阿**",
      "**",
      "王**",
    ]);
  });

  it("answers 503 when it has never been made and the ledger does not answer", async () => {
    local.setChainDown(true);
    try {
      expect((await notices().expect(503)).body.error.code).toBe("NOTICES_UNAVAILABLE");
    } finally {
      local.setChainDown(false);
    }
  });

  it("lists the cases in notice a page at a time from the ledger's index, asking the chain nothing per case, and goes on through an outage", async () => {
    const cases: string[] = [];
    for (const n of [501, 502, 503]) cases.push(await local.takeIn(residentId(n)));
    for (const caseId of cases) await approve(caseId);
    cases.sort();

    // The index reads each case from the ledger once, as it enters notice; after that a request
    // reads the chain's head, to bring the index up to it, and nothing per case.
    await local.gateway.indexer.catchUp();
    local.callsMade();
    const first = (await notices("?limit=2").expect(200)).body;
    expect(local.callsMade().map((c) => c.method)).toEqual(["eth_getBlockByNumber"]);
    expect(first.notices.map((n: { caseId: string }) => n.caseId)).toEqual(cases.slice(0, 2));
    expect(first.notices[0]).toMatchObject({ name: "申**", householdSize: 2, approvedAmount: "100000", programme: "dibao" });
    expect(JSON.stringify(first)).not.toMatch(/申请人|家属|110101/);
    const second = (await notices(`?limit=2&after=${first.next}`).expect(200)).body;
    expect(second.notices.map((n: { caseId: string }) => n.caseId)).toEqual(cases.slice(2));
    expect(second.next).toBeNull();

    // An objection takes a case out of notice; the next block's list no longer has it.
    const objected = await local.signedStep(`/v1/cases/${cases[0]}/objections`, { objector: { name: "邻居" }, text: "收入不实" }, DEV_KEYS.caseworker);
    expect(objected.status, JSON.stringify(objected.body)).toBe(201);
    expect((await notices().expect(200)).body.notices.map((n: { caseId: string }) => n.caseId)).toEqual(cases.slice(1));

    // With the ledger gone, the list last made is served.
    local.setChainDown(true);
    try {
      expect((await notices().expect(200)).body.notices).toHaveLength(2);
    } finally {
      local.setChainDown(false);
    }
    expect((await notices("?limit=0").expect(400)).body.error.field).toBe("limit");
    expect((await notices("?after=0x12").expect(400)).body.error.field).toBe("after");
  });
});
