import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexlify, id, randomBytes, TypedDataEncoder, type Signer } from "ethers";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportBundle } from "../server/audit/export.ts";
import { checkLedger, type LedgerInput } from "../server/audit/ledger-check.ts";
import type { ChainEvent } from "../server/audit/steps.ts";
import { allocationFlow } from "../server/audit/flow.ts";
import { caseTrail } from "../server/audit/trail.ts";
import { ledgerEvents, roleHistory, verifyBundle } from "../server/audit/verify-bundle.ts";
import type { ChainClient } from "../server/chain/client.ts";
import { CaseStatus, Programme, Stage } from "../server/chain/domain.ts";
import { inWindows } from "../server/chain/events.ts";
import { roleId } from "../server/chain/roles.ts";
import { Indexer } from "../server/sync/indexer.ts";
import { RecordLog } from "../server/log/record-log.ts";
import { keyringFrom } from "../server/records/envelope.ts";
import { newRecord, type NewRecord } from "../server/records/record.ts";
import { StateStore } from "../server/state/state-store.ts";
import { checkBundle, decisionDomain, DECISION_TYPES, type AuditBundle } from "../kit/index.ts";
import { buildWorld, DAY, J, type World } from "./helpers/world.ts";

const COUNTY = "440105000000";
const TOWNSHIP = "440105001000";
const AMOUNT = 150_000n;

let w: World;
let log: RecordLog;
let state: StateStore;
let anchoredSize = 0;
/** The month the payouts are for, the chain's own (China Standard Time), and so the allocation's fiscal year. */
let period: number;
const ids: { paid: string; objected: string; unpaid: string; identityOfObjected: string } = { paid: "", objected: "", unpaid: "", identityOfObjected: "" };
let honest: AuditBundle;
/** The last block of the honest ledger, before the ghosts. */
let honestHead: number;

/** The chain's current month, YYYYMM in China Standard Time, as contracts/funds/Periods.sol reads it. */
async function chainMonth(): Promise<number> {
  const d = new Date((Number(await w.time()) + 8 * 3600) * 1000);
  return d.getUTCFullYear() * 100 + d.getUTCMonth() + 1;
}

/** Logs a record and returns its leaf hash: what the ledger step names. Every record is logged before its step, as the gateway does. */
async function logged(record: NewRecord): Promise<string> {
  const [appended] = await log.append([newRecord(record, "standard")]);
  return appended!.leafHash;
}

/** Signs and anchors the log as it stands, as the gateway's anchorer does. */
async function anchor(): Promise<void> {
  const checkpoint = await log.signCheckpoint(w.who.logOperator);
  const proof = (await log.consistencyProof(anchoredSize, checkpoint.treeSize)).map(hexlify);
  const receipt = (await (await w.contracts.anchor.connect(w.who.logOperator).anchor(log.logId, checkpoint.treeSize, checkpoint.root, proof)).wait())!;
  await log.recordAnchoring(checkpoint.treeSize, { chainId: Number(w.chainId), anchor: await w.contracts.anchor.getAddress(), transactionHash: receipt.hash, blockNumber: receipt.blockNumber });
  anchoredSize = checkpoint.treeSize;
}

/** One more record and one more anchoring: the steps mined before the last anchoring are then covered by the next bundle. */
async function anchorTwice(): Promise<void> {
  await anchor();
  await logged({ kind: "access-log", jurisdiction: COUNTY, public: { reader: w.who.auditor.address, purpose: "test", fields: [] } });
  await anchor();
}

const exported = () => exportBundle(log, w.deployment, { jurisdiction: COUNTY, auditor: w.who.auditor.address });

/** A decision as the gateway relays it: the decision record logged, then the decision on the ledger. */
async function decide(caseId: string, stage: Stage, signers: Signer[], terms: { amount?: bigint; householdSize?: number } = {}) {
  const decision = await w.decision(caseId, { stage, amount: terms.amount ?? 0n, householdSize: terms.householdSize ?? 0 });
  const signatures = await w.sign(decision, signers);
  const domain = decisionDomain(w.chainId, await w.contracts.cases.getAddress());
  await logged({
    kind: "decision",
    caseId,
    jurisdiction: TOWNSHIP,
    public: { decision: { ...decision, amount: decision.amount.toString(), deadline: decision.deadline.toString() }, digest: TypedDataEncoder.hash(domain, DECISION_TYPES, decision), signatures },
  });
  await (await w.contracts.cases.decide(decision, signatures)).wait();
}

