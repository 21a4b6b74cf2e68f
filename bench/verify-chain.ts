/**
 * End-to-end verifier benchmark: what `aidtrail verify` does (verifyBundle: the offline check of
 * the bundle, then every checkpoint, submission, decision with its signers' roles at that block,
 * and payout looked up on the chain) for bundles of 25,000 to 100,000 real records whose cases,
 * decisions, payouts and checkpoints are on a real chain (Hardhat's simulator over JSON-RPC).
 * Each case has an application, a review and an approval (decision records) signed by officers, document and
 * access-log records, and twelve monthly payouts in payment files of 100 lines. Each step is the
 * officer's, as on a real ledger: applications signed by their caseworker and relayed by the
 * operator (which holds LOG_OPERATOR alone), decisions signed by reviewer and approver, payouts
 * sent by the finance officer. Each round of cases has a fiscal year of its own, the chain's clock
 * moved to its January for intake and to its December for the payouts. The time must stay under
 * 60 s at 10^5 records and grow linearly. Run: npm run bench:verify-chain
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hexlify, id, JsonRpcProvider, Signature, TypedDataEncoder, Wallet } from "ethers";
import { verifyBundle } from "../server/audit/verify-bundle.ts";
import { exportBundle } from "../server/audit/export.ts";
import { deployAidtrail, type Deployment } from "../server/chain/deploy.ts";
import { Area, Programme, Stage } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { RecordLog } from "../server/log/record-log.ts";
import { keyringFrom } from "../server/records/envelope.ts";
import { newRecord, type AidRecord } from "../server/records/record.ts";
import { APPLICATION_TYPES, decisionDomain, DECISION_TYPES, identitiesHash, type Decision } from "../kit/decision.ts";
import { recordHash } from "../kit/index.ts";
import type { ApplicationStruct } from "../types/ethers-contracts/cases/CaseRegistry.js";
import { CaseRegistry__factory, FundLedger__factory, LogAnchor__factory } from "../types/ethers-contracts/index.js";

const { values } = parseArgs({ options: { records: { type: "string", default: "25000,50000,100000" } } });
const SIZES = values.records.split(",").map(Number);
const RECORDS_PER_CASE = 20;
const PROVINCE = 440000000000n;
const COUNTY = 440105000000n;
const TOWNSHIP = "440105001000";
/** Hardhat's well-known development accounts, unlocked on its node: keys for local chains only. */
const GOVERNANCE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const OPERATOR_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const CASEWORKER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const FINANCE_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
/** China Standard Time, the clock of payout periods. */
const CST = 8 * 3600;
const APPLICATIONS_PER_TRANSACTION = 100;

// The chain is a node of its own, in its own process, as an auditor's would be: the verifier's
// offline half is long synchronous work, and a node sharing its thread would stall meanwhile.
const node = spawn(process.execPath, ["node_modules/hardhat/dist/src/cli.js", "node", "--port", "18545"], { stdio: ["ignore", "pipe", "inherit"] });
await new Promise<void>((resolve, reject) => {
  node.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("Started HTTP") && resolve());
  node.once("exit", (code) => reject(new Error(`hardhat node exited (${code}) before it listened`)));
});
// Whatever ends this process ends the node too.
process.on("exit", () => node.kill());
const rpc = "http://127.0.0.1:18545";
const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true, batchMaxCount: 50, batchMaxSize: 256 * 1024, cacheTimeout: -1 });
const governance = new Wallet(GOVERNANCE_KEY, provider);
const operator = new Wallet(OPERATOR_KEY);
const caseworker = new Wallet(CASEWORKER_KEY);
const finance = new Wallet(FINANCE_KEY);
const reviewer = Wallet.createRandom();
const approver = Wallet.createRandom();

/** Sends from an unlocked development account without waiting: the node signs, and JSON-RPC batches carry many at once. */
async function sendAll(from: string, calls: { to: string; data: string }[]): Promise<string[]> {
  const hashes: string[] = [];
  for (let i = 0; i < calls.length; i += 200) {
    hashes.push(...(await Promise.all(calls.slice(i, i + 200).map((call) => provider.send("eth_sendTransaction", [{ from, ...call, gas: "0xe4e1c0" }]) as Promise<string>))));
  }
  return hashes;
}

/** Mines a block at `timestamp`: the chain's clock reads it until the next. */
async function setClock(timestamp: number) {
  await provider.send("evm_setNextBlockTimestamp", [timestamp]);
  await provider.send("evm_mine", []);
}
/** The first second of `month` (1 to 12) of `year` in China Standard Time. */
const monthStart = (year: number, month: number) => Date.UTC(year, month - 1, 1) / 1000 - CST;
const latest = async () => (await provider.getBlock("latest"))!.timestamp;
/** The first fiscal year used: the one after the chain's clock, whose January is ahead of it. */
let year = new Date(((await latest()) + CST) * 1000).getUTCFullYear() + 1;

