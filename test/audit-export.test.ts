import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NonceManager, parseEther, Wallet, type HDNodeWallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyBundle } from "../server/audit/verify-bundle.ts";
import { CaseStatus, PayoutState, Programme } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { recordHash, type AuditBundle } from "../server/verify/index.ts";
import { aidtrail } from "./helpers/cli.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
const reviewer = Wallet.createRandom() as unknown as Wallet;
const approvers = [Wallet.createRandom(), Wallet.createRandom()] as unknown as Wallet[];
const finance = Wallet.createRandom() as unknown as Wallet;
let objected: string;
let plain: string;
let bundle: AuditBundle;
const periods = [202611, 202612, 202701];

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
  const packet = forged.leaves.find((l) => l.record?.kind === "approval-packet")!;
  const signatures = packet.record!.public.signatures as { signer: string; signature: string }[];
  signatures[0]!.signature = await Wallet.createRandom().signMessage("not the decision");
  packet.leafHash = "0x" + Buffer.from(recordHash(packet.record!)).toString("hex");
  return { amount, dropped, reordered, forged };
}
/** The settlement agent, and the leaf hashes of its records, one per settled period. */
let bank: HDNodeWallet;
const settlementRecords: string[] = [];
const codes = async (tampered: AuditBundle) => (await verifyBundle(tampered, local.provider)).failures.map((f) => f.code);

/**
 * One dibao case's whole journey through the gateway (intake, review, two county approvals, public
 * notice, an objection and re-review, activation, three monthly payout runs, settlement, the
 * citizen's check) beside a second case, then an auditor's export verified against the chain
 * with nothing taken from the gateway.
 */
beforeAll(async () => {
  local = await localGateway({ anchorBatch: 1_000_000 });
  const { access, funds } = local.contracts;
  await (await access.grantScopedRole(roleId("REVIEWER"), reviewer.address, BigInt(TOWNSHIP))).wait();
  for (const a of approvers) await (await access.grantScopedRole(roleId("APPROVER"), a.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), finance.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), new Wallet(DEV_KEYS.governance).address, 0n)).wait();
  await (await funds.appropriate(Programme.Dibao, 2026, BigInt(COUNTY), 10_000_000n, "0x" + "00".repeat(32))).wait();
}, 120_000);
afterAll(async () => local?.close());

const as = (token: string) => ({
  get: (path: string) => request(local.gateway.url).get(path).set("authorization", token),
  post: (path: string, body: object = {}) => request(local.gateway.url).post(path).set("authorization", token).send(body),
});

async function decide(caseId: string, signers: Wallet[], query = "") {
  const token = await local.signIn(signers[0]!.privateKey);
  const { body: payload } = await as(token).get(`/v1/cases/${caseId}/approval-request${query}`).expect(200);
  const signatures = await Promise.all(signers.map(async (w) => ({ signer: w.address, signature: await w.signTypedData(payload.domain, payload.types, payload.message) })));
  await as(token).post(`/v1/cases/${caseId}/approvals`, { decision: payload.message, signatures }).expect(201);
}