/** A case opened by the caseworker's signed application, its record logged first, relayed by the deploying account (anyone may relay), and reviewed and approved. */
async function open(): Promise<{ caseId: string; identity: string }> {
  const caseId = hexlify(randomBytes(32));
  const recordHash = await logged({ kind: "application", caseId, jurisdiction: TOWNSHIP, public: { programme: "dibao", area: "urban", householdSize: 2 }, personal: { applicant: { name: "申请人" } } });
  const { identity } = await w.submit({ caseId, recordHash, household: [hexlify(randomBytes(32))] });
  await decide(caseId, Stage.Review, [w.who.reviewer1]);
  await decide(caseId, Stage.Approval, [w.who.approver1, w.who.approver2], { amount: AMOUNT, householdSize: 2 });
  return { caseId, identity };
}

async function activate(caseId: string) {
  const evidence = await logged({ kind: "document", caseId, jurisdiction: TOWNSHIP, public: { type: "public-notice-completed" } });
  await (await w.contracts.cases.connect(w.who.caseworker).activate(caseId, evidence)).wait();
}

async function pay(caseId: string, allocationId: bigint) {
  await logged({ kind: "payment-file", jurisdiction: TOWNSHIP, public: { period, allocationId: allocationId.toString(), programme: "dibao", lines: [{ caseId, amount: AMOUNT.toString() }] } });
  await (await w.contracts.funds.connect(w.who.finance).pay(allocationId, caseId, period, AMOUNT)).wait();
}

const head = async () => w.ethers.provider.getBlockNumber();
const eventsTo = async (last: number) => ledgerEvents(w.ethers.provider, [await w.contracts.cases.getAddress(), await w.contracts.funds.getAddress()], (query) => inWindows(query, last));

/**
 * The ledger of one county, every step taken by its officer: a case paid, reversed, paid again
 * and settled; a case objected to, reviewed again and revised; a case active, not yet paid and
 * moved to the neighbouring township; central funds handed down to the township. Every step's
 * record is logged before the step, as the gateway does.
 */
