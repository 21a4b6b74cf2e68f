import { Wallet } from "ethers";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../server/config.ts";
import { startGateway, type RunningGateway } from "../server/gateway.ts";
import { verifyRecord, type DisclosedRecord } from "../kit/index.ts";
import { DEV_KEYS, localGateway } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
/** An adult couple with a bank account, a mother with her son of eleven, and a man with a disability and an illness. */
let adults: string;
let withChild: string;
let withHealth: string;
const child = residentId(702, "20150601");
let restarted: RunningGateway | null = null;

beforeAll(async () => {
  local = await localGateway();
  adults = await local.takeIn(residentId(701), "dibao", {
    applicant: { name: "陈淑芬", residentId: residentId(701), phone: "13611112222", address: "广州市越秀区中山四路 12 号" },
    assets: [{ kind: "savings", value: 800_000 }],
    bankAccount: { bank: "中国农业银行", account: "6228480012345678901", holder: "陈淑芬" },
  });
  withChild = await local.takeIn(residentId(703), "dibao", { household: [{ name: "李小宝", relation: "子女", residentId: child }] });
  withHealth = await local.takeIn(residentId(704), "dibao", { health: [{ residentId: residentId(704), disability: { category: "physical", grade: 2 }, illness: "尿毒症" }] });
  await local.gateway.anchorer.anchorOnce();
}, 120_000);
afterAll(async () => {
  await restarted?.close();
  await local?.close();
});

async function ask(key: string, body: object, url = local.gateway.url) {
  const token = await local.signIn(key);
  return request(url).post("/v1/disclosures").set("authorization", token).send(body);
}

/** The access-log records of disclosures appended since `size`. */
async function disclosuresSince(size: number) {
  const found = [];
  for (let i = size; i < local.gateway.log.size; i++) {
    const record = await local.gateway.log.record(i);
    if (record.kind === "access-log" && record.public.group) found.push(record.public);
  }
  return found;
}