describe("a dibao case's whole journey, exported and verified against the chain", () => {
  it("goes from intake through objection and re-review to activation, three monthly runs and settlement", async () => {
    const caseworker = await local.signIn(DEV_KEYS.caseworker);
    objected = await local.takeIn("110101199003074477");
    plain = await local.takeIn("11010519491231002X");
    await local.gateway.anchorer.anchorOnce();

    await decide(objected, [reviewer]);
    await decide(objected, approvers, "?amount=150000&householdSize=2");
    expect(Number((await local.contracts.cases.getCase(objected))[0].status)).toBe(CaseStatus.InNotice);
    await as(caseworker).post(`/v1/cases/${objected}/objections`, { objector: { name: "邻居", contact: "13900000000" }, text: "家中有车辆未申报" }).expect(201);
    expect(Number((await local.contracts.cases.getCase(objected))[0].status)).toBe(CaseStatus.Submitted);
    await as(caseworker).post(`/v1/cases/${objected}/revisions`, { reason: "复核后更正收入", monthlyIncome: 90_000 }).expect(201);
    await decide(objected, [reviewer]);
    await decide(objected, approvers, "?amount=140000&householdSize=2");
    await local.activate(plain, 150_000n, { reviewer, approvers });
    await as(caseworker).post(`/v1/cases/${objected}/activate`).expect(201);
    await local.gateway.anchorer.anchorOnce();

    const financeToken = await local.signIn(finance.privateKey);
    for (const period of periods) {
      const paid = (await as(financeToken).post("/v1/payout-runs", { programme: "dibao", period, allocationId: "1" }).expect(201)).body;
      expect(paid.progress).toEqual({ lines: 2, paid: 2, skipped: 0 });
    }
    for (const period of periods) expect(Number(await local.contracts.funds.payoutState(objected, period))).toBe(PayoutState.Paid);

    bank = Wallet.createRandom().connect(local.provider);
    await (await (local.contracts.access.runner as NonceManager).sendTransaction!({ to: bank.address, value: parseEther("1") })).wait();
    await (await local.contracts.access.grantScopedRole(roleId("SETTLEMENT_AGENT"), bank.address, BigInt(COUNTY))).wait();
    // The settlement agent confirms through the gateway, signing its own transactions: the bank's references are logged and their record's hash is each settlement's receipt.
    const bankToken = await local.signIn(bank.privateKey);
    for (const period of periods.slice(0, 2)) {
      const fields = { period, settlements: [objected, plain].map((caseId, i) => ({ caseId, reference: `ICBC-${period}-${i}` })) };
      const { body: drafted } = await as(bankToken).post("/v1/settlements/draft", fields).expect(200);
      const settled = await as(bankToken).post("/v1/settlements", { ...fields, draft: drafted.draft, signedTransaction: await bank.signTransaction(drafted.transaction) }).expect(201);
      settlementRecords.push(settled.body.recordHash);
    }
    await local.gateway.anchorer.anchorOnce();

    const view = (await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", local.receipts.get(objected)!).expect(200)).body;
    expect(view.payments.map((p: { period: number; amount: string; arrived: unknown }) => [p.period, p.amount, p.arrived !== null])).toEqual([
      [202611, "140000", true],
      [202612, "140000", true],
      [202701, "140000", false],
    ]);
  });

  it("exports an audit bundle to an auditor only, and logs that the auditor read personal data", async () => {
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

  it("verifies against the chain: records, checkpoints, signatures, payouts and totals", async () => {
    const report = await verifyBundle(bundle, local.provider, { anchor: local.deployment.contracts.logAnchor });
    expect(report.failures).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatchObject({ checkpoints: 3, approvals: 6, payouts: 6, settled: 4, unsettled: 2 });
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
    const missing = (await verifyBundle(tampered.dropped, local.provider)).failures;
    expect(missing[0]).toMatchObject({ code: "RECORD_MISSING", leafIndex: bundle.leaves[paymentFileAt(bundle)]!.leafIndex });
    expect(await codes(tampered.reordered)).toContain("CHECKPOINT_ORDER");
    const found = (await verifyBundle(tampered.forged, local.provider)).failures;
    expect(found.map((f) => f.code)).toContain("APPROVAL_SIGNATURE_FORGED");
    expect(found.find((f) => f.code === "APPROVAL_SIGNATURE_FORGED")!.message).toMatch(/signature 1 recovers to 0x[0-9a-fA-F]{40}, not to its named signer/);

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
    const expected = { amount: /FAIL PAYOUT_AMOUNT_MISMATCH: the payout to case 0x[0-9a-f]{64} for period \d+: the ledger paid \d+, payment file r[0-9a-f]{32} says 999999/, dropped: /FAIL RECORD_MISSING: leaves \d+ to \d+ are missing from the bundle/, reordered: /FAIL CHECKPOINT_ORDER: /, forged: /FAIL APPROVAL_SIGNATURE_FORGED: .*signature 1 recovers to 0x[0-9a-fA-F]{40}, not to its named signer/ };
    for (const [name, tampered] of Object.entries(await tamperings())) {
      const file = join(dir, `${name}.json`);
      writeFileSync(file, JSON.stringify(tampered));
      const failed = await cli(file, "--rpc", rpc);
      expect(failed.code, name).toBe(1);
      expect(failed.stdout, name).toMatch(/^FAILED: \d+ check\(s\) failed/);
      expect(failed.stdout, name).toMatch(expected[name as keyof typeof expected]);
    }
    const asJson = await cli(join(dir, "reordered.json"), "--rpc", rpc, "--json");
    expect(asJson.code).toBe(1);
    expect(JSON.parse(asJson.stdout).failures.map((f: { code: string }) => f.code)).toContain("CHECKPOINT_ORDER");

    const unreadable = await cli(join(dir, "absent.json"), "--rpc", rpc);
    expect(unreadable).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot read .*absent\.json as a bundle/) });
  });
  it("ties each settlement to the settlement agent's record of it: another payout's record fails, a receipt outside the log is reported", async () => {
    // The last period settled on the ledger directly: one receipt names the record of another period's settlement, one names nothing logged.
    await (await local.contracts.funds.connect(bank).confirmSettlements(periods[2]!, [
      { caseId: objected, receiptHash: settlementRecords[0]! },
      { caseId: plain, receiptHash: "0x" + "ab".repeat(32) },
    ])).wait();
    await local.gateway.anchorer.anchorOnce();
    const auditor = await local.signIn(DEV_KEYS.auditor);
    const later = (await as(auditor).get("/v1/audit/export").expect(200)).body as AuditBundle;
    const report = await verifyBundle(later, local.provider);
    expect(report.failures).toEqual([expect.objectContaining({ code: "SETTLEMENT_RECORD_MISMATCH", caseId: objected })]);
    expect(report.failures[0]!.message).toMatch(/names record r[0-9a-f]{32} as its receipt, which is a settlement of other payouts/);
    expect(report.warnings.map((w) => [w.code, w.caseId])).toEqual([["SETTLEMENT_EVIDENCE_MISSING", plain]]);
  });
});