beforeAll(async () => {
  w = await buildWorld();
  log = await RecordLog.open(mkdtempSync(join(tmpdir(), "aidtrail-actors-log-")), { logId: id("ledger actors"), keyring: keyringFrom({ current: "k1", keys: { k1: Buffer.from(randomBytes(32)).toString("base64") } }, "standard") });
  await w.registerLog(log.logId);
  state = await StateStore.open(mkdtempSync(join(tmpdir(), "aidtrail-actors-state-")));

  ids.paid = (await open()).caseId;
  ids.unpaid = (await open()).caseId;
  const objected = await open();
  ids.objected = objected.caseId;
  ids.identityOfObjected = objected.identity;
  const complaint = await logged({ kind: "complaint", caseId: ids.objected, jurisdiction: TOWNSHIP, public: { type: "objection" }, personal: { text: "家中有车辆未申报" } });
  await (await w.contracts.cases.connect(w.who.reviewer1).lodgeObjection(ids.objected, complaint)).wait();
  await decide(ids.objected, Stage.Review, [w.who.reviewer1]);
  const revision = await logged({ kind: "application", caseId: ids.objected, jurisdiction: TOWNSHIP, public: { programme: "dibao", area: "urban", householdSize: 2, reason: "复核后更正收入" } });
  await (await w.contracts.cases.connect(w.who.caseworker).reviseRecord({ caseId: ids.objected, recordHash: revision, identityCommitment: ids.identityOfObjected, joined: [], left: [], evidenceHash: revision })).wait();

  await w.advance(7 * DAY);
  await activate(ids.paid);
  await activate(ids.unpaid);
  period = await chainMonth();
  const fiscalYear = Math.floor(period / 100);
  // Central budget, handed down to the county by the central finance officer and to the township by the county's.
  const appropriation = await logged({ kind: "document", jurisdiction: "000000000000", public: { type: "appropriation", programme: "dibao", fiscalYear, amount: "10000000" } });
  await w.appropriate(Programme.Dibao, fiscalYear, J.nation, 10_000_000n, appropriation);
  const toCounty = await logged({ kind: "document", jurisdiction: COUNTY, public: { type: "allocation", parentId: "1", amount: "5000000" } });
  await (await w.contracts.funds.connect(w.who.centralFinance).allocate(1n, J.countyA, 5_000_000n, toCounty)).wait();
  const toTownship = await logged({ kind: "document", jurisdiction: TOWNSHIP, public: { type: "allocation", parentId: "2", amount: "1000000" } });
  await (await w.contracts.funds.connect(w.who.finance).allocate(2n, J.townshipA1, 1_000_000n, toTownship)).wait();

  await pay(ids.paid, 3n);
  const reason = await logged({ kind: "document", caseId: ids.paid, jurisdiction: TOWNSHIP, public: { type: "payout-reversal", period, allocationId: "3", amount: AMOUNT.toString() }, personal: { reason: "账户已注销" } });
  await (await w.contracts.funds.connect(w.who.finance).reversePayout(3n, ids.paid, period, AMOUNT, reason)).wait();
  await pay(ids.paid, 3n);
  const receipt = await logged({ kind: "settlement", jurisdiction: COUNTY, public: { period, lines: [{ caseId: ids.paid, reference: "ICBC-1" }] } });
  await (await w.contracts.funds.connect(w.who.settlement).confirmSettlements(period, [{ caseId: ids.paid, evidenceHash: receipt }])).wait();

  // Moved to the neighbouring township by a county approver, who covers both.
  const transfer = await logged({ kind: "document", caseId: ids.unpaid, jurisdiction: TOWNSHIP, public: { type: "case-transfer", to: "440105002000" } });
  await (await w.contracts.cases.connect(w.who.approver1).transferCase(ids.unpaid, J.townshipA2, transfer)).wait();

  await anchorTwice();
  honest = await exported();
  honestHead = await head();
}, 180_000);
afterAll(async () => {
  await log?.close();
  await state?.close();
});