process.stdout.write("deploying and seeding the chain… ");
const { deployment, contracts } = await deployAidtrail(governance);
const { access, standards, cases, funds, anchor: anchorContract } = contracts;
const seed = async (tx: Promise<{ wait(): Promise<unknown> }>) => (await tx).wait();
await seed(access.registerJurisdiction(PROVINCE, 0n));
await seed(access.registerJurisdiction(COUNTY, PROVINCE));
await seed(access.registerJurisdiction(BigInt(TOWNSHIP), COUNTY));
for (const [role, who, scope] of [
  ["LOG_OPERATOR", operator.address, COUNTY],
  ["CASEWORKER", caseworker.address, COUNTY],
  ["FINANCE_OFFICER", finance.address, COUNTY],
  ["FINANCE_OFFICER", governance.address, 0n],
  ["REVIEWER", reviewer.address, BigInt(TOWNSHIP)],
  ["APPROVER", approver.address, COUNTY],
] as const) {
  await seed(access.grantScopedRole(roleId(role), who, scope));
}
await seed(standards.setStandard(PROVINCE, Programme.Dibao, Area.Urban, 120_000n, 0));
await seed(cases.setThreshold(PROVINCE, Programme.Dibao, Stage.Review, 1));
await seed(cases.setThreshold(PROVINCE, Programme.Dibao, Stage.Approval, 1));
await seed(cases.setNoticePeriod(Programme.Dibao, 0));
console.log("done");

const registry = CaseRegistry__factory.createInterface();
const ledger = FundLedger__factory.createInterface();
const anchorInterface = LogAnchor__factory.createInterface();
const domain = decisionDomain(deployment.chainId, deployment.contracts.caseRegistry);
const logId = id("benchmark log");
await seed(anchorContract.registerLog(logId, COUNTY));
const log = await RecordLog.open(mkdtempSync(join(tmpdir(), "aidtrail-bench-verify-")), { logId, keyring: keyringFrom({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }, "standard"), workers: 2 });
const deadline = BigInt((await latest()) + 20 * 365 * 86_400);
let made = 0;
let anchoredSize = 0;

/**
 * `count` new cases through intake, review, approval, activation and twelve monthly payouts, on
 * chain and in the log, in the next fiscal year: its appropriation, intake in its January,
 * payouts in its December (each month paid then, the earlier ones as back pay).
 */
