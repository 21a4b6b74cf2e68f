import { createHmac } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexlify, randomBytes, Signature, Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyBundle } from "../server/audit/verify-bundle.ts";
import { Area, CaseStatus, PayoutState, Programme } from "../server/chain/domain.ts";
import { APPLICATION_TYPES, decisionDomain, identitiesHash } from "../kit/decision.ts";
import { recordHash, SUITES, verifyRecord, type AuditBundle } from "../kit/index.ts";
import { aidtrail } from "./helpers/cli.ts";
import { identityCommitment, identityKey } from "../server/records/identity.ts";
import { COUNTY, DEV_KEYS, localGateway, OFFICERS, spouseOf, TOWNSHIP } from "./helpers/local-gateway.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let objected: string;
let plain: string;
let bundle: AuditBundle;
/** Three consecutive months of one fiscal year, by the chain's clock. */
const periods: number[] = [];
const bank = new Wallet(DEV_KEYS.bank);
const caseworker = new Wallet(DEV_KEYS.caseworker);
const { finance } = OFFICERS;
/** The gateway's own account: it relays and anchors, and is no step's actor. */
const operator = new Wallet(DEV_KEYS.operator);

/** The people of the objected case's application, every personal field given. */
const PEOPLE = {
  applicant: { name: "欧阳秀英", residentId: "110101199003074477", phone: "13712345678", address: "北京市东城区东华门街道南池子大街 27 号" },
  household: [{ name: "欧阳建国", relation: "配偶", residentId: spouseOf("110101199003074477") }],
  assets: [{ kind: "savings" as const, value: 1_200_000 }],
  bankAccount: { bank: "中国工商银行", account: "6222020200112233445", holder: "欧阳秀英" },
};

/**
 * Every form a value could take in a JSON file: as it is, and the hex and base64 (and base64url)
 * of its UTF-8 at each of the three byte offsets base64 could start it at, only the characters
 * that the value's bytes alone decide, where there are eight or more (fewer could be met by chance).
 */