describe("the officer named as each ledger step's actor", () => {
  it("verifies the honest township's bundle: every step's actor held its role, every case, payout and reversal has its record", async () => {
    const report = await verifyBundle(honest, w.ethers.provider, { anchor: await w.contracts.anchor.getAddress() });
    expect(report.failures).toEqual([]);
    expect(report.warnings).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatchObject({ decisions: 7, payouts: 2, settled: 1, unsettled: 0, reversals: 1 });
    // Paid, reversed and paid again: the payment files net of the reversed one reconcile with the ledger.
    expect(report.allocations).toEqual([{ allocationId: "3", amount: "1000000", paid: AMOUNT.toString(), inPaymentFiles: AMOUNT.toString(), reconciles: true }]);
  });

  it("fails a bundle whose log is not the one governance registered for the bundle's jurisdiction", async () => {
    const claimed = { ...structuredClone(honest), jurisdiction: "440106000000" };
    const report = await verifyBundle(claimed, w.ethers.provider, { anchor: await w.contracts.anchor.getAddress() });
    const refused = report.failures.find((f) => f.code === "LOG_NOT_REGISTERED");
    expect(refused?.message).toBe(`the bundle's log ${honest.logId} is registered on the ledger for jurisdiction ${COUNTY}, not for the bundle's 440106000000`);
    expect(report.ok).toBe(false);
  });

  it("gives each step of the trail and of the flow of funds the actor its event names, never the account that relayed it", async () => {
    const head = async () => ({ number: await w.ethers.provider.getBlockNumber(), timestamp: Number(await w.time()) });
    const chain = { cases: w.contracts.cases, funds: w.contracts.funds, provider: w.ethers.provider, head } as unknown as ChainClient;
    const indexer = new Indexer(state, chain, 0, pino({ level: "silent" }));
    const ledgerSteps = async (caseId: string) => (await caseTrail(indexer, log, state, caseId)).steps.filter((s) => s.where === "ledger").map((s) => [s.step, s.actor, s.role]);
    const { caseworker, reviewer1, approver1, approver2, finance, settlement } = w.who;
    const [firstApprover] = [approver1.address, approver2.address].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const approval = ["approval", firstApprover, "APPROVER"];
    expect(await ledgerSteps(ids.paid)).toEqual([
      ["application", caseworker.address, "CASEWORKER"],
      ["review", reviewer1.address, "REVIEWER"],
      ["review", reviewer1.address, "REVIEWER"],
      approval,
      approval,
      ["activation", caseworker.address, "CASEWORKER or APPROVER"],
      ["payout", finance.address, "FINANCE_OFFICER"],
      ["reversal", finance.address, "FINANCE_OFFICER"],
      ["payout", finance.address, "FINANCE_OFFICER"],
      ["settlement", settlement.address, "SETTLEMENT_AGENT"],
    ]);
    // The objection is the reviewer's; the revision's CaseRecordRevised and its return to review are the caseworker's.
    expect((await ledgerSteps(ids.objected)).slice(5)).toEqual([
      ["objection", reviewer1.address, "CASEWORKER or REVIEWER"],
      ["review", reviewer1.address, "REVIEWER"],
      ["review", reviewer1.address, "REVIEWER"],
      ["revision", caseworker.address, "CASEWORKER"],
      ["revision", caseworker.address, "CASEWORKER"],
    ]);
    const decided = (await caseTrail(indexer, log, state, ids.paid)).steps.find((s) => s.step === "approval" && s.signers);
    expect([...decided!.signers!].sort()).toEqual([approver1.address, approver2.address].sort());
    // The relayer of every application and decision is the governance account in this world: it is no step's actor.
    const actors = [...(await ledgerSteps(ids.paid)), ...(await ledgerSteps(ids.objected))].map(([, actor]) => actor);
    expect(actors).not.toContain(w.who.governance.address);

    // The flow of funds names who made each allocation, and who paid and reversed each payout.
    const { tree } = await allocationFlow(chain, indexer, 1n);
    const township = tree.children[0]!.children[0]!;
    expect([tree.proposedBy, tree.madeBy, tree.children[0]!.madeBy, township.madeBy]).toEqual([w.who.centralFinance.address, w.who.centralChecker.address, w.who.centralFinance.address, finance.address]);
    expect(township.proposedBy).toBeNull();
    expect([...township.payouts, ...township.reversals].map((l) => [l.caseId, l.actor])).toEqual([
      [ids.paid, finance.address],
      [ids.paid, finance.address],
      [ids.paid, finance.address],
    ]);
  });
});