async function addCases(count: number): Promise<void> {
  const first = made;
  await setClock(monthStart(year, 1) + 3600);
  const months = Array.from({ length: 12 }, (_, m) => year * 100 + m + 1);
  // The year's budget: proposed by the central finance officer, approved by the county's (two officers make an appropriation).
  const terms = [Programme.Dibao, year, COUNTY, 10n ** 15n, "0x" + "00".repeat(32)] as const;
  await sendAll(governance.address, [{ to: deployment.contracts.fundLedger, data: ledger.encodeFunctionData("proposeAppropriation", [...terms]) }]);
  const proposalId = await funds.appropriationProposalCount();
  await sendAll(finance.address, [{ to: deployment.contracts.fundLedger, data: ledger.encodeFunctionData("approveAppropriation", [proposalId, ...terms]) }]);
  const allocationId = await funds.allocationCount();
  const caseIds = Array.from({ length: count }, () => hexlify(randomBytes(32)));
  const records: AidRecord[] = [];
  const applications: ApplicationStruct[] = [];
  const applicationHash = new Map<string, string>();
  for (const caseId of caseIds) {
    const application = newRecord({ kind: "application", caseId, jurisdiction: TOWNSHIP, public: { programme: "dibao", area: "urban", householdSize: 1, documents: [] }, personal: { applicant: { name: "申请人", residentId: "110101199003074477" } } }, "standard");
    const hash = hexlify(recordHash(application));
    applicationHash.set(caseId, hash);
    records.push(application);
    const fields = { caseId, programme: Programme.Dibao, area: Area.Urban, jurisdiction: BigInt(TOWNSHIP), recordHash: hash, deadline };
    const identityCommitment = hexlify(randomBytes(32));
    const signature = Signature.from(await caseworker.signTypedData(domain, APPLICATION_TYPES, { ...fields, identities: identitiesHash(identityCommitment, []) }));
    applications.push({ ...fields, identityCommitment, household: [], caseworker: caseworker.address, r: signature.r, vs: signature.yParityAndS });
    for (let d = 0; d < RECORDS_PER_CASE - 3; d++) {
      records.push(newRecord({ kind: d < 5 ? "document" : "access-log", caseId, jurisdiction: TOWNSHIP, public: d < 5 ? { kind: "certificate", sha256: hexlify(randomBytes(32)).slice(2) } : { reader: operator.address, purpose: "review", fields: ["applicant"] } }, "standard"));
    }
  }
  const submissions: { to: string; data: string }[] = [];
  for (let i = 0; i < applications.length; i += APPLICATIONS_PER_TRANSACTION) {
    submissions.push({ to: deployment.contracts.caseRegistry, data: registry.encodeFunctionData("submitApplications", [applications.slice(i, i + APPLICATIONS_PER_TRANSACTION)]) });
  }
  await sendAll(operator.address, submissions);
  for (const [stage, signer] of [[Stage.Review, reviewer], [Stage.Approval, approver]] as const) {
    const decisions: { to: string; data: string }[] = [];
    for (const caseId of caseIds) {
      const granting = stage === Stage.Approval;
      const decision: Decision = { caseId, stage, approve: true, recordHash: applicationHash.get(caseId)!, amount: granting ? 95_000n : 0n, householdSize: granting ? 1 : 0, round: stage === Stage.Approval ? 1 : 0, deadline };
      const signature = await signer.signTypedData(domain, DECISION_TYPES, decision);
      const digest = TypedDataEncoder.hash(domain, DECISION_TYPES, decision);
      records.push(newRecord({ kind: "decision", caseId, jurisdiction: TOWNSHIP, public: { decision: { ...decision, amount: decision.amount.toString(), deadline: decision.deadline.toString() }, digest, signatures: [{ signer: signer.address, signature }] } }, "standard"));
      decisions.push({ to: deployment.contracts.caseRegistry, data: registry.encodeFunctionData("decide", [decision, [{ signer: signer.address, signature }]]) });
    }
    await sendAll(operator.address, decisions);
  }
  await sendAll(caseworker.address, caseIds.map((caseId) => ({ to: deployment.contracts.caseRegistry, data: registry.encodeFunctionData("activate", [caseId, hexlify(randomBytes(32))]) })));
  await setClock(monthStart(year, 12) + 14 * 86_400);
  const payouts: { to: string; data: string }[] = [];
  for (const period of months) {
    for (let i = 0; i < caseIds.length; i += 100) {
      const lines = caseIds.slice(i, i + 100).map((caseId) => ({ caseId, amount: "95000" }));
      records.push(newRecord({ kind: "payment-file", jurisdiction: TOWNSHIP, public: { period, allocationId: allocationId.toString(), programme: "dibao", lines } }, "standard"));
      payouts.push({ to: deployment.contracts.fundLedger, data: ledger.encodeFunctionData("payBatch", [allocationId, period, lines.map((l) => ({ caseId: l.caseId, amount: 95_000n }))]) });
    }
  }
  await sendAll(finance.address, payouts);
  year += 1;
  for (let i = 0; i < records.length; i += 1000) await log.append(records.slice(i, i + 1000));
  made = first + count;
  // Anchored as the gateway's anchorer does: a signed checkpoint, proven consistent with the last one.
  const checkpoint = await log.signCheckpoint(operator);
  const proof = (await log.consistencyProof(anchoredSize, checkpoint.treeSize)).map(hexlify);
  const [hash] = await sendAll(operator.address, [{ to: deployment.contracts.logAnchor, data: anchorInterface.encodeFunctionData("anchor", [logId, checkpoint.treeSize, checkpoint.root, proof]) }]);
  const receipt = (await provider.getTransactionReceipt(hash!))!;
  await log.recordAnchoring(checkpoint.treeSize, { chainId: deployment.chainId, anchor: deployment.contracts.logAnchor, transactionHash: hash!, blockNumber: receipt.blockNumber });
  anchoredSize = checkpoint.treeSize;
}

const rows: Record<string, string | number>[] = [];
for (const size of SIZES) {
  const building = performance.now();
  await addCases(Math.ceil(size / (RECORDS_PER_CASE + 12 / 100)) - made);
  const built = (performance.now() - building) / 1000;
  const bundle = await exportBundle(log, deployment as Deployment, { jurisdiction: "440105000000", auditor: approver.address });
  const started = performance.now();
  const report = await verifyBundle(bundle, new JsonRpcProvider(rpc, undefined, { staticNetwork: true }), { anchor: deployment.contracts.logAnchor });
  const seconds = (performance.now() - started) / 1000;
  if (!report.ok) throw new Error(`the benchmark's own bundle failed: ${report.failures.slice(0, 3).map((f) => `${f.code}: ${f.message}`).join("; ")}`);
  const s = report.summary;
  rows.push({ records: s.records, cases: made, decisions: s.decisions, payouts: s.payouts, checkpoints: s.checkpoints, "verify s": seconds.toFixed(1), "µs per record": Math.round((seconds * 1e6) / s.records), "chain built in s": built.toFixed(0) });
  console.table(rows.slice(-1));
}
console.table(rows);
await log.close();
provider.destroy();
process.exit(0);