function encodings(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const forms = [value, bytes.toString("hex"), bytes.toString("hex").toUpperCase()];
  for (const offset of [0, 1, 2]) {
    const text = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64").replace(/=+$/, "");
    const end = Math.floor((offset + bytes.length) / 3) * 4;
    const core = text.slice(offset === 0 ? 0 : 4, end);
    if (core.length >= 8) forms.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return forms;
}

/** The personal values of `people` found in `text`, in any of their encodings. */
const personalIn = (text: string, values: string[]) => values.filter((value) => encodings(value).some((form) => text.includes(form)));

/** A copy of the bundle for a tampering test to change. */
const copy = (): AuditBundle => structuredClone(bundle);
const paymentFileAt = (b: AuditBundle) => b.leaves.findIndex((l) => l.record?.kind === "payment-file");

/** The four tamperings an auditor must catch, each hidden as well as the tamperer could. */
async function tamperings(): Promise<Record<"amount" | "dropped" | "reordered" | "forged", AuditBundle>> {
  const amount = copy();
  const file = amount.leaves[paymentFileAt(amount)]!;
  (file.record!.public.lines as { amount: string }[])[0]!.amount = "999999";
  file.leafHash = "0x" + Buffer.from(recordHash(file.record!)).toString("hex");

  const dropped = copy();
  dropped.leaves.splice(paymentFileAt(dropped), 1);

  const reordered = copy();
  reordered.checkpoints = [reordered.checkpoints[1]!, reordered.checkpoints[0]!, reordered.checkpoints[2]!];

  const forged = copy();
  const packet = forged.leaves.find((l) => l.record?.kind === "decision")!;
  const signatures = packet.record!.public.signatures as { signer: string; signature: string }[];
  signatures[0]!.signature = await Wallet.createRandom().signMessage("not the decision");
  packet.leafHash = "0x" + Buffer.from(recordHash(packet.record!)).toString("hex");
  return { amount, dropped, reordered, forged };
}
/** The leaf hashes of the settlement agent's records, one per settled period. */
const settlementRecords: string[] = [];
const codes = async (tampered: AuditBundle) => (await verifyBundle(tampered, local.provider)).failures.map((f) => f.code);

const as = (token: string) => ({
  get: (path: string) => request(local.gateway.url).get(path).set("authorization", token),
  post: (path: string, body: object = {}) => request(local.gateway.url).post(path).set("authorization", token).send(body),
});

async function decide(caseId: string, signers: Wallet[], query = "") {
  const token = await local.signIn(signers[0]!.privateKey);
  const { body: payload } = await as(token).get(`/v1/cases/${caseId}/decision-request${query}`).expect(200);
  const signatures = await Promise.all(signers.map(async (w) => ({ signer: w.address, signature: await w.signTypedData(payload.domain, payload.types, payload.message) })));
  await as(token).post(`/v1/cases/${caseId}/decisions`, { decision: payload.message, signatures }).expect(201);
}

/** An officer's own step through the gateway, which must be relayed. */
async function step(path: string, fields: object, key: string) {
  const relayed = await local.signedStep(path, fields, key);
  expect(relayed.status, `${path}: ${JSON.stringify(relayed.body)}`).toBe(201);
  return relayed.body;
}

const statusOf = async (caseId: string) => Number((await local.contracts.cases.getCase(caseId))[0].status);

/**
 * One dibao case's whole journey through the gateway, every ledger step signed by its officer and
 * relayed by the gateway (intake, review, two county approvals, public notice, an objection and
 * re-review, activation, three monthly payout runs, settlement, the citizen's check) beside a
 * second case, then an auditor's export verified against the chain with nothing taken from the
 * gateway; in each cryptographic suite a deployment may choose.
 */
describe.each(SUITES)("a dibao case's whole journey, exported and verified against the chain (%s suite)", (suite) => {
  beforeAll(async () => {
    local = await localGateway({ anchorBatch: 1_000_000 }, { suite });
    periods.length = 0;
    settlementRecords.length = 0;
  }, 120_000);
  afterAll(async () => local?.close());

  it("goes from intake through objection and re-review to activation, three monthly runs and settlement, each step the officer's own", async () => {
    // Three months of one fiscal year from the month the cases become active, a week from now.
    while ((await local.currentPeriod()) % 100 > 9) await local.nextMonth();
    objected = await local.takeIn("110101199003074477", "dibao", PEOPLE);
    plain = await local.takeIn("11010519491231002X");
    await local.gateway.anchorer.anchorOnce();

    await decide(objected, [OFFICERS.reviewer]);
    await decide(objected, OFFICERS.approvers, "?amount=150000&householdSize=2");
    expect(await statusOf(objected)).toBe(CaseStatus.InNotice);
    await step(`/v1/cases/${objected}/objections`, { objector: { name: "邻居", contact: "13900000000" }, text: "家中有车辆未申报" }, DEV_KEYS.caseworker);
    expect(await statusOf(objected)).toBe(CaseStatus.Submitted);
    await step(`/v1/cases/${objected}/revisions`, { reason: "复核后更正收入", monthlyIncome: 90_000 }, DEV_KEYS.caseworker);
    await decide(objected, [OFFICERS.reviewer]);
    await decide(objected, OFFICERS.approvers, "?amount=140000&householdSize=2");
    await local.activate(plain, 150_000n);
    await step(`/v1/cases/${objected}/activate`, {}, DEV_KEYS.caseworker);
    await local.gateway.anchorer.anchorOnce();

    periods.push(await local.currentPeriod());
    await local.budget({ programme: "dibao", fiscalYear: Math.floor(periods[0]! / 100), jurisdiction: COUNTY, amount: "10000000", purpose: "县级低保资金" });
    for (let i = 0; i < 3; i++) {
      if (i > 0) periods.push(await local.nextMonth());
      const run = await local.payoutRun({ programme: "dibao", period: periods[i]!, allocationId: "1" });
      expect(run.status, JSON.stringify(run.body)).toBe(201);
      expect(run.body.progress).toEqual({ lines: 2, paid: 2, skipped: 0 });
    }
    expect(Math.floor(periods[2]! / 100)).toBe(Math.floor(periods[0]! / 100));
    for (const period of periods) expect(Number(await local.contracts.funds.payoutState(objected, period))).toBe(PayoutState.Paid);

    // The settlement agent confirms through the gateway, signing its own transactions: the bank's references are logged and their record's hash is each settlement's receipt.
    for (const period of periods.slice(0, 2)) {
      const settled = await step("/v1/settlements", { period, settlements: [objected, plain].map((caseId, i) => ({ caseId, reference: `ICBC-${period}-${i}` })) }, DEV_KEYS.bank);
      settlementRecords.push(settled.recordHash);
    }
    await local.gateway.anchorer.anchorOnce();

    const view = (await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", local.receipts.get(objected)!).expect(200)).body;
    expect(view.payments.map((p: { period: number; amount: string; arrived: unknown }) => [p.period, p.amount, p.arrived !== null])).toEqual([
      [periods[2], "140000", false],
      [periods[1], "140000", true],
      [periods[0], "140000", true],
    ]);
  });

  it("seals, commits and keys identities in the deployment's suite, and says it in every checkpoint", async () => {
    expect(local.gateway.log.suite).toBe(suite);
    const stored = await local.gateway.log.stored((await local.gateway.log.caseLeafIndexes(objected))[0]!);
    expect(stored.sealed.alg).toBe(suite === "national" ? "SM4CTR-HMACSM3" : "A256GCM");
    expect(stored.suite).toBe(suite);
    const key = identityKey(Buffer.from(local.env.AIDTRAIL_IDENTITY_KEY, "base64"), suite);
    const submitted = await local.contracts.cases.queryFilter(local.contracts.cases.filters.CaseSubmitted(objected));
    expect(submitted[0]!.args.identityCommitment).toBe(identityCommitment(key, PEOPLE.applicant.residentId));
    const mac = createHmac(suite === "national" ? "sm3" : "sha256", Buffer.from(local.env.AIDTRAIL_IDENTITY_KEY, "base64")).update(PEOPLE.applicant.residentId).digest("hex");
    expect(submitted[0]!.args.identityCommitment).toBe("0x" + mac);
    expect((await local.gateway.log.anchoredCheckpoints()).map((c) => c.suite)).toEqual([suite, suite, suite]);
  });

  it("names in the case's trail the officer who took each ledger step, as the ledger's events do, never the gateway's account", async () => {
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const trail = (await as(auditor).get(`/v1/audit/cases/${objected}/trail`).expect(200)).body as { steps: { where: string; step?: string; actor?: string; signers?: string[] }[] };
    const ledger = trail.steps.filter((s) => s.where === "ledger");
    const [reviewer, first] = [OFFICERS.reviewer.address, [...OFFICERS.approvers.map((a) => a.address)].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0]];
    const review = [["review", reviewer], ["review", reviewer]];
    const approval = [["approval", first], ["approval", first]];
    expect(ledger.map((s) => [s.step, s.actor])).toEqual([
      ["application", caseworker.address],
      ...review,
      ...approval,
      ["objection", caseworker.address],
      ["revision", caseworker.address],
      ...review,
      ...approval,
      ["activation", caseworker.address],
      ...periods.map(() => ["payout", finance.address]),
      ...periods.slice(0, 2).map(() => ["settlement", bank.address]),
    ]);
    expect(ledger.find((s) => s.step === "approval" && s.signers)!.signers!.sort()).toEqual(OFFICERS.approvers.map((a) => a.address).sort());
    expect(ledger.map((s) => s.actor)).not.toContain(operator.address);
  });

  it("exports an audit bundle to an auditor only, and logs the export", async () => {
    const caseworker = await local.signIn(DEV_KEYS.caseworker);
    expect((await as(caseworker).get("/v1/audit/export").expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    const auditor = await local.signIn(DEV_KEYS.auditor);
    expect((await as(auditor).get("/v1/audit/export?from=yesterday").expect(400)).body.error.field).toBe("from");
    const sizeBefore = local.gateway.log.size;
    const response = await as(auditor).get("/v1/audit/export").expect(200);
    expect(response.headers["content-disposition"]).toMatch(/attachment; filename="?aidtrail-audit-440105000000-0-\d+\.json/);
    bundle = response.body;
    expect(bundle.range).toMatchObject({ start: 0, end: bundle.checkpoints.at(-1)!.treeSize, left: [] });
    expect(bundle.checkpoints.length).toBe(3);
    expect(local.gateway.log.size).toBe(sizeBefore + 1);
    expect((await local.gateway.log.record(sizeBefore)).public).toMatchObject({ reader: new Wallet(DEV_KEYS.auditor).address, purpose: "audit-export" });
  });

  it("gives the auditor no person's data: no name, resident ID, phone, address or bank account of anyone in the bundle, as text, hex or base64", async () => {
    const values = [
      PEOPLE.applicant.name, PEOPLE.applicant.residentId, PEOPLE.applicant.phone, PEOPLE.applicant.address,
      ...PEOPLE.household.flatMap((m) => [m.name, m.residentId]),
      PEOPLE.bankAccount.account, PEOPLE.bankAccount.holder,
      // The second case's people, and the objector of the first.
      "申请人", "11010519491231002X", "家属", spouseOf("11010519491231002X"), "邻居", "13900000000",
    ];
    const text = JSON.stringify(bundle);
    expect(personalIn(text, values)).toEqual([]);
    // The search finds each of them where they are: in the gateway's whole records, as text, hex and
    // base64 (there, the values of 8 bytes or more, which it finds at any of base64's offsets).
    const reader = await local.signIn(DEV_KEYS.caseworker);
    const whole = await Promise.all([objected, plain].map(async (caseId) => (await as(reader).get(`/v1/cases/${caseId}?purpose=review`).expect(200)).body));
    const wholeText = JSON.stringify(whole);
    const inRecords = values.slice(0, -2);
    expect(personalIn(wholeText, inRecords)).toEqual(inRecords);
    expect(personalIn(Buffer.from(wholeText).toString("hex"), inRecords)).toEqual(inRecords);
    const long = inRecords.filter((v) => Buffer.byteLength(v) >= 8);
    expect(personalIn(Buffer.from(wholeText).toString("base64"), long)).toEqual(long);
    // Every application of the bundle is there, as logged: its personal fields as commitments.
    const applications = bundle.leaves.filter((l) => l.record?.kind === "application").map((l) => l.record!);
    expect(applications.length).toBeGreaterThanOrEqual(3);
    for (const record of applications) {
      expect(Object.keys(record.commitments).sort()).toEqual(expect.arrayContaining(["applicant", "household", "monthlyIncome"]));
      expect(record).not.toHaveProperty("personal");
      expect(record).not.toHaveProperty("salt");
    }
  });

  it("checks a disclosed field against the commitment the bundle holds: the logged phone opens it, a changed one is caught", async () => {
    const reader = await local.signIn(DEV_KEYS.caseworker);
    const view = (await as(reader).get(`/v1/cases/${objected}?purpose=review`).expect(200)).body;
    const first = view.revisions[0];
    const logged = bundle.leaves.find((l) => l.record?.recordId === first.record.recordId && l.record?.revision === 0)!;
    // The case view gives each field with its own salt, never the record's.
    expect(first.record).not.toHaveProperty("salt");
    const disclosed = { ...logged.record!, personal: { applicant: first.record.personal.applicant }, salts: { applicant: first.record.salts.applicant } };
    const evidence = { leafIndex: logged.leafIndex, leafHash: logged.leafHash, proof: first.proof, checkpoint: view.checkpoint };
    expect(verifyRecord({ ...evidence, record: disclosed }).failures).toEqual([]);
    const changed = { ...disclosed, personal: { applicant: { ...PEOPLE.applicant, phone: "13700000000" } } };
    expect(verifyRecord({ ...evidence, record: changed }).failures.map((f) => f.code)).toEqual(["DISCLOSURE_MISMATCH", "RECORD_HASH_MISMATCH", "PROOF_INVALID"]);
  });

  it("anchors what waits before it cuts the range: a complaint made just before the export is in the bundle, and the bundle says what it left out", async () => {
    const complaint = await request(local.gateway.url).post("/v1/citizen/feedback").set("x-aidtrail-receipt", local.receipts.get(plain)!).send({ kind: "complaint", text: "补助到账晚了" }).expect(201);
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const fresh = (await as(auditor).get("/v1/audit/export").expect(200)).body as AuditBundle;
    expect(fresh.leaves.map((l) => l.record?.recordId)).toContain(complaint.body.recordId);
    // Only the export's own record of the read was logged after the range.
    expect(fresh.leftOut).toEqual({ start: fresh.range.end, end: fresh.range.end + 1, reason: expect.stringContaining("the export's own record of this read the last of them") });
    const report = await verifyBundle(fresh, local.provider, { anchor: local.deployment.contracts.logAnchor });
    expect(report.leftOut).toEqual(fresh.leftOut);
  });

  it("verifies against the chain: records, checkpoints, signatures, payouts and totals", async () => {
    const report = await verifyBundle(bundle, local.provider, { anchor: local.deployment.contracts.logAnchor });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatchObject({ checkpoints: 3, decisions: 6, payouts: 6, settled: 4, unsettled: 2 });
    expect(report.summary.records).toBe(bundle.leaves.length);
    expect(report.allocations).toEqual([{ allocationId: "1", amount: "10000000", paid: "870000", inPaymentFiles: "870000", reconciles: true }]);
    expect(report.warnings.map((w) => w.code)).toEqual(["PAYOUT_UNSETTLED", "PAYOUT_UNSETTLED"]);
  });

  it("catches a changed amount, a dropped record, reordered checkpoints and a forged signature, each by name", async () => {
    const amount = copy();
    const file = amount.leaves[paymentFileAt(amount)]!;
    (file.record!.public.lines as { amount: string }[])[0]!.amount = "999999";
    expect(await codes(amount)).toEqual(expect.arrayContaining(["RECORD_ALTERED"]));

    const tampered = await tamperings();
    // Rehashed to hide the change, the leaf no longer makes the anchored root, and the ledger disagrees.
    expect(await codes(tampered.amount)).toEqual(expect.arrayContaining(["RANGE_ROOT_MISMATCH", "PAYOUT_AMOUNT_MISMATCH"]));
    // A dropped leaf fails once; only what could depend on it is unverifiable: the payout whose payment file it was, and its allocation's totals.
    const dropped = await verifyBundle(tampered.dropped, local.provider);
    expect(dropped.failures).toEqual([expect.objectContaining({ code: "RECORD_MISSING", leafIndex: bundle.leaves[paymentFileAt(bundle)]!.leafIndex })]);
    const unverifiable = dropped.warnings.filter((w) => w.message.startsWith("unverifiable"));
    const droppedLines = (bundle.leaves[paymentFileAt(bundle)]!.record!.public.lines as unknown[]).length;
    expect(unverifiable.map((w) => w.code).sort()).toEqual(["ALLOCATION_UNRECONCILED", ...Array(droppedLines).fill("PAYOUT_WITHOUT_PAYMENT_FILE")]);
    // The other payouts, of six, still match their files: nothing else is reported of them.
    expect(dropped.warnings.filter((w) => w.code === "PAYOUT_WITHOUT_PAYMENT_FILE")).toHaveLength(droppedLines);
    expect(await codes(tampered.reordered)).toContain("CHECKPOINT_ORDER");
    const found = (await verifyBundle(tampered.forged, local.provider)).failures;
    expect(found.map((f) => f.code)).toContain("DECISION_SIGNATURE_FORGED");
    expect(found.find((f) => f.code === "DECISION_SIGNATURE_FORGED")!.message).toMatch(/signature 1 recovers to 0x[0-9a-fA-F]{40}, not to its named signer/);

    const foreign = await verifyBundle(bundle, local.provider, { anchor: Wallet.createRandom().address });
    expect(foreign.failures.map((f) => f.code)).toEqual(["CONTRACTS_MISMATCH"]);
  });

  it("is what `aidtrail verify` checks from the command line: a changed amount, a dropped record, reordered checkpoints and a forged signature each fail by name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aidtrail-bundle-"));
    const good = join(dir, "good.json");
    writeFileSync(good, JSON.stringify(bundle));
    const rpc = local.env.AIDTRAIL_RPC_URL;
    const cli = (...args: string[]) => aidtrail(["verify", ...args]);
    const { code, stdout } = await cli(good, "--rpc", rpc, "--anchor", local.deployment.contracts.logAnchor);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^VERIFIED: every check passed/);
    expect(stdout).toMatch(/allocation 1: amount 10000000, paid 870000, in payment files 870000 \(reconciles\)/);

    // Each tampering, through the command line: exit 1, and its own failure named in the report.
    const expected = { amount: /FAIL PAYOUT_AMOUNT_MISMATCH: the payout to case 0x[0-9a-f]{64} for period \d+: the ledger paid \d+, payment file r[0-9a-f]{32} says 999999/, dropped: /FAIL RECORD_MISSING: leaves \d+ to \d+ are missing from the bundle/, reordered: /FAIL CHECKPOINT_ORDER: /, forged: /FAIL DECISION_SIGNATURE_FORGED: .*signature 1 recovers to 0x[0-9a-fA-F]{40}, not to its named signer/ };
    // The deployment file the auditor trusts names the anchor the bundle must lead back to.
    const deployment = join(dir, "deployment.json");
    writeFileSync(deployment, JSON.stringify(local.deployment));
    for (const [name, tampered] of Object.entries(await tamperings())) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(tampered));
      const failed = await cli(file, "--rpc", rpc, "--deployment", deployment);
      expect(failed.code, name).toBe(1);
      expect(failed.stdout, name).toMatch(/^FAILED: \d+ check\(s\) failed/);
      expect(failed.stdout, name).toMatch(expected[name as keyof typeof expected]);
    }
    // Without a trusted anchor, the report says first that the bundle's own addresses were taken on its word.
    const untrusted = await cli(good, "--rpc", rpc);
    expect(untrusted.stdout.split("\n")[0]).toBe(`NOTE no trusted anchor was given: the bundle's own log anchor ${local.deployment.contracts.logAnchor} was taken on its word, which a forged bundle could name; give the anchor your deployment file names (--deployment, or --anchor)`);
    expect(untrusted.stdout.split("\n")[1]).toBe("VERIFIED: every check passed");
    const asJson = await cli(join(dir, "reordered.json"), "--rpc", rpc, "--json");
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout).failures.map((f: { code: string }) => f.code)).toContain("CHECKPOINT_ORDER");

    const unreadable = await cli(join(dir, "absent.json"), "--rpc", rpc);
    expect(unreadable).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read .*absent\.json as a bundle/) });
  });
  it("ties each settlement to the settlement agent's record of it: another payout's record fails, a receipt outside the log is reported", async () => {
    // The last period settled on the ledger directly: one receipt names the record of another period's settlement, one names nothing logged.
    await (await local.contracts.funds.connect(bank.connect(local.provider)).confirmSettlements(periods[2]!, [
      { caseId: objected, evidenceHash: settlementRecords[0]! },
      { caseId: plain, evidenceHash: "0x" + "ab".repeat(32) },
    ])).wait();
    await local.gateway.anchorer.anchorOnce();
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const later = (await as(auditor).get("/v1/audit/export").expect(200)).body as AuditBundle;
    const report = await verifyBundle(later, local.provider, { anchor: local.deployment.contracts.logAnchor });
    expect(report.failures).toEqual([expect.objectContaining({ code: "SETTLEMENT_RECORD_MISMATCH", caseId: objected })]);
    expect(report.failures[0]!.message).toMatch(/names record r[0-9a-f]{32} as its settlement record, which is a settlement of other payouts/);
    expect(report.warnings.map((w) => [w.code, w.caseId])).toEqual([["SETTLEMENT_EVIDENCE_MISSING", plain]]);
  });

  it("fails a case the caseworker's key put on the ledger that the log never saw, by name, in the report and on the command line", async () => {
    // Signed by the real caseworker, relayed by another account, never taken in: the log holds no application of it.
    const deadline = BigInt((await local.provider.getBlock("latest"))!.timestamp + 3600);
    const fields = { caseId: hexlify(randomBytes(32)), programme: Programme.Dibao, area: Area.Urban, jurisdiction: BigInt(TOWNSHIP), recordHash: hexlify(randomBytes(32)), deadline };
    const identityCommitment = hexlify(randomBytes(32));
    const authorisation = { ...fields, identities: identitiesHash(identityCommitment, []) };
    const signature = Signature.from(await caseworker.signTypedData(decisionDomain(local.deployment.chainId, local.deployment.contracts.caseRegistry), APPLICATION_TYPES, authorisation));
    const ghost = { ...fields, identityCommitment, household: [], caseworker: caseworker.address, r: signature.r, vs: signature.yParityAndS };
    await (await local.contracts.cases.submitApplications([ghost])).wait();
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const exported = async () => (await as(auditor).get("/v1/audit/export").expect(200)).body as AuditBundle;
    // The settlement of the test before, with another period's receipt, still fails; nothing else may.
    const others = (failures: { code: string }[]) => failures.filter((f) => f.code !== "SETTLEMENT_RECORD_MISMATCH");

    // Anchored once since: the bundle's last checkpoint may have been signed before the case's record was logged, so it is a warning.
    await local.gateway.anchorer.anchorOnce();
    const early = await verifyBundle(await exported(), local.provider);
    expect(others(early.failures)).toEqual([]);
    expect(early.warnings.map((w) => [w.code, w.caseId])).toEqual(expect.arrayContaining([["CASE_WITHOUT_RECORD", ghost.caseId]]));

    // Anchored again (the export logged its read): that checkpoint was signed after the case was opened, so its record would be in the bundle.
    await local.gateway.anchorer.anchorOnce();
    const later = await exported();
    const report = await verifyBundle(later, local.provider);
    expect(others(report.failures)).toEqual([expect.objectContaining({ code: "CASE_WITHOUT_RECORD", caseId: ghost.caseId, step: "application", actor: caseworker.address })]);

    const file = join(mkdtempSync(join(tmpdir(), "aidtrail-ghost-")), "bundle.json");
    writeFileSync(file, JSON.stringify(later));
    const cli = await aidtrail(["verify", file, "--rpc", local.env.AIDTRAIL_RPC_URL]);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`FAIL CASE_WITHOUT_RECORD: case ${ghost.caseId} was opened on the ledger by ${caseworker.address} with record ${ghost.recordHash}, but the bundle holds no application record of it`);
  });

  it("verifies a bundle the same later: judged by the chain as of its last checkpoint's anchoring, the steps made since are a later bundle's", async () => {
    // Since `bundle` was exported: a settlement naming another period's record, a ghost case, and now another month's run.
    const next = await local.nextMonth();
    const fiscalYear = Math.floor(next / 100);
    const allocationId = fiscalYear === Math.floor(periods[0]! / 100) ? "1" : await local.budget({ programme: "dibao", fiscalYear, jurisdiction: COUNTY, amount: "10000000", purpose: "县级低保资金" });
    const run = await local.payoutRun({ programme: "dibao", period: next, allocationId });
    expect(run.status, JSON.stringify(run.body)).toBe(201);
    expect(Number(await local.contracts.funds.payoutState(plain, next))).toBe(PayoutState.Paid);
    const report = await verifyBundle(bundle, local.provider, { anchor: local.deployment.contracts.logAnchor });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    const anchors = local.contracts.anchor;
    const [last] = await anchors.queryFilter(anchors.filters.CheckpointAnchored(bundle.logId, bundle.checkpoints.at(-1)!.treeSize));
    expect(report.asOf).toEqual({ block: last!.blockNumber, treeSize: bundle.checkpoints.at(-1)!.treeSize });
    expect(report.summary).toMatchObject({ payouts: 6, settled: 4, unsettled: 2 });
    // The command line says what it judged by.
    const file = join(mkdtempSync(join(tmpdir(), "aidtrail-later-")), "bundle.json");
    writeFileSync(file, JSON.stringify(bundle));
    const cli = await aidtrail(["verify", file, "--rpc", local.env.AIDTRAIL_RPC_URL, "--anchor", local.deployment.contracts.logAnchor]);
    expect([cli.code, cli.stdout]).toEqual([0, expect.stringContaining(`judged by the chain as of block ${last!.blockNumber}, where the bundle's last checkpoint (${bundle.checkpoints.at(-1)!.treeSize} records) was anchored`)]);
  });
});