describe("an actor without the role at the step's block", () => {
  /** The honest ledger's events with one changed, checked with the chain's real role history. */
  async function checkWith(change: (events: ChainEvent[]) => ChainEvent[], input: Partial<LedgerInput> = {}) {
    const last = await head();
    const holds = await roleHistory(w.contracts.access, (query) => inWindows(query, last));
    const events = change(structuredClone(await eventsTo(honestHead)));
    return checkLedger({ jurisdiction: COUNTY, complete: true, coveredTo: honestHead, offline: checkBundle(honest), events, holds, ...input });
  }
  const find = (events: ChainEvent[], name: string, caseId?: string) => events.find((e) => e.name === name && (!caseId || e.args.caseId === caseId))!;

  it("is a failure naming the step, the actor, the role and the block, for each kind of step", async () => {
    expect((await checkWith((e) => e)).failures).toEqual([]);
    const { outsider, caseworkerB, reviewer1, financeB, finance, townshipApprover } = w.who;
    const cases: [string, string, string, (events: ChainEvent[]) => ChainEvent, string][] = [
      ["application", "CaseSubmitted", "CASEWORKER", (e) => find(e, "CaseSubmitted", ids.paid), caseworkerB.address],
      ["activation", "CaseTransition", "CASEWORKER or APPROVER", (e) => e.find((x) => x.name === "CaseTransition" && x.args.to === "4")!, reviewer1.address],
      ["objection", "CaseTransition", "CASEWORKER or REVIEWER", (e) => e.find((x) => x.name === "CaseTransition" && x.args.from === "3" && x.args.to === "1")!, finance.address],
      ["revision", "CaseRecordRevised", "CASEWORKER", (e) => find(e, "CaseRecordRevised"), reviewer1.address],
      ["payout", "PayoutMade", "FINANCE_OFFICER", (e) => find(e, "PayoutMade"), outsider.address],
      ["reversal", "PayoutReversed", "FINANCE_OFFICER", (e) => find(e, "PayoutReversed"), financeB.address],
      ["settlement", "PayoutSettled", "SETTLEMENT_AGENT", (e) => find(e, "PayoutSettled"), finance.address],
      // Over the nation, where the central finance officer made it.
      ["appropriation", "AppropriationMade", "FINANCE_OFFICER", (e) => find(e, "AppropriationMade"), financeB.address],
      // Over the parent's jurisdiction, the nation: a county's finance officer cannot hand down central funds.
      ["allocation", "AllocationMade", "FINANCE_OFFICER", (e) => find(e, "AllocationMade"), finance.address],
      // An approver of the first township only: over the case's jurisdiction before, not over the one it moves to.
      ["transfer", "CaseTransferred", "APPROVER", (e) => find(e, "CaseTransferred"), townshipApprover.address],
    ];
    for (const [step, , role, pick, impostor] of cases) {
      let block = 0;
      const { failures } = await checkWith((events) => {
        const event = pick(events);
        block = event.blockNumber;
        event.args[event.name === "PayoutSettled" ? "agent" : "actor"] = impostor;
        return events;
      });
      expect(failures, step).toEqual([expect.objectContaining({ code: "STEP_ACTOR_UNAUTHORIZED", step, actor: impostor, role, blockNumber: block })]);
    }
  });

  it("holds a payout's officer to the allocation's jurisdiction, which must be a county's or below and cover the case", async () => {
    const { failures } = await checkWith((events) => {
      // The same payout as if drawn on the central appropriation: the township's finance officer holds no role over the nation.
      find(events, "PayoutMade").args.allocationId = "1";
      return events;
    });
    const payout = find(await eventsTo(honestHead), "PayoutMade");
    expect(failures.map((f) => [f.code, f.actor ?? null])).toEqual(
      expect.arrayContaining([
        ["STEP_ACTOR_UNAUTHORIZED", w.who.finance.address],
        ["PAYOUT_ALLOCATION_ABOVE_COUNTY", w.who.finance.address],
      ]),
    );
    expect(failures.find((f) => f.code === "STEP_ACTOR_UNAUTHORIZED")!.message).toBe(
      `${w.who.finance.address} took the payout step on case ${ids.paid} without the FINANCE_OFFICER role over 000000000000 at block ${payout.blockNumber}`,
    );
  });

  it("fails an appropriation proposed and approved by one officer, and names a maker without the role", async () => {
    const alone = await checkWith((events) => {
      const made = find(events, "AppropriationMade");
      made.args.proposer = made.args.actor;
      return events;
    });
    expect(alone.failures.map((f) => [f.code, f.actor])).toEqual([["APPROPRIATION_BY_ONE_OFFICER", w.who.centralChecker.address]]);
    const impostor = await checkWith((events) => {
      find(events, "AppropriationMade").args.proposer = w.who.financeB.address;
      return events;
    });
    expect(impostor.failures).toEqual([expect.objectContaining({ code: "STEP_ACTOR_UNAUTHORIZED", step: "appropriation", actor: w.who.financeB.address })]);
  });

  it("matches every step that names its evidence to its record: a step with none, or with another case's or kind's, fails", async () => {
    const events = await eventsTo(honestHead);
    const activation = events.find((e) => e.name === "CaseTransition" && e.args.caseId === ids.paid && e.args.to === String(CaseStatus.Active))!;
    // A suspension sent straight to the chain by a real approver, naming a hash no record has.
    const ghostHash = hexlify(randomBytes(32));
    const suspension: ChainEvent = { ...structuredClone(activation), logIndex: activation.logIndex + 1000, args: { ...activation.args, from: String(CaseStatus.Active), to: String(CaseStatus.Suspended), actor: w.who.approver1.address, evidenceHash: ghostHash } };
    const { failures: unrecorded } = await checkWith((e) => [...e, suspension].sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex));
    expect(unrecorded).toEqual([expect.objectContaining({ code: "STEP_WITHOUT_RECORD", step: "suspension", caseId: ids.paid, actor: w.who.approver1.address })]);
    // The activation naming the objection lodged against another case.
    const complaint = events.find((e) => e.name === "CaseTransition" && e.args.caseId === ids.objected && e.args.to === String(CaseStatus.Submitted) && e.args.from === String(CaseStatus.InNotice))!;
    const { failures: mismatched } = await checkWith((e) => {
      e.find((x) => x.logIndex === activation.logIndex && x.blockNumber === activation.blockNumber)!.args.evidenceHash = complaint.args.evidenceHash;
      return e;
    });
    expect(mismatched).toEqual([expect.objectContaining({ code: "STEP_RECORD_MISMATCH", step: "activation", caseId: ids.paid })]);
    expect(mismatched[0]!.message).toContain(`which is a complaint of type objection of case ${ids.objected}, not a document of type public-notice-completed of this case`);
  });

  it("holds the ledger's household, which every cap multiplies, to the application record's: at intake and at each revision", async () => {
    const events = await eventsTo(honestHead);
    const revised = find(events, "CaseRecordRevised");
    // The members who joined and left are on the ledger's event, by their commitments, with the size after.
    expect([revised.args.joined, revised.args.left, revised.args.householdSize]).toEqual([[], [], "2"]);
    expect(find(events, "CaseSubmitted", ids.paid).args.householdSize).toBe("2");
    const larger = await checkWith((e) => {
      find(e, "CaseSubmitted", ids.paid).args.householdSize = "3";
      return e;
    });
    expect(larger.failures).toEqual([expect.objectContaining({ code: "HOUSEHOLD_SIZE_MISMATCH", caseId: ids.paid, step: "application" })]);
    expect(larger.failures[0]!.message).toMatch(/opened on the ledger with a household of 3; its application record r[0-9a-f]{32} says 2$/);
    // A revision naming a member its record does not have: the caseworker's number is not taken on trust.
    const phantom = await checkWith((e) => {
      Object.assign(find(e, "CaseRecordRevised").args, { joined: [hexlify(randomBytes(32))], householdSize: "3" });
      return e;
    });
    expect(phantom.failures.map((f) => [f.code, f.step])).toEqual([["HOUSEHOLD_SIZE_MISMATCH", "revision"]]);
  });

  it("holds an acknowledgement of receipt to the caseworker's role alone, as the ledger does: the operator's is a failure", async () => {
    const events = await eventsTo(honestHead);
    const payout = events.find((e) => e.name === "PayoutMade")!;
    const acknowledged = (actor: string): ChainEvent => ({ ...structuredClone(payout), name: "PayoutAcknowledged", logIndex: payout.logIndex + 1000, args: { caseId: ids.paid, period: String(period), acknowledgementHash: find(events, "PayoutReversed").args.reasonHash, actor } });
    const byOperator = await checkWith((e) => [...e, acknowledged(w.who.logOperator.address)].sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex));
    expect(byOperator.failures.map((f) => [f.code, f.actor, f.role])).toEqual([["STEP_ACTOR_UNAUTHORIZED", w.who.logOperator.address, "CASEWORKER"]]);
    const byCaseworker = await checkWith((e) => [...e, acknowledged(w.who.caseworker.address)].sort((x, y) => x.blockNumber - y.blockNumber || x.logIndex - y.logIndex));
    expect(byCaseworker.failures).toEqual([]);
  });

  it("is judged at the step's own block: the same payout after the officer's role was revoked fails", async () => {
    const { access } = w.contracts;
    await (await access.revokeRole(roleId("FINANCE_OFFICER"), w.who.finance.address)).wait();
    const revokedAt = await head();
    try {
      const { failures } = await checkWith((events) => {
        const payout = find(events, "PayoutMade");
        // The same payout, as if taken after the revocation: a period the case was never paid for, so nothing else differs.
        return [...events, { ...structuredClone(payout), blockNumber: revokedAt, logIndex: 0, args: { ...payout.args, period: "0" } }];
      });
      expect(failures.filter((f) => f.code === "STEP_ACTOR_UNAUTHORIZED")).toEqual([
        expect.objectContaining({ step: "payout", actor: w.who.finance.address, role: "FINANCE_OFFICER", blockNumber: revokedAt }),
      ]);
      expect(failures.find((f) => f.code === "STEP_ACTOR_UNAUTHORIZED")!.message).toBe(
        `${w.who.finance.address} took the payout step on case ${ids.paid} without the FINANCE_OFFICER role over ${TOWNSHIP} at block ${revokedAt}`,
      );
    } finally {
      await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), w.who.finance.address, J.countyA)).wait();
    }
  });

  it("for a decision, names each signer without the role", async () => {
    const { failures } = await checkWith((events) => {
      find(events, "CaseDecided", ids.unpaid).args.signers = [w.who.caseworker.address];
      return events;
    });
    // The decision record names the reviewer, the ledger (as crafted) the caseworker: both are failures.
    expect(failures.map((f) => [f.code, f.actor ?? null, f.role ?? null])).toEqual([
      ["DECISION_SIGNERS_MISMATCH", null, null],
      ["DECISION_SIGNER_UNAUTHORIZED", w.who.caseworker.address, "REVIEWER"],
    ]);
  });
});