describe("disclosure for a purpose", () => {
  it("discloses the groups asked for, each field with its salt, which open the commitments the log anchored; every disclosure logged per case and group", async () => {
    const before = local.gateway.log.size;
    const { body, status, headers } = await ask(DEV_KEYS.caseworker, { purpose: "review", cases: [adults], groups: ["identity", "means"] });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(headers["cache-control"]).toBe("no-store");
    const [disclosed] = body.cases as { caseId: string; record: DisclosedRecord; leafIndex: number; leafHash: string; proof: string[] }[];
    expect(disclosed!.caseId).toBe(adults);
    // The groups asked for, no more: the household and the bank account stay commitments.
    expect(Object.keys(disclosed!.record.personal).sort()).toEqual(["applicant", "assets", "monthlyIncome"]);
    expect(disclosed!.record.personal.applicant).toMatchObject({ name: "陈淑芬", phone: "13611112222" });
    expect(Object.keys(disclosed!.record.commitments).sort()).toEqual(["applicant", "assets", "bankAccount", "household", "monthlyIncome"]);
    expect(disclosed!.record).not.toHaveProperty("salt");
    const evidence = { record: disclosed!.record, leafIndex: disclosed!.leafIndex, leafHash: disclosed!.leafHash, proof: disclosed!.proof, checkpoint: body.checkpoint };
    expect(verifyRecord(evidence).failures).toEqual([]);
    // A field changed after it left the gateway no longer opens its commitment.
    const changed = { ...disclosed!.record, personal: { ...disclosed!.record.personal, monthlyIncome: 1 } };
    expect(verifyRecord({ ...evidence, record: changed }).failures.map((f) => f.code)).toEqual(["DISCLOSURE_MISMATCH", "RECORD_HASH_MISMATCH", "PROOF_INVALID"]);

    const logged = await disclosuresSince(before);
    expect(logged).toEqual([
      expect.objectContaining({ reader: new Wallet(DEV_KEYS.caseworker).address, roles: ["CASEWORKER"], group: "identity", fields: ["applicant"], specialCategories: [], purpose: "review" }),
      expect.objectContaining({ group: "means", fields: ["monthlyIncome", "assets"], specialCategories: [], purpose: "review" }),
    ]);
  });

  it("lets each role disclose what its work needs: reviewers, approvers and auditors a person's identity, finance officers the bank account only", async () => {
    for (const key of [DEV_KEYS.reviewer, DEV_KEYS.approver2, DEV_KEYS.auditor]) {
      const { status, body } = await ask(key, { purpose: "audit", cases: [adults], groups: ["identity"] });
      expect(status, JSON.stringify(body)).toBe(200);
    }
    const paid = await ask(DEV_KEYS.finance, { purpose: "payment-check", cases: [adults], groups: ["bankAccount"] });
    expect(paid.status).toBe(200);
    expect(paid.body.cases[0].record.personal).toEqual({ bankAccount: { bank: "中国农业银行", account: "6228480012345678901", holder: "陈淑芬" } });
  });

  it("refuses, logging nothing, a group the officer's roles do not disclose, a case they hold no role over, and a malformed request", async () => {
    const before = local.gateway.log.size;
    const refusal = async (key: string, body: object) => {
      const { status, body: answer } = await ask(key, body);
      return [status, answer.error.code, answer.error.field];
    };
    expect(await refusal(DEV_KEYS.finance, { purpose: "payment-check", cases: [adults], groups: ["bankAccount", "identity"] })).toEqual([403, "DISCLOSURE_ROLE_MISSING", "groups.1"]);
    expect(await refusal(DEV_KEYS.reviewer, { purpose: "review", cases: [adults], groups: ["bankAccount"] })).toEqual([403, "DISCLOSURE_ROLE_MISSING", "groups.0"]);
    // The settlement agent works on no case's personal data; a case the gateway never took in is refused alike to the township's caseworker.
    expect(await refusal(DEV_KEYS.bank, { purpose: "payment-check", cases: [adults], groups: ["bankAccount"] })).toEqual([403, "FORBIDDEN_ROLE", "cases.0"]);
    const unknown = "0x" + "ab".repeat(32);
    expect(await refusal(DEV_KEYS.caseworker, { purpose: "review", cases: [adults, unknown], groups: ["identity"] })).toEqual([403, "FORBIDDEN_ROLE", "cases.1"]);
    expect(await refusal(DEV_KEYS.approver2, { purpose: "review", cases: [unknown], groups: ["identity"] })).toEqual([404, "CASE_NOT_FOUND", "cases.0"]);
    expect(await refusal(DEV_KEYS.caseworker, { purpose: "curiosity", cases: [adults], groups: ["identity"] })).toEqual([400, "REQUEST_INVALID", "purpose"]);
    expect(await refusal(DEV_KEYS.caseworker, { purpose: "review", cases: [adults, adults], groups: ["identity"] })).toEqual([400, "REQUEST_INVALID", "cases"]);
    expect(await refusal(DEV_KEYS.caseworker, { purpose: "review", cases: [adults], groups: ["photo"] })).toEqual([400, "REQUEST_INVALID", "groups.0"]);
    expect(await refusal(DEV_KEYS.caseworker, { purpose: "review", cases: [], groups: ["identity"] })).toEqual([400, "REQUEST_INVALID", "cases"]);
    expect(local.gateway.log.size).toBe(before);
  });

  it("discloses a child's data only to an officer who also holds SPECIAL_CATEGORY_READER, and says so in the access log", async () => {
    const before = local.gateway.log.size;
    const refused = await ask(DEV_KEYS.caseworker, { purpose: "review", cases: [adults, withChild], groups: ["means", "household"] });
    expect([refused.status, refused.body.error.code, refused.body.error.field]).toEqual([403, "DISCLOSURE_SPECIAL_CATEGORY", "groups.1"]);
    expect(refused.body.error.message).toMatch(/household of case 0x[0-9a-f]{64} holds personal data of a special category \(children\)/);
    expect((await ask(DEV_KEYS.approver2, { purpose: "approval", cases: [withChild], groups: ["household"] })).body.error.code).toBe("DISCLOSURE_SPECIAL_CATEGORY");
    expect(local.gateway.log.size).toBe(before);
    // The adults' household, and the means of the child's, need no special role.
    expect((await ask(DEV_KEYS.caseworker, { purpose: "review", cases: [adults], groups: ["household"] })).status).toBe(200);
    expect((await ask(DEV_KEYS.caseworker, { purpose: "review", cases: [withChild], groups: ["means"] })).status).toBe(200);

    const since = local.gateway.log.size;
    const allowed = await ask(DEV_KEYS.approver1, { purpose: "approval", cases: [withChild], groups: ["household"] });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    expect(allowed.body.cases[0].record.personal.household).toEqual([{ name: "李小宝", relation: "子女", residentId: child }]);
    expect(allowed.body.cases[0].groups).toEqual([{ group: "household", specialCategories: ["children"] }]);
    expect(await disclosuresSince(since)).toEqual([
      expect.objectContaining({ reader: new Wallet(DEV_KEYS.approver1).address, roles: ["APPROVER", "SPECIAL_CATEGORY_READER"], group: "household", specialCategories: ["children"], purpose: "approval" }),
    ]);
  });

  it("discloses a disabled person's and medical data (the health group) only with SPECIAL_CATEGORY_READER, while the same person's identity needs no special role", async () => {
    const before = local.gateway.log.size;
    const refused = await ask(DEV_KEYS.reviewer, { purpose: "review", cases: [withHealth], groups: ["identity", "health"] });
    expect([refused.status, refused.body.error.code, refused.body.error.field]).toEqual([403, "DISCLOSURE_SPECIAL_CATEGORY", "groups.1"]);
    expect(refused.body.error.message).toMatch(/health of case 0x[0-9a-f]{64} holds personal data of a special category \(disability, medical\)/);
    expect(refused.body.error.zh.message).toMatch(/健康状况含残疾人信息、医疗健康信息/);
    expect(local.gateway.log.size).toBe(before);
    expect((await ask(DEV_KEYS.reviewer, { purpose: "review", cases: [withHealth], groups: ["identity"] })).status).toBe(200);
    // A case without health entries has no health group to withhold: asking for it discloses nothing of a special category.
    expect((await ask(DEV_KEYS.reviewer, { purpose: "review", cases: [adults], groups: ["health"] })).body.cases[0].groups).toEqual([{ group: "health", specialCategories: [] }]);

    const since = local.gateway.log.size;
    const allowed = await ask(DEV_KEYS.approver1, { purpose: "approval", cases: [withHealth], groups: ["health"] });
    expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
    const disclosed = allowed.body.cases[0];
    expect(disclosed.record.personal).toEqual({ health: [{ residentId: residentId(704), disability: { category: "physical", grade: 2 }, illness: "尿毒症" }] });
    expect(verifyRecord({ record: disclosed.record, leafIndex: disclosed.leafIndex, leafHash: disclosed.leafHash, proof: disclosed.proof, checkpoint: allowed.body.checkpoint }).failures).toEqual([]);
    expect(await disclosuresSince(since)).toEqual([expect.objectContaining({ roles: ["APPROVER", "SPECIAL_CATEGORY_READER"], group: "health", fields: ["health"], specialCategories: ["disability", "medical"] })]);
    // The case view withholds it alike.
    const view = (await request(local.gateway.url).get(`/v1/cases/${withHealth}?purpose=review`).set("authorization", await local.signIn(DEV_KEYS.reviewer)).expect(200)).body.revisions.at(-1);
    expect(view.withheld).toEqual([{ field: "health", specialCategories: ["disability", "medical"] }]);
    expect(view.record.personal).not.toHaveProperty("health");
  });

  it("refuses at intake a health entry of someone outside the household, or a second of one person, taking nothing in", async () => {
    const before = local.gateway.log.size;
    const stranger = await local.takeInBody(residentId(705), "dibao", { health: [{ residentId: residentId(706), illness: "肺结核" }] });
    expect([stranger.status, stranger.body.error.code, stranger.body.error.field]).toEqual([400, "HEALTH_PERSON_UNKNOWN", "health.0.residentId"]);
    const twice = await local.takeInBody(residentId(705), "dibao", { health: [{ residentId: residentId(705), illness: "肺结核" }, { residentId: residentId(705), disability: { category: "visual", grade: 1 } }] });
    expect([twice.status, twice.body.error.code, twice.body.error.field]).toEqual([400, "HEALTH_PERSON_REPEATED", "health.1.residentId"]);
    const empty = await local.takeInBody(residentId(705), "dibao", { health: [{ residentId: residentId(705) }] });
    expect([empty.status, empty.body.error.code, empty.body.error.field]).toEqual([400, "REQUEST_INVALID", "health.0"]);
    expect(local.gateway.log.size).toBe(before);
  });

  it("withholds a child's data from a case view too, to a reader without SPECIAL_CATEGORY_READER, and says what was withheld", async () => {
    const view = async (key: string) => (await request(local.gateway.url).get(`/v1/cases/${withChild}?purpose=review`).set("authorization", await local.signIn(key)).expect(200)).body.revisions.at(-1);
    const withheld = await view(DEV_KEYS.caseworker);
    expect(Object.keys(withheld.record.personal).sort()).toEqual(["applicant", "monthlyIncome"]);
    expect(withheld.withheld).toEqual([{ field: "household", specialCategories: ["children"] }]);
    // What is shown still proves against the log: the household stays a commitment.
    expect(Object.keys(withheld.record.salts).sort()).toEqual(["applicant", "monthlyIncome"]);
    const since = local.gateway.log.size;
    const whole = await view(DEV_KEYS.approver1);
    expect(whole.record.personal.household).toEqual([{ name: "李小宝", relation: "子女", residentId: child }]);
    expect(whole).not.toHaveProperty("withheld");
    expect((await local.gateway.log.record(since)).public).toMatchObject({ roles: ["APPROVER", "SPECIAL_CATEGORY_READER"], purpose: "review" });
  });

  it("shows the citizen, with their receipt, every personal field of their own record, verifiable, and who has read their data, when and why", async () => {
    const { status, body } = await request(local.gateway.url).get("/v1/citizen/record").set("x-aidtrail-receipt", local.receipts.get(adults)!);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(Object.keys(body.record.personal).sort()).toEqual(["applicant", "assets", "bankAccount", "household", "monthlyIncome"]);
    expect(body.record.personal.applicant.name).toBe("陈淑芬");
    expect(verifyRecord({ record: body.record, leafIndex: body.leafIndex, leafHash: body.leafHash, proof: body.proof, checkpoint: body.checkpoint }).failures).toEqual([]);
    const readers = body.readings.map((r: { reader: string; group: string | null; purpose: string }) => [r.reader, r.group, r.purpose]);
    expect(readers).toEqual(
      expect.arrayContaining([
        [new Wallet(DEV_KEYS.caseworker).address, "identity", "review"],
        [new Wallet(DEV_KEYS.auditor).address, "identity", "audit"],
        [new Wallet(DEV_KEYS.finance).address, "bankAccount", "payment-check"],
      ]),
    );
    // Another household's readings are not theirs.
    expect(body.readings.map((r: { specialCategories: string[] }) => r.specialCategories).flat()).not.toContain("children");
    const refused = await request(local.gateway.url).get("/v1/citizen/record").set("x-aidtrail-receipt", "not a receipt");
    expect([refused.status, refused.body.error.code]).toEqual([401, "RECEIPT_INVALID"]);
  });

  it("never answers a disclosure unlogged: a log that cannot append answers nothing, and one that crashes after the append keeps the record of a disclosure nobody got", async () => {
    const log = local.gateway.log;
    const append = log.append.bind(log);
    const asked = { purpose: "review", cases: [adults], groups: ["identity"] };
    try {
      log.append = () => Promise.reject(new Error("the disk is full"));
      const failed = await ask(DEV_KEYS.caseworker, asked);
      expect(failed.status).toBe(500);
      expect(JSON.stringify(failed.body)).not.toContain("陈淑芬");

      // The write lands, then the gateway dies before it answers.
      const before = log.size;
      log.append = async (records) => {
        await append(records);
        throw new Error("the gateway stopped");
      };
      const crashed = await ask(DEV_KEYS.caseworker, asked);
      expect(crashed.status).toBe(500);
      expect(JSON.stringify(crashed.body)).not.toContain("陈淑芬");
      expect(log.size).toBe(before + 1);
    } finally {
      log.append = append;
    }
    // Restarted on its data folder, the gateway holds the record of that disclosure.
    const size = log.size;
    await local.stopGateway();
    restarted = await startGateway(loadConfig(local.env), pino({ enabled: false }), { relayIntervalMs: 60_000 });
    const record = await restarted.log.record(size - 1);
    expect(record.public).toMatchObject({ reader: new Wallet(DEV_KEYS.caseworker).address, group: "identity", purpose: "review" });
  });
});
