import type { AidRecord } from "../server/records/record.ts";
import { createHash } from "node:crypto";
import { hexlify, randomBytes, Signature, Wallet, ZeroHash, type BaseWallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStatus, Programme } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { applicationRecord, newApplicationEnvelope, type ApplicationInput } from "../server/records/kinds/application.ts";
import { identityCommitment, identityKey as identityKeyOf } from "../server/records/identity.ts";
import { checkCharacter } from "../kit/resident-id.ts";
import { receiptMatches } from "../server/cases/receipts.ts";
import type { CaseEntry } from "../server/cases/intake.ts";
import { pino } from "pino";
import { loadConfig } from "../server/config.ts";
import { startGateway } from "../server/gateway.ts";
import { applicationsGas } from "../server/sync/batching.ts";
import { pendingEntries, type OutboxEntry } from "../server/sync/outbox.ts";
import { APPLICATION_TYPES, decisionDomain, identitiesHash } from "../kit/decision.ts";
import { recordHash } from "../kit/record.ts";
import { identitiesOf, signedApplication } from "./helpers/application.ts";
import { COUNTY, DEV_KEYS, localGateway, spouseOf, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";
import { signInAt } from "./helpers/sign-in.ts";
import { undocumented } from "./helpers/openapi.ts";
import { aidtrail } from "./helpers/cli.ts";

type Local = Awaited<ReturnType<typeof localGateway>>;
let local: Local;
let caseworker: string;
let auditor: string;
const seededCaseworker = new Wallet(DEV_KEYS.caseworker);

beforeAll(async () => {
  local = await localGateway();
  caseworker = await local.signIn(DEV_KEYS.caseworker);
  auditor = await local.signIn(DEV_KEYS.auditor);
});
afterAll(async () => local?.close());

const digest = (s: string) => createHash("sha256").update(s).digest("hex");
/** An application's fields: the applicant and a spouse (see spouseOf), or the household given. */
const application = (residentId = "110101199003074477", household?: ApplicationInput["household"]): ApplicationInput => ({
  programme: "dibao",
  area: "urban",
  jurisdiction: TOWNSHIP,
  applicant: { name: "王小明", residentId, phone: "13812345678", address: "建国路1号" },
  household: household ?? [{ name: "李小红", relation: "配偶", residentId: spouseOf(residentId) }],
  monthlyIncome: 80_000,
  documents: [{ kind: "hukou", sha256: digest("户口本") }],
});
const chainTime = async (at: Local = local) => BigInt((await at.provider.getBlock("latest"))!.timestamp);
/** `fields` signed by `by` (the seeded caseworker) for `at`'s ledger, valid for an hour by its clock unless `deadline` says otherwise, over their own identities unless `identities` says otherwise. */
const signed = async (fields: ApplicationInput, options: { by?: BaseWallet; at?: Local; deadline?: bigint; officer?: string; identities?: string } = {}) => {
  const at = options.at ?? local;
  const deadline = options.deadline ?? (await chainTime(at)) + 3600n;
  return signedApplication(fields, options.by ?? seededCaseworker, at, deadline, { officer: options.officer, identities: options.identities });
};
/** The data of the eth_calls the gateway made since the last look (see callsMade), to `contract` alone if given. */
const ethCallsMade = (contract?: { target: unknown }) =>
  local.callsMade().flatMap(({ method, params }) => {
    const call = params[0] as { to: string; data: string };
    return method === "eth_call" && (!contract || call.to.toLowerCase() === String(contract.target).toLowerCase()) ? [call.data] : [];
  });
const post = (body: unknown, token = caseworker) => request(local.gateway.url).post("/v1/cases").set("authorization", token).send(body as object);
/** Signs `fields` as the seeded caseworker and sends them. */
const apply = async (fields: ApplicationInput, token = caseworker) => post(await signed(fields), token);
/** The gateway's log size, its cases and what it owes, to show that a refusal wrote nothing. */
const written = async (at: Local = local) => ({
  log: at.gateway.log.size,
  cases: (await at.gateway.state.list("case:")).map(([key]) => key),
  owed: (await pendingEntries(at.gateway.state)).map(([key]) => key),
});
/** An Application as the ledger takes it, for `identity` and `household`, signed by `by` (the seeded caseworker) at `jurisdiction` (the township). */
const ledgerApplication = async (identity: string, household: string[] = [], { by = seededCaseworker as BaseWallet, jurisdiction = TOWNSHIP } = {}) => {
  const fields = { caseId: hexlify(randomBytes(32)), programme: Programme.Dibao, area: 0, jurisdiction: BigInt(jurisdiction), recordHash: hexlify(randomBytes(32)), deadline: (await chainTime()) + 3600n };
  const authorisation = { ...fields, identities: identitiesHash(identity, household) };
  const signature = Signature.from(await by.signTypedData(decisionDomain(local.deployment.chainId, local.deployment.contracts.caseRegistry), APPLICATION_TYPES, authorisation));
  return { ...fields, identityCommitment: identity, household, caseworker: by.address, r: signature.r, vs: signature.yParityAndS };
};
/** An application opened on the ledger by another gateway of the deployment, for `identity`, signed by the seeded caseworker. */
const openElsewhere = async (identity: string) => {
  const elsewhere = local.contracts.cases.connect(new Wallet(DEV_KEYS.caseworker, local.provider));
  await (await elsewhere.submitApplications([await ledgerApplication(identity)])).wait();
};
const identityKey = () => identityKeyOf(Buffer.from(local.env.AIDTRAIL_IDENTITY_KEY, "base64"), local.deployment.suite);

describe("case intake", () => {
  let taken: { caseId: string; recordId: string; recordHash: string; leafIndex: number; receipt: { code: string; qr: string } };

  it("takes in an application its caseworker signed: logs the record it was signed over, puts the case on the ledger, holds every member of the household, and hands the citizen a receipt", async () => {
    const fields = application();
    const body = await signed(fields);
    const response = await post(body).expect(201);
    taken = response.body;
    expect(await undocumented(local.gateway.url, "/v1/cases", "post", 201, taken)).toEqual([]);
    expect(response.body.ledger).toMatchObject({ state: "done", transactionHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(taken.caseId).toBe(body.envelope.caseId);
    expect(taken.recordId).toBe(body.envelope.recordId);
    // The record logged is the one the caseworker built and signed, with them as its intake officer.
    const built = applicationRecord(fields, body.envelope, seededCaseworker.address, local.deployment.suite);
    expect(taken.recordHash).toBe(hexlify(recordHash(built)));
    expect((await local.gateway.log.lookup(taken.recordId, { decrypt: true })).revisions[0]!.record).toEqual(built);
    expect(built.public).toMatchObject({ householdSize: 2, intakeOfficer: seededCaseworker.address });
    expect(taken.receipt.qr).toBe(`aidtrail:case:${taken.caseId}:${taken.receipt.code}`);
    const [terms] = await local.contracts.cases.getCase(taken.caseId);
    expect(Number(terms.status)).toBe(CaseStatus.Submitted);
    expect((await local.contracts.cases.revisions(taken.caseId))[0]).toBe(taken.recordHash);
    const [submitted] = await local.contracts.cases.queryFilter(local.contracts.cases.filters.CaseSubmitted(taken.caseId));
    expect(submitted!.args.identityCommitment).toBe(identityCommitment(identityKey(), fields.applicant.residentId));
    expect(await local.contracts.cases.openCaseOf(submitted!.args.identityCommitment, Programme.Dibao)).toBe(taken.caseId);
    expect(await local.contracts.cases.openCaseOf(identityCommitment(identityKey(), fields.household[0]!.residentId), Programme.Dibao)).toBe(taken.caseId);
    const stored = await local.gateway.state.get<CaseEntry>(`case:${taken.caseId}`);
    expect(receiptMatches(identityKey(), taken.caseId, taken.receipt.code, stored!.receiptCodeHash)).toBe(true);
    expect(receiptMatches(identityKey(), taken.caseId, "0".repeat(12), stored!.receiptCodeHash)).toBe(false);
    expect(JSON.stringify(stored)).not.toContain(taken.receipt.code);
  });

  it("takes a household's assets and the account payments go to as personal data: sealed in the log, opened for a stated purpose", async () => {
    const fields: ApplicationInput = { ...application(residentId(12, "19770707")), assets: [{ kind: "savings", value: 1_200_050 }, { kind: "vehicle", value: 3_000_000 }], bankAccount: { bank: "中国工商银行广州海珠支行", account: "6222020200112233445", holder: "王小明" } };
    const body = await signed(fields);
    const response = await post(body).expect(201);
    const opened = (await local.gateway.log.lookup(response.body.recordId, { decrypt: true })).revisions[0]!.record as AidRecord;
    expect(opened.personal).toMatchObject({ assets: fields.assets, bankAccount: fields.bankAccount });
    expect(opened).toEqual(applicationRecord(fields, body.envelope, seededCaseworker.address, local.deployment.suite));
    // Sealed: the account number is nowhere in the record as the log stores it.
    const sealed = JSON.stringify(await local.gateway.log.stored(response.body.leafIndex));
    expect(sealed).not.toContain("6222020200112233445");
    expect(sealed).not.toContain("中国工商银行");
    expect(Object.keys(opened.public)).not.toContain("assets");
  });

  it("keeps a document's content sealed, only one the application lists and only bytes of its digest, and opens it for a stated purpose to roles that read personal data, logging the read", async () => {
    const content = Buffer.from("户口本 第一页：王小明 户主");
    const fields: ApplicationInput = { ...application(residentId(13, "19780808")), documents: [{ kind: "hukou", sha256: createHash("sha256").update(content).digest("hex") }] };
    const { body: taken } = await post(await signed(fields)).expect(201);
    const sha = fields.documents[0]!.sha256;
    const put = (body: Buffer, digest = sha, token = caseworker, type = "application/octet-stream") => request(local.gateway.url).put(`/v1/cases/${taken.caseId}/documents/${digest}`).set("authorization", token).set("content-type", type).send(body);
    const kept = await put(content).expect(201);
    expect(await undocumented(local.gateway.url, `/v1/cases/{caseId}/documents/{sha256}`, "put", 201, kept.body)).toEqual([]);
    expect(kept.body).toEqual({ sha256: sha, bytes: content.length, kept: "new" });
    expect((await put(content).expect(200)).body.kept).toBe("already");
    // Sealed: the content is nowhere in the gateway's state in clear.
    const stored = JSON.stringify(await local.gateway.state.list(`document:${taken.caseId}:`));
    expect(stored).not.toContain(content.toString("base64"));
    expect(stored).not.toContain("王小明");
    const other = Buffer.from("另一份文件");
    const otherSha = createHash("sha256").update(other).digest("hex");
    const refusals: [Awaited<ReturnType<typeof put>>, number, string][] = [
      [await put(other), 400, "DOCUMENT_DIGEST_MISMATCH"],
      [await put(other, otherSha), 422, "DOCUMENT_NOT_LISTED"],
      [await put(content, "ABC"), 400, "REQUEST_INVALID"],
      [await put(content, sha, caseworker, "application/pdf"), 415, "REQUEST_ENCODING"],
      [await put(content, sha, await local.signIn(DEV_KEYS.reviewer)), 403, "FORBIDDEN_ROLE"],
    ];
    for (const [refused, status, code] of refusals) expect([refused.status, refused.body.error?.code], code).toEqual([status, code]);
    expect(await local.gateway.state.list(`document:${taken.caseId}:${otherSha}`)).toEqual([]);

    const get = (purpose: string, token: string, digest = sha) => request(local.gateway.url).get(`/v1/cases/${taken.caseId}/documents/${digest}?purpose=${purpose}`).set("authorization", token).buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => done(null, Buffer.concat(chunks)));
    });
    const size = local.gateway.log.size;
    const read = await get("review", await local.signIn(DEV_KEYS.reviewer));
    expect([read.status, read.headers["content-type"], Buffer.compare(read.body as Buffer, content)]).toEqual([200, "application/octet-stream", 0]);
    expect(local.gateway.log.size).toBe(size + 1);
    expect(await local.gateway.log.record(size)).toMatchObject({ kind: "access-log", caseId: taken.caseId, public: { purpose: `review: document ${sha}` } });
    expect(JSON.parse((await get("", await local.signIn(DEV_KEYS.reviewer))).body.toString()).error.code).toBe("READ_PURPOSE_UNKNOWN");
    expect(JSON.parse((await get("review", await local.signIn(DEV_KEYS.auditor))).body.toString()).error.code).toBe("FORBIDDEN_ROLE");
    expect(JSON.parse((await get("review", await local.signIn(DEV_KEYS.reviewer), otherSha)).body.toString()).error.code).toBe("DOCUMENT_NOT_FOUND");
    expect(local.gateway.log.size).toBe(size + 1);
  });

  it("refuses a second open case of the same person, writing nothing", async () => {
    const before = await written();
    const refused = await apply(application("110101199003074477"));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe("LEDGER_CASE_IDENTITY_ALREADY_OPEN");
    expect(await written()).toEqual(before);
  });

  it("answers a retried request with the first answer, not a second case", async () => {
    const key = `retry-${Date.now()}`;
    const body = await signed(application("110105194912310020".slice(0, 17) + "X"));
    const first = await post(body).set("idempotency-key", key);
    const size = local.gateway.log.size;
    const again = await post(body).set("idempotency-key", key);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(local.gateway.log.size).toBe(size);
  });

  it("drafts an application for a client that does not build records, writing nothing, and takes it in once signed", async () => {
    const fields = application(residentId(1, "19820202"));
    const before = await written();
    const { body: draft } = await request(local.gateway.url).post("/v1/cases/draft").set("authorization", caseworker).send(fields).expect(200);
    expect(await written()).toEqual(before);
    expect(draft.record).toEqual(applicationRecord(fields, draft.envelope, seededCaseworker.address, local.deployment.suite));
    expect(draft.recordHash).toBe(hexlify(recordHash(draft.record)));
    // The commitments only the gateway can compute, the applicant's then each member's, and their hash.
    expect(draft.commitments).toEqual({ applicant: identityCommitment(identityKey(), fields.applicant.residentId), household: [identityCommitment(identityKey(), fields.household[0]!.residentId)] });
    expect(draft.identities).toBe(identitiesHash(draft.commitments.applicant, draft.commitments.household));
    expect(draft.primaryType).toBe("ApplicationAuthorisation");
    expect(draft.message).toEqual({ caseId: draft.envelope.caseId, programme: 0, area: 0, jurisdiction: TOWNSHIP, recordHash: draft.recordHash, identities: draft.identities, deadline: draft.deadline });
    // A day from the ledger's clock, unless the request names a deadline.
    expect(Number(draft.deadline) - Number(await chainTime())).toBeGreaterThan(24 * 3600 - 60);
    const signature = await seededCaseworker.signTypedData(draft.domain, draft.types, draft.message);
    const response = await post({ ...fields, envelope: draft.envelope, deadline: draft.deadline, signature }).expect(201);
    expect(response.body).toMatchObject({ caseId: draft.envelope.caseId, recordHash: draft.recordHash, ledger: { state: "done" } });
    expect(local.gateway.log.size).toBe(before.log + 1);
    const drafted = await written();
    const chosen = await request(local.gateway.url).post("/v1/cases/draft").set("authorization", caseworker).send({ ...fields, deadline: "1999999999" }).expect(200);
    expect(chosen.body.message.deadline).toBe("1999999999");
    // As intake would: a caller without the role, and a household that cannot be, are refused.
    expect((await request(local.gateway.url).post("/v1/cases/draft").set("authorization", auditor).send(fields).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    const repeated = { ...fields, household: [fields.household[0]!, fields.household[0]!] };
    expect((await request(local.gateway.url).post("/v1/cases/draft").set("authorization", caseworker).send(repeated).expect(400)).body.error).toMatchObject({ code: "HOUSEHOLD_MEMBER_REPEATED", field: "household.1.residentId" });
    expect(await written()).toEqual(drafted);
  });

  it("takes in an application a client built in its own envelope, signed over the commitments a draft answered", async () => {
    const members = [
      { name: "李小红", relation: "配偶", residentId: residentId(14, "19820202") },
      { name: "王小小", relation: "子女", residentId: residentId(15, "20150505") },
    ];
    const fields = application(residentId(13, "19820202"), members);
    const { body: draft } = await request(local.gateway.url).post("/v1/cases/draft").set("authorization", caseworker).send(fields).expect(200);
    // The client's own envelope and record, the gateway's commitments (whose order is the request's).
    const envelope = newApplicationEnvelope();
    const reordered = (await request(local.gateway.url).post("/v1/cases/draft").set("authorization", caseworker).send({ ...fields, household: members.toReversed() }).expect(200)).body;
    expect(reordered.commitments.household).toEqual(draft.commitments.household.toReversed());
    expect(reordered.identities).not.toBe(draft.identities);
    const body = await signedApplication(fields, seededCaseworker, local, (await chainTime()) + 3600n, { envelope, identities: draft.identities });
    const taken = await post(body).expect(201);
    expect(taken.body).toMatchObject({ caseId: envelope.caseId, recordHash: hexlify(recordHash(applicationRecord(fields, envelope, seededCaseworker.address, local.deployment.suite))), ledger: { state: "done" } });
    for (const commitment of [draft.commitments.applicant, ...draft.commitments.household]) expect(await local.contracts.cases.openCaseOf(commitment, Programme.Dibao)).toBe(envelope.caseId);
  });

  it("refuses a signature over other identities than those of the household sent (reordered, changed, dropped, swapped with the applicant, or committed under another key), writing nothing", async () => {
    const [first, second, other] = [residentId(17, "19820202"), residentId(18, "20120303"), residentId(19, "20140404")].map((id, i) => ({ name: `成员${i}`, relation: "子女", residentId: id }));
    const fields = application(residentId(16, "19820202"), [first!, second!]);
    const sent = identitiesOf(local, fields.applicant, fields.household);
    const anotherKey = { deployment: local.deployment, env: { AIDTRAIL_IDENTITY_KEY: Buffer.from(randomBytes(32)).toString("base64") } };
    const before = await written();
    for (const identities of [
      identitiesOf(local, fields.applicant, [second!, first!]),
      identitiesOf(local, fields.applicant, [first!, other!]),
      identitiesOf(local, fields.applicant, [first!]),
      identitiesOf(local, first!, [fields.applicant, second!]),
      identitiesOf(anotherKey, fields.applicant, fields.household),
    ]) {
      // The record is the one sent, so the signature differs from a good one in its identities
      // alone; the identities the body claims are not taken.
      const refused = await post({ ...(await signed(fields, { identities })), identities }).expect(422);
      expect(refused.body.error).toMatchObject({ code: "LEDGER_APPLICATION_SIGNATURE_INVALID", field: "signature", message: expect.stringContaining(`in the order sent (${sent})`) });
    }
    // A household sent in another order than the one signed: its record and its identities both differ.
    const body = await signed(fields);
    expect((await post({ ...body, household: [second!, first!] }).expect(422)).body.error.code).toBe("LEDGER_APPLICATION_SIGNATURE_INVALID");
    expect(await written()).toEqual(before);
    expect((await post(body).expect(201)).body.ledger.state).toBe("done");
  });

  it("refuses a signature by another caseworker than the one signed in, writing nothing", async () => {
    const other = Wallet.createRandom();
    await (await local.contracts.access.grantScopedRole(roleId("CASEWORKER"), other.address, BigInt(TOWNSHIP))).wait();
    const fields = application(residentId(2, "19820202"));
    const before = await written();
    // Over the very record the gateway rebuilds (the signed-in officer its intake officer), by another caseworker's key.
    const refused = await post(await signed(fields, { by: other, officer: seededCaseworker.address })).expect(422);
    expect(refused.body.error).toMatchObject({ code: "LEDGER_APPLICATION_SIGNATURE_INVALID", field: "signature", message: expect.stringContaining("the signature does not match the application as sent") });
    expect(refused.body.error.message).toContain(seededCaseworker.address);
    expect(refused.body.error.hint).toMatch(/POST \/v1\/cases\/draft/);
    // Their own application, sent while signed in as someone else.
    expect((await post(await signed(fields, { by: other })).expect(422)).body.error.code).toBe("LEDGER_APPLICATION_SIGNATURE_INVALID");
    expect(await written()).toEqual(before);
    // Signed in as themself, their signature is theirs.
    const token = await local.signIn(other.privateKey);
    expect((await post(await signed(fields, { by: other }), token).expect(201)).body.ledger.state).toBe("done");
  });

  it("refuses a signature over other fields than those sent, writing nothing", async () => {
    const fields = application(residentId(3, "19820202"));
    const body = await signed(fields);
    const before = await written();
    for (const changed of [
      { ...body, monthlyIncome: 1 },
      { ...body, area: "rural" },
      { ...body, household: [] },
      { ...body, documents: [] },
      { ...body, applicant: { ...body.applicant, name: "王大明" } },
      { ...body, envelope: { ...body.envelope, salt: "00".repeat(16) } },
      { ...body, envelope: { ...body.envelope, recordId: "r" + "0".repeat(32) } },
      { ...body, deadline: String(BigInt(body.deadline) + 1n) },
    ]) {
      const refused = await post(changed).expect(422);
      expect(refused.body.error).toMatchObject({ code: "LEDGER_APPLICATION_SIGNATURE_INVALID", field: "signature" });
    }
    expect(await written()).toEqual(before);
    await post(body).expect(201);
  });

  it("refuses an application whose deadline has passed by the ledger's clock, or whose record was made over a day ago, writing nothing", async () => {
    const fields = application(residentId(4, "19820202"));
    const before = await written();
    const expired = await post(await signed(fields, { deadline: (await chainTime()) - 1n })).expect(422);
    expect(expired.body.error).toMatchObject({ code: "LEDGER_APPLICATION_EXPIRED", field: "deadline" });
    const old = { ...newApplicationEnvelope(), createdAt: new Date(Date.now() - 25 * 3600 * 1000).toISOString() };
    const stale = await signedApplication(fields, seededCaseworker, local, (await chainTime()) + 3600n, { envelope: old });
    expect((await post(stale).expect(400)).body.error).toMatchObject({ code: "APPLICATION_ENVELOPE_EXPIRED", field: "envelope.createdAt" });
    expect(await written()).toEqual(before);
  });

  it("takes a signed application once: sent again, at once or later, it is refused, writing nothing", async () => {
    const body = await signed(application(residentId(5, "19820202")));
    const before = await written();
    const [first, second] = await Promise.all([post(body), post(body)]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    expect([first, second].find((a) => a.status === 409)!.body.error).toMatchObject({ code: "LEDGER_CASE_ALREADY_EXISTS", field: "envelope.caseId" });
    const after = await written();
    expect(after.log).toBe(before.log + 1);
    const again = await post(body).expect(409);
    expect(again.body.error).toMatchObject({ code: "LEDGER_CASE_ALREADY_EXISTS", message: expect.stringContaining(body.envelope.caseId) });
    // Another household's application with the same case id, the same case on the ledger.
    const reused = await signedApplication(application(residentId(6, "19820202")), seededCaseworker, local, (await chainTime()) + 3600n, {
      envelope: { ...newApplicationEnvelope(), caseId: body.envelope.caseId },
    });
    expect((await post(reused).expect(409)).body.error.code).toBe("LEDGER_CASE_ALREADY_EXISTS");
    expect(await written()).toEqual(after);
  });

  it("refuses a household with a member who has an open case in the programme, as applicant or as member, naming the member, writing nothing", async () => {
    const first = application(residentId(7, "19820202"));
    expect((await apply(first)).body.ledger.state).toBe("done");
    const before = await written();
    const newcomer = (n: number) => ({ name: "新成员", relation: "子女", residentId: residentId(n, "20100101") });
    for (const [member, commitment] of [
      [first.applicant.residentId, identityCommitment(identityKey(), first.applicant.residentId)],
      [first.household[0]!.residentId, identityCommitment(identityKey(), first.household[0]!.residentId)],
    ] as const) {
      const refused = await apply(application(residentId(8, "19820202"), [newcomer(1), { name: "旧成员", relation: "父母", residentId: member }]));
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN", field: "household.1.residentId", message: expect.stringContaining(commitment) });
    }
    expect(await written()).toEqual(before);
    // In another programme the member may apply.
    expect((await apply({ ...application(residentId(8, "19820202"), [{ name: "旧成员", relation: "父母", residentId: first.applicant.residentId }]), programme: "temporary" })).status).toBe(201);
  });

  it("refuses bad input with its code and field, writing nothing", async () => {
    const before = await written();
    const fields = application(residentId(9, "19820202"));
    const member = fields.household[0]!;
    const refusals: [unknown, number, string, string][] = [
      [await signed(application("110101199003074478"), { identities: ZeroHash }), 400, "IDENTITY_INVALID", "applicant.residentId"],
      [await signed({ ...fields, household: [{ ...member, residentId: "110101199002304477" }] }, { identities: ZeroHash }), 400, "IDENTITY_INVALID", "household.0.residentId"],
      [await signed({ ...fields, household: [member, { name: "无证", relation: "子女", residentId: "123" }] }, { identities: ZeroHash }), 400, "IDENTITY_INVALID", "household.1.residentId"],
      [{ ...(await signed(fields)), household: [{ name: member.name, relation: member.relation }] }, 400, "REQUEST_INVALID", "household.0.residentId"],
      // The same person twice, spelt two ways; the applicant listed again.
      [await signed({ ...fields, household: [member, { ...member, residentId: member.residentId.slice(0, 6) + " " + member.residentId.slice(6) }] }), 400, "HOUSEHOLD_MEMBER_REPEATED", "household.1.residentId"],
      [await signed({ ...fields, household: [{ ...member, residentId: fields.applicant.residentId }] }), 400, "HOUSEHOLD_MEMBER_REPEATED", "household.0.residentId"],
      [{ ...(await signed(fields)), programme: "lottery" }, 400, "REQUEST_INVALID", "programme"],
      [{ ...(await signed(fields)), documents: [{ kind: "x", sha256: "abc" }] }, 400, "REQUEST_INVALID", "documents.0.sha256"],
      [{ ...(await signed(fields)), assets: [{ kind: "gold", value: 100 }] }, 400, "REQUEST_INVALID", "assets.0.kind"],
      [{ ...(await signed(fields)), assets: [{ kind: "savings", value: -1 }] }, 400, "REQUEST_INVALID", "assets.0.value"],
      [{ ...(await signed(fields)), bankAccount: { bank: "工商银行", account: "6222-0202", holder: "王小明" } }, 400, "REQUEST_INVALID", "bankAccount.account"],
      [{ ...(await signed(fields)), bankAccount: { bank: "工商银行", account: "62220202001122" } }, 400, "REQUEST_INVALID", "bankAccount.holder"],
      [{ ...(await signed(fields)), signature: "0x1234" }, 400, "REQUEST_INVALID", "signature"],
      [{ ...(await signed(fields)), signature: (await signed(fields)).signature.slice(0, -2) + "05" }, 400, "APPLICATION_SIGNATURE_MALFORMED", "signature"],
      [{ ...(await signed(fields)), deadline: (2n ** 64n).toString() }, 400, "REQUEST_INVALID", "deadline"],
      [{ ...(await signed(fields)), envelope: { ...newApplicationEnvelope(), caseId: "0x" + "00".repeat(32) } }, 400, "REQUEST_INVALID", "envelope.caseId"],
      [{ ...(await signed(fields)), envelope: { ...newApplicationEnvelope(), salt: "ab" } }, 400, "REQUEST_INVALID", "envelope.salt"],
      [{ ...fields }, 400, "REQUEST_INVALID", "envelope"],
    ];
    for (const [body, status, code, field] of refusals) {
      const refused = await post(body);
      expect({ status: refused.status, ...refused.body.error }, `${code} at ${field}`).toMatchObject({ status, code, field });
    }
    expect(await written()).toEqual(before);
  });

  it("checks concurrent intakes together, refusing only the one the ledger would refuse", async () => {
    const id = (body: string) => body + checkCharacter(body);
    const before = await written();
    const bodies = await Promise.all(
      [id("11010119850505101"), id("11010119850505102"), "110101199003074477", id("11010119850505103"), id("11010119850505104"), id("11010119850505105")].map((person) => signed(application(person))),
    );
    ethCallsMade();
    // The third is the applicant of the first test, whose case is open; the fifth is sent by an auditor.
    const answers = await Promise.all(bodies.map((body, i) => post(body, i === 4 ? auditor : caseworker)));
    const calls = ethCallsMade();
    expect(answers.map((a) => a.status)).toEqual([201, 201, 409, 201, 403, 201]);
    expect(answers[2]!.body.error.code).toBe("LEDGER_CASE_IDENTITY_ALREADY_OPEN");
    expect(answers[4]!.body.error.code).toBe("FORBIDDEN_ROLE");
    expect(local.gateway.log.size).toBe(before.log + 4);
    // Six requests' role checks (two officers) in fewer calls than six, and dry runs run
    // together: a batch the ledger refused (it held the open case) was run again one by one.
    const of = (name: string, contract: { interface: { getFunction(name: string): { selector: string } | null } }) => calls.filter((data) => data.startsWith(contract.interface.getFunction(name)!.selector));
    expect(of("hasScopedRole", local.contracts.access).length + of("multicall", local.contracts.access).length).toBeLessThan(6);
    const dryRuns = of("checkApplications", local.contracts.cases).map((data) => Number(BigInt("0x" + data.slice(10 + 64, 10 + 128))));
    expect(Math.max(...dryRuns)).toBeGreaterThan(1);
  });

  it("asks the ledger the roles of officers whose requests arrive together in one call, each question once", async () => {
    const { chain } = local.gateway;
    const { access } = local.contracts;
    const officer = (key: string) => new Wallet(key).address;
    const caseworkerRole = roleId("CASEWORKER");
    ethCallsMade();
    const answers = await Promise.all([
      chain.roles.hasScopedRole(caseworkerRole, officer(DEV_KEYS.caseworker), BigInt(TOWNSHIP)),
      chain.roles.hasScopedRole(caseworkerRole, officer(DEV_KEYS.auditor), BigInt(TOWNSHIP)),
      chain.roles.hasScopedRole(roleId("AUDITOR"), officer(DEV_KEYS.auditor), BigInt(TOWNSHIP)),
      chain.roles.hasScopedRole(caseworkerRole, officer(DEV_KEYS.caseworker), BigInt(TOWNSHIP)),
    ]);
    expect(answers).toEqual([true, false, true, true]);
    const together = ethCallsMade(access);
    expect(together).toHaveLength(1);
    expect(access.interface.decodeFunctionData("multicall", together[0]!)[0]).toHaveLength(3);
    // One officer's question alone is asked as it is.
    expect(await chain.roles.hasScopedRole(caseworkerRole, officer(DEV_KEYS.caseworker), BigInt(COUNTY))).toBe(false);
    const alone = ethCallsMade(access);
    expect(alone).toHaveLength(1);
    expect(alone[0]!.startsWith(access.interface.getFunction("hasScopedRole").selector)).toBe(true);
  });

  it("refuses the second of two applications naming one person made at once, as applicant or as member, though neither is on the ledger yet", async () => {
    const person = "11010119700101100" + checkCharacter("11010119700101100");
    const before = await written();
    const answers = await Promise.all([apply(application(person)), apply(application(person))]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN" });
    expect(refused.body.error.message).toContain(answers.find((a) => a.status === 201)!.body.caseId);
    expect(local.gateway.log.size).toBe(before.log + 1);
    // One listed as a household member in one and as the applicant in the other, both owed while the chain is down.
    const [applicant, member] = [residentId(10, "19820202"), residentId(11, "19820202")];
    local.setChainDown(true);
    try {
      const owed = await apply(application(applicant, [{ name: "成员", relation: "子女", residentId: member }]));
      expect(owed.status).toBe(201);
      const second = await apply(application(member));
      expect(second.status).toBe(409);
      expect(second.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN", message: expect.stringContaining(`on its way to the ledger: case ${owed.body.caseId}`) });
      const third = await apply(application(residentId(12, "19820202"), [{ name: "成员", relation: "配偶", residentId: member }]));
      expect(third.status).toBe(409);
      expect(third.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN", field: "household.0.residentId", message: expect.stringContaining("household member 1 already has an application") });
    } finally {
      local.setChainDown(false);
    }
    await local.gateway.relayer.runOnce();
    // A request refused its role holds no one: the caseworker's, made with it, goes through.
    const next = application("11010119700101101" + checkCharacter("11010119700101101"));
    const [byAuditor, byCaseworker] = await Promise.all([signed(next), signed(next)]);
    expect((await Promise.all([post(byAuditor, auditor), post(byCaseworker)])).map((a) => a.status)).toEqual([403, 201]);
  });

  it("lets only a caseworker over the township take a case in", async () => {
    const forbidden = (response: request.Response) => ({ status: response.status, code: response.body.error?.code });
    expect(forbidden(await apply(application("110101199507070015"), auditor))).toEqual({ status: 403, code: "FORBIDDEN_ROLE" });
    // The role is the answer even when the ledger would also refuse (this applicant's case is
    // open): a caller without the role learns nothing about who has a case.
    expect(forbidden(await apply(application("110101199003074477"), auditor))).toEqual({ status: 403, code: "FORBIDDEN_ROLE" });
    expect(forbidden(await apply({ ...application("110101199507070015"), jurisdiction: "440105002000" }))).toEqual({ status: 403, code: "FORBIDDEN_ROLE" });
    await request(local.gateway.url).post("/v1/cases").send(await signed(application())).expect(401);
  });

  it("takes cases in while the chain is down, and puts them on the ledger when it returns", async () => {
    const fields = application("110101200001011232");
    local.setChainDown(true);
    try {
      expect((await request(local.gateway.url).get("/readyz").expect(503)).body.checks.chain).toMatch(/^unreachable/);
      const pending = await apply(fields);
      expect(pending.status).toBe(201);
      expect(pending.body.ledger.state).toBe("pending");
      expect((await local.gateway.log.lookup(pending.body.recordId, { decrypt: false })).revisions).toHaveLength(1);
      // A dry run cannot tell, but the gateway knows whom its applications owed are for.
      const twice = await apply(fields);
      expect(twice.status).toBe(409);
      expect(twice.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN", message: expect.stringContaining(`on its way to the ledger: case ${pending.body.caseId}`) });
      // A role never confirmed before the outage cannot be taken on trust.
      const unknown = await request(local.gateway.url).get(`/v1/cases/${pending.body.caseId}`).set("authorization", auditor).expect(503);
      expect(unknown.body.error.code).toBe("LEDGER_UNAVAILABLE");
      local.setChainDown(false);
      await local.gateway.relayer.runOnce();
      const [terms] = await local.contracts.cases.getCase(pending.body.caseId);
      expect(Number(terms.status)).toBe(CaseStatus.Submitted);
      const view = (await request(local.gateway.url).get(`/v1/cases/${pending.body.caseId}`).set("authorization", caseworker).expect(200)).body;
      expect(view.submission).toMatchObject({ state: "done", transactionHash: expect.stringMatching(/^0x/) });
      // On the ledger, the case is the ledger's to guard.
      const onLedger = await apply(fields);
      expect(onLedger.status).toBe(409);
      expect([onLedger.body.error.code, onLedger.body.error.message, onLedger.body.error.zh.message]).toEqual(["LEDGER_CASE_IDENTITY_ALREADY_OPEN", expect.stringMatching(/^the ledger refused: this person is in another open Dibao case/), expect.stringMatching(/^账本拒绝：此人已在另一件未结的低保案件中/)]);
    } finally {
      local.setChainDown(false);
    }
  });

  it("relays applications owed together in one transaction, and a batch the ledger refuses case by case", async () => {
    const id = (body: string) => body + checkCharacter(body);
    const submissions = (taken: { caseId: string }[]) =>
      Promise.all(taken.map(async ({ caseId }) => (await request(local.gateway.url).get(`/v1/cases/${caseId}`).set("authorization", caseworker).expect(200)).body.submission));
    const takeWhileChainIsDown = async (ids: string[]) => {
      const bodies = [];
      for (const person of ids) bodies.push(await signed(application(id(person))));
      local.setChainDown(true);
      try {
        const taken: { caseId: string }[] = [];
        for (const body of bodies) taken.push((await post(body).expect(201)).body);
        return taken;
      } finally {
        local.setChainDown(false);
      }
    };

    const together = await takeWhileChainIsDown(["11010119800101123", "11010119800101124", "11010119800101125"]);
    await local.gateway.relayer.runOnce();
    const relayed = await submissions(together);
    expect(relayed.map((s) => s.state)).toEqual(["done", "done", "done"]);
    expect(new Set(relayed.map((s) => s.transactionHash)).size).toBe(1);
    for (const { caseId } of together) expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Submitted);

    const ids = ["11010119800101126", "11010119800101127", "11010119800101128"];
    const refusedOne = await takeWhileChainIsDown(ids);
    // Meanwhile another gateway of the deployment opens a case for the second applicant.
    await openElsewhere(identityCommitment(identityKey(), id(ids[1]!)));
    await local.gateway.relayer.runOnce();
    const [first, second, third] = await submissions(refusedOne);
    expect(second).toMatchObject({ state: "failed", error: { code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN" } });
    expect([first.state, third.state]).toEqual(["done", "done"]);
    expect(first.transactionHash).not.toBe(third.transactionHash);
    // The refused application holds its applicant no longer: a new one goes to the ledger, which refuses it for the case opened elsewhere.
    const again = await apply(application(id(ids[1]!)));
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/^the ledger refused: this person is in another open Dibao case/);
  });

  it("takes out of the queue an owed step no retry can send, failed with its reason, while the 50 owed with it reach the ledger", async () => {
    const bodies = [];
    for (let n = 0; n < 51; n++) bodies.push(await signed(application(residentId(n, "19910404"))));
    // The caseworker's role, read from the ledger while it answers, is remembered through the outage.
    expect((await apply(application(residentId(60, "19910404")))).status).toBe(201);
    const failures = async () => Number(/^aidtrail_relay_failures (\d+)$/m.exec((await request(local.gateway.url).get("/metrics").set("authorization", `Bearer ${local.env.AIDTRAIL_METRICS_TOKEN}`).expect(200)).text)![1]);
    const failedBefore = await failures();
    local.setChainDown(true);
    let taken: { caseId: string }[];
    try {
      taken = await Promise.all(bodies.map(async (body) => (await post(body).expect(201)).body));
    } finally {
      local.setChainDown(false);
    }
    // One owed application spoilt where it is kept: a deadline no uint64 holds, which the chain's ABI cannot encode.
    const poisoned = taken[17]!.caseId;
    const { outbox } = (await local.gateway.state.get<{ outbox: string }>(`case:${poisoned}`))!;
    const entry = (await local.gateway.state.get<OutboxEntry>(outbox))!;
    await local.gateway.state.put({ [outbox]: { ...entry, args: entry.args.map((arg, i) => (i === 8 ? (2n ** 70n).toString() : arg)) } });

    await local.gateway.relayer.runOnce();
    const submissions = await Promise.all(taken.map(async ({ caseId }) => (await request(local.gateway.url).get(`/v1/cases/${caseId}`).set("authorization", caseworker).expect(200)).body.submission));
    expect(submissions[17]).toMatchObject({ state: "failed", error: { code: "RELAY_CALL_UNENCODABLE", message: expect.stringContaining("no retry can send it") } });
    expect(submissions.filter((s) => s.state === "done")).toHaveLength(50);
    for (const { caseId } of taken.filter((t) => t.caseId !== poisoned)) expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Submitted);
    expect(await failures()).toBe(failedBefore + 1);
    // Out of the queue: the next run has nothing of it to send.
    expect(await pendingEntries(local.gateway.state)).toEqual([]);
    // Operators see it without the gateway being unready: /readyz warns, `aidtrail status` lists it.
    const readiness = (await request(local.gateway.url).get("/readyz").expect(200)).body;
    expect(readiness.warnings.relay).toMatch(new RegExp(`^\\d+ ledger steps? failed; latest: ${poisoned} RELAY_CALL_UNENCODABLE`));
    const status = await aidtrail(["status", "--gateway", local.gateway.url]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`WARNING   relay: .*${poisoned} RELAY_CALL_UNENCODABLE`));
  });

  it("gives a batch of applications with large households the gas it takes, and not much more", async () => {
    // Each application in another jurisdiction, by another caseworker, than the one before: the
    // ledger asks AidAccess each time, the most an application costs.
    const countyCaseworker = Wallet.createRandom();
    await (await local.contracts.access.grantScopedRole(roleId("CASEWORKER"), countyCaseworker.address, BigInt(COUNTY))).wait();
    const sizes = [30, 30, 1, 30, 0];
    const batch = await Promise.all(
      sizes.map((size, i) =>
        i % 2 === 0
          ? ledgerApplication(hexlify(randomBytes(32)), Array.from({ length: size }, () => hexlify(randomBytes(32))))
          : ledgerApplication(hexlify(randomBytes(32)), Array.from({ length: size }, () => hexlify(randomBytes(32))), { by: countyCaseworker, jurisdiction: COUNTY }),
      ),
    );
    const bound = applicationsGas(sizes.length, sizes.reduce((a, b) => a + b, 0));
    const receipt = (await (await local.contracts.cases.submitApplications(batch, { gasLimit: bound })).wait())!;
    expect(receipt.status).toBe(1);
    expect(receipt.gasUsed).toBeLessThan(bound);
    expect(receipt.gasUsed).toBeGreaterThan((bound * 85n) / 100n);
  });

  it("cuts a batch of owed applications where its gas would pass half a block, so that large households never make a transaction the chain cannot mine", async () => {
    const members = (n: number) => Array.from({ length: 20 }, (_, i) => ({ name: "成员", relation: "子女", residentId: residentId(20 * n + i + 1, "19830303") }));
    const { gasLimit } = (await local.provider.getBlock("latest"))!;
    // Half a block holds one application of 20 members, not two.
    const limit = 2n * applicationsGas(1, 20) + 100_000n;
    expect(2n * applicationsGas(2, 40)).toBeGreaterThan(limit);
    await local.provider.send("evm_setBlockGasLimit", ["0x" + limit.toString(16)]);
    await local.provider.send("evm_mine", []);
    // The gateway reads the block gas limit at most once a second, and refreshes a stale reading in the background.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await local.gateway.chain.operator.blockGasLimit();
    await expect.poll(() => local.gateway.chain.operator.blockGasLimit()).toBe(limit);
    try {
      // Owed while the chain is down, so that one relayer run finds all three; the caseworker's role, confirmed now, is remembered through the outage.
      expect((await apply(application(residentId(9, "19830404"), []))).status).toBe(201);
      local.setChainDown(true);
      let owed;
      try {
        owed = await Promise.all(
          [0, 1, 2].map(async (n) => {
            const taken = await apply(application(residentId(n, "19830404"), members(n)));
            expect(taken.status).toBe(201);
            return taken.body;
          }),
        );
      } finally {
        local.setChainDown(false);
      }
      await local.gateway.relayer.runOnce();
      const entries = await Promise.all(owed.map(async (taken) => (await local.gateway.state.get<{ state: string; transactionHash: string }>((await local.gateway.state.get<CaseEntry>(`case:${taken.caseId}`))!.outbox))!));
      expect(entries.map((e) => e.state)).toEqual(["done", "done", "done"]);
      expect(new Set(entries.map((e) => e.transactionHash)).size).toBe(3);
    } finally {
      await local.provider.send("evm_setBlockGasLimit", ["0x" + gasLimit.toString(16)]);
    }
  });

  it("shows personal data only for a stated purpose, to a role that works with it, and logs the read", async () => {
    const url = `/v1/cases/${taken.caseId}`;
    const plain = (await request(local.gateway.url).get(url).set("authorization", caseworker).expect(200)).body;
    expect(plain.ledger.status).toBe("Submitted");
    expect(plain.revisions[0].record.personal).toBeUndefined();
    expect(plain.personalData).toMatch(/give \?purpose=/);

    const size = local.gateway.log.size;
    expect((await request(local.gateway.url).get(`${url}?purpose=x`).set("authorization", caseworker).expect(400)).body.error).toMatchObject({ code: "READ_PURPOSE_UNKNOWN", field: "purpose" });
    expect(local.gateway.log.size).toBe(size);
    const read = (await request(local.gateway.url).get(`${url}?purpose=review`).set("authorization", caseworker).expect(200)).body;
    expect(read.revisions[0].record.personal.applicant.name).toBe("王小明");
    expect(local.gateway.log.size).toBe(size + 1);
    const accessLog = await local.gateway.log.stored(size);
    expect(accessLog).toMatchObject({ kind: "access-log", caseId: taken.caseId, public: { reader: new Wallet(DEV_KEYS.caseworker).address, purpose: "review" } });

    const audited = (await request(local.gateway.url).get(`${url}?purpose=review`).set("authorization", auditor).expect(200)).body;
    expect(audited.revisions[0].record.personal).toBeUndefined();
    expect(audited.personalData).toMatch(/roles do not read personal data/);
    // No oracle: an officer without rights gets the same answer for a case that does not exist as for one that does.
    const unknown = "/v1/cases/0x" + "00".repeat(32);
    const stranger = await local.signIn(Wallet.createRandom().privateKey);
    const refused = async (path: string) => (await request(local.gateway.url).get(path).set("authorization", stranger).expect(403)).body.error;
    for (const [known, none] of [
      [url, unknown],
      [`${url}/decisions`, `${unknown}/decisions`],
      [`/v1/audit/cases/${taken.caseId}/trail`, `/v1/audit/cases/0x${"00".repeat(32)}/trail`],
    ]) {
      const [a, b] = await Promise.all([refused(known!), refused(none!)]);
      expect(a.code).toBe("FORBIDDEN_ROLE");
      expect(b).toEqual(a);
    }
    // A caseworker of the township learns no more of cases beyond it; the county's auditor learns the case does not exist.
    expect((await request(local.gateway.url).get(unknown).set("authorization", caseworker).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    expect((await request(local.gateway.url).get(unknown).set("authorization", auditor).expect(404)).body.error.code).toBe("CASE_NOT_FOUND");
  });
});

describe("case intake that does not wait for the ledger", () => {
  let quick: Awaited<ReturnType<typeof localGateway>>;
  beforeAll(async () => {
    quick = await localGateway({ ledgerWaitMs: 0 });
  });
  afterAll(async () => quick?.close());

  it("answers once the record is durable and the call owed, then puts the case on the ledger", async () => {
    const token = await quick.signIn(DEV_KEYS.caseworker);
    const response = await request(quick.gateway.url).post("/v1/cases").set("authorization", token).send(await signed(application(), { at: quick })).expect(201);
    expect(response.body.ledger).toEqual({ state: "pending" });
    expect((await quick.gateway.log.lookup(response.body.recordId, { decrypt: false })).revisions).toHaveLength(1);
    // The relayer was started by the intake, not left to its next round (five seconds away).
    await expect.poll(async () => Number((await quick.contracts.cases.getCase(response.body.caseId))[0].status), { timeout: 2_000 }).toBe(CaseStatus.Submitted);
  });

  it("still holds, after a restart, the applicant of an application owed from before it", async () => {
    const applicant = application("11010119600101100" + checkCharacter("11010119600101100"));
    quick.setChainDown(true);
    let owed: string;
    try {
      owed = (await request(quick.gateway.url).post("/v1/cases").set("authorization", await quick.signIn(DEV_KEYS.caseworker)).send(await signed(applicant, { at: quick })).expect(201)).body.caseId;
      // The relayer the intake started finds the chain down, and leaves the application owed.
      await quick.gateway.relayer.runOnce();
      await quick.stopGateway();
    } finally {
      quick.setChainDown(false);
    }
    // The new process's relayer has not run yet (its first round is a minute away): the ledger does not have the case.
    const again = await startGateway(loadConfig(quick.env), pino({ enabled: false }), { ledgerWaitMs: 0, relayIntervalMs: 60_000 });
    try {
      const token = await signInAt(again.url, DEV_KEYS.caseworker);
      // A new application of the same person: a case id and signature of its own.
      const refused = await request(again.url).post("/v1/cases").set("authorization", token).send(await signed(applicant, { at: quick })).expect(409);
      expect(refused.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN", message: expect.stringContaining(`on its way to the ledger: case ${owed}`) });
      await expect(quick.contracts.cases.getCase(owed)).rejects.toThrow(/CaseUnknown/);
    } finally {
      await again.close();
    }
  });

  it("finds on the ledger, after a restart, an application whose transaction was mined but whose answer was lost", async () => {
    const start = () => startGateway(loadConfig(quick.env), pino({ enabled: false }), { ledgerWaitMs: 0, relayIntervalMs: 60_000 });
    const applicant = application("11010119600101200" + checkCharacter("11010119600101200"));
    const submitted = (caseId: string) => quick.contracts.cases.queryFilter(quick.contracts.cases.filters.CaseSubmitted(caseId));
    await quick.stopGateway();
    const first = await start();
    // What an earlier test left owed goes first, so that the answer lost is this application's.
    await first.relayer.runOnce();
    quick.loseAnswerToNextSend();
    let caseId: string;
    try {
      caseId = (await request(first.url).post("/v1/cases").set("authorization", await signInAt(first.url, DEV_KEYS.caseworker)).send(await signed(applicant, { at: quick })).expect(201)).body.caseId;
      // The relayer's transaction is mined, but the gateway never hears so: the application is still owed when it stops.
      await expect.poll(async () => (await submitted(caseId)).length).toBe(1);
      await first.relayer.runOnce();
    } finally {
      await first.close();
      quick.setChainDown(false);
    }
    const [mined] = await submitted(caseId);
    const again = await start();
    try {
      await again.relayer.runOnce();
      const view = (await request(again.url).get(`/v1/cases/${caseId}`).set("authorization", await signInAt(again.url, DEV_KEYS.caseworker)).expect(200)).body;
      // The transaction that was mined is the case's, not a refusal of a second one.
      expect(view.submission).toEqual({ state: "done", transactionHash: mined!.transactionHash });
      expect(view.ledger.status).toBe("Submitted");
      expect(await submitted(caseId)).toHaveLength(1);
      expect(await again.state.list("sent:")).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it("sends batches of applications without waiting for each to be mined, so that a chain mining on a period takes several in a block", async () => {
    const start = () => startGateway(loadConfig(quick.env), pino({ enabled: false }), { ledgerWaitMs: 0, relayIntervalMs: 60_000 });
    const { provider } = quick;
    const pool = async () => ((await provider.send("eth_getBlockByNumber", ["pending", false])) as { transactions: string[] }).transactions;
    await quick.stopGateway();
    const gateway = await start();
    const blockGasLimit = (await provider.getBlock("latest"))!.gasLimit;
    // Blocks are mined when the test says, as a permissioned chain mines one a period, and are
    // large enough for every batch at once.
    await provider.send("evm_setAutomine", [false]);
    await provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
    try {
      const token = await signInAt(gateway.url, DEV_KEYS.caseworker);
      const caseIds: string[] = [];
      for (let n = 0; n < 260; n += 20) {
        const bodies = await Promise.all(Array.from({ length: 20 }, (_, i) => signed(application(residentId(n + i, "19700101")), { at: quick })));
        const taken = await Promise.all(bodies.map((body) => request(gateway.url).post("/v1/cases").set("authorization", token).send(body).expect(201)));
        caseIds.push(...taken.map((r) => r.body.caseId as string));
      }
      // The first intake's run sent what was owed then; while its transaction waits for a block,
      // the run sends what was owed since, within half a second, rather than once it is mined.
      const sentAll = async () => (await pendingEntries(gateway.state)).every(([, entry]) => entry.sentAs !== undefined);
      await expect.poll(sentAll, { timeout: 5_000 }).toBe(true);
      const sent = await pool();
      expect(sent.length).toBeGreaterThanOrEqual(2);
      // Until the oldest is mined, the others cannot be, and the chain is asked only for the oldest's receipt.
      const receiptsAskedFor = () => quick.callsMade().flatMap(({ method, params }) => (method === "eth_getTransactionReceipt" ? [params[0] as string] : []));
      receiptsAskedFor();
      const asked: string[] = [];
      await expect.poll(() => asked.push(...receiptsAskedFor()), { timeout: 5_000 }).toBeGreaterThan(2);
      expect(new Set(asked)).toEqual(new Set([sent[0]]));
      await provider.send("evm_mine", []);
      await gateway.relayer.runOnce();
      const block = await provider.getBlockNumber();
      const events = await quick.contracts.cases.queryFilter(quick.contracts.cases.filters.CaseSubmitted(), block, block);
      const carriers = new Set(events.map((e) => e.transactionHash));
      expect(carriers.size).toBeGreaterThanOrEqual(2);
      expect([...carriers].filter((hash) => !sent.includes(hash))).toEqual([]);
      const onLedger = new Set((await quick.contracts.cases.queryFilter(quick.contracts.cases.filters.CaseSubmitted())).map((e) => e.args.caseId));
      expect(caseIds.filter((caseId) => !onLedger.has(caseId))).toEqual([]);
      expect(await gateway.state.list("sent:")).toEqual([]);
    } finally {
      await provider.send("evm_setAutomine", [true]);
      await provider.send("evm_setBlockGasLimit", ["0x" + blockGasLimit.toString(16)]);
      await gateway.close();
    }
  });
});