describe("each reversal matched to the payout it reverses", () => {
  async function check(change: (events: ChainEvent[]) => ChainEvent[], coveredTo = honestHead) {
    const holds = await roleHistory(w.contracts.access, (query) => inWindows(query, honestHead));
    const events = change(structuredClone(await eventsTo(honestHead)));
    return checkLedger({ jurisdiction: COUNTY, complete: true, coveredTo, offline: checkBundle(honest), events, holds });
  }
  const reversalOf = (events: ChainEvent[]) => events.find((e) => e.name === "PayoutReversed")!;
  const codes = (found: { failures: { code: string }[] }) => found.failures.map((f) => f.code);

  it("fails one of another amount or allocation than the payout's, naming what the payout was", async () => {
    const smaller = await check((events) => {
      reversalOf(events).args.amount = "100000";
      return events;
    });
    // The record of the reversal says what was reversed, so it disagrees with the event too.
    expect(codes(smaller)).toEqual(["REVERSAL_PAYOUT_MISMATCH", "REVERSAL_RECORD_MISMATCH", "ALLOCATION_UNRECONCILED"]);
    expect(smaller.failures[0]).toMatchObject({ caseId: ids.paid, step: "reversal", actor: w.who.finance.address });
    expect(smaller.failures[0]!.message).toMatch(new RegExp(`^the reversal of 100000 on allocation 3 to case ${ids.paid} for period ${period} does not match the payout it reverses: 150000 from allocation 3`));

    const elsewhere = await check((events) => {
      reversalOf(events).args.allocationId = "2";
      return events;
    });
    // Credited to allocation 2, which never paid it, and not to allocation 3, which did: neither reconciles.
    expect(codes(elsewhere)).toEqual(["REVERSAL_PAYOUT_MISMATCH", "REVERSAL_RECORD_MISMATCH", "ALLOCATION_UNRECONCILED", "ALLOCATION_UNRECONCILED"]);
  });

  it("matches a reversal to the latest unreversed payout, and fails one that follows none", async () => {
    // Reversed after the second payout, of the first's amount, where the second paid less: it is the second it reverses.
    const late = await check((events) => {
      const reversal = reversalOf(events);
      const rest = events.filter((e) => e !== reversal);
      const payouts = rest.filter((e) => e.name === "PayoutMade");
      payouts[1]!.args.amount = "140000";
      const at = rest.indexOf(payouts[1]!) + 1;
      return [...rest.slice(0, at), reversal, ...rest.slice(at)];
    });
    expect(codes(late)).toContain("REVERSAL_PAYOUT_MISMATCH");
    expect(late.failures.find((f) => f.code === "REVERSAL_PAYOUT_MISMATCH")!.message).toMatch(/does not match the payout it reverses: 140000 from allocation 3/);

    const twice = await check((events) => {
      const reversal = reversalOf(events);
      const at = events.indexOf(reversal) + 1;
      return [...events.slice(0, at), { ...structuredClone(reversal), logIndex: reversal.logIndex + 1 }, ...events.slice(at)];
    });
    expect(codes(twice)).toEqual(["REVERSAL_WITHOUT_PAYOUT", "ALLOCATION_UNRECONCILED"]);
    expect(twice.failures[0]!.message).toMatch(/follows no unreversed payout of that case and period on the ledger/);
  });

  it("fails a reversal with no record of it, or naming a record that is not of it", async () => {
    const unnamed = "0x" + "ab".repeat(32);
    const without = await check((events) => {
      reversalOf(events).args.reasonHash = unnamed;
      return events;
    });
    expect(without.failures).toEqual([expect.objectContaining({ code: "REVERSAL_WITHOUT_RECORD", caseId: ids.paid, step: "reversal" })]);
    // A step after the blocks the bundle covers may have its record logged after the bundle's end: a warning only.
    const reversalBlock = reversalOf(await eventsTo(honestHead)).blockNumber;
    const uncovered = await check((events) => {
      reversalOf(events).args.reasonHash = unnamed;
      return events;
    }, reversalBlock - 1);
    expect(uncovered.failures).toEqual([]);
    expect(uncovered.warnings.map((f) => f.code)).toEqual(["REVERSAL_WITHOUT_RECORD"]);

    const paymentFile = honest.leaves.find((l) => l.record?.kind === "payment-file")!.leafHash;
    const another = await check((events) => {
      reversalOf(events).args.reasonHash = paymentFile;
      return events;
    });
    expect(another.failures).toEqual([expect.objectContaining({ code: "REVERSAL_RECORD_MISMATCH" })]);
    expect(another.failures[0]!.message).toMatch(/names as its reason a payment-file record, not a record of a payout's reversal/);
  });
});

describe("ghosts: ledger steps with no record in a bundle from the log's first leaf", () => {
  it("fails a case a real caseworker signed that was put on the ledger with no record, a payout with no payment file and a reversal with no record", async () => {
    // Each step is real and authorised on chain: only the records are missing.
    const ghost = await w.submit();
    const elsewhere = await w.submit({ by: w.who.caseworkerB, jurisdiction: J.townshipB1 });
    // From the county's allocation: the case was moved out of the township whose allocation paid the other.
    await (await w.contracts.funds.connect(w.who.finance).pay(2n, ids.unpaid, period, AMOUNT)).wait();
    await (await w.contracts.funds.connect(w.who.finance).reversePayout(2n, ids.unpaid, period, AMOUNT, hexlify(randomBytes(32)))).wait();
    const steps = await eventsTo(await head());
    const blockOf = (name: string, caseId: string) => steps.find((e) => e.name === name && e.args.caseId === caseId)!.blockNumber;

    // Anchored once since: the bundle's last checkpoint may have been signed before the steps' records were logged, so they are warnings.
    await anchor();
    const early = await verifyBundle(await exported(), w.ethers.provider, { anchor: await w.contracts.anchor.getAddress() });
    expect(early.failures).toEqual([]);
    expect(early.warnings.map((f) => f.code)).toEqual(["CASE_WITHOUT_RECORD", "PAYOUT_WITHOUT_PAYMENT_FILE", "REVERSAL_WITHOUT_RECORD"]);

    // Anchored again: the checkpoint was signed after the steps were mined, so their records would be in the bundle.
    await anchor();
    const report = await verifyBundle(await exported(), w.ethers.provider);
    expect(report.ok).toBe(false);
    expect(report.failures).toEqual([
      expect.objectContaining({ code: "CASE_WITHOUT_RECORD", caseId: ghost.caseId, step: "application", actor: w.who.caseworker.address, blockNumber: blockOf("CaseSubmitted", ghost.caseId) }),
      expect.objectContaining({ code: "PAYOUT_WITHOUT_PAYMENT_FILE", caseId: ids.unpaid, step: "payout", actor: w.who.finance.address, blockNumber: blockOf("PayoutMade", ids.unpaid) }),
      expect.objectContaining({ code: "REVERSAL_WITHOUT_RECORD", caseId: ids.unpaid, step: "reversal", actor: w.who.finance.address, blockNumber: blockOf("PayoutReversed", ids.unpaid) }),
    ]);
    expect(report.failures[0]!.message).toBe(`case ${ghost.caseId} was opened on the ledger by ${w.who.caseworker.address} with record ${ghost.recordHash}, but the bundle holds no application record of it`);
    // A case of another county is not this bundle's to account for.
    expect(JSON.stringify(report)).not.toContain(elsewhere.caseId);
  });
});
