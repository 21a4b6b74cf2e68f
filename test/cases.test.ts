import { concat, hexlify, keccak256, randomBytes, Signature, toBeHex, TypedDataEncoder, ZeroHash } from "ethers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Area, CaseStatus, Programme, Stage } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { APPLICATION_BATCH, applicationsGas, applicationsPerTransaction } from "../server/sync/batching.ts";
import { APPLICATION_TYPES, decisionDomain, identitiesHash } from "../kit/decision.ts";
import { expectRevert } from "./helpers/expect-revert.ts";
import { buildWorld, DAY, J, STANDARD, type World } from "./helpers/world.ts";

let w: World;
let restore: () => Promise<void>;
const evidence = () => hexlify(randomBytes(32));

beforeAll(async () => {
  w = await buildWorld();
  restore = await w.snapshot();
});
beforeEach(async () => restore());

async function status(caseId: string): Promise<CaseStatus> {
  const [terms] = await w.contracts.cases.getCase(caseId);
  return Number(terms.status) as CaseStatus;
}

/** A revision of `caseId` keeping `applicant`, with `changes` (members joining or leaving, another record hash). */
const revision = (caseId: string, applicant: string, changes: { recordHash?: string; joined?: string[]; left?: string[]; identityCommitment?: string } = {}) => ({
  caseId,
  recordHash: evidence(),
  identityCommitment: applicant,
  joined: [],
  left: [],
  evidenceHash: evidence(),
  ...changes,
});

async function transitions(caseId: string) {
  return (await w.contracts.cases.queryFilter(w.contracts.cases.filters.CaseTransition(caseId))).map((l) => l.args);
}

describe("intake", () => {
  it("opens a case with its record hash and identity commitment, and names the caseworker who signed, whoever relays it", async () => {
    const a = await w.application();
    const receipt = await (await w.contracts.cases.connect(w.who.logOperator).submitApplications([a])).wait();
    expect(receipt!.from).toBe(w.who.logOperator.address);
    expect(await status(a.caseId)).toBe(CaseStatus.Submitted);
    expect(await w.contracts.cases.revisions(a.caseId)).toEqual([a.recordHash]);
    // Its first change of status, None to Submitted, is CaseSubmitted alone, at the block's time.
    const [submitted] = await w.contracts.cases.queryFilter(w.contracts.cases.filters.CaseSubmitted(a.caseId));
    expect(submitted!.args.actor).toBe(w.who.caseworker.address);
    expect(submitted!.args.recordHash).toBe(a.recordHash);
    expect(submitted!.args.identityCommitment).toBe(a.identityCommitment);
    expect(BigInt((await submitted!.getBlock()).timestamp)).toBe(await w.time());
    expect(await transitions(a.caseId)).toEqual([]);
  });

  it("refuses intake by a non-caseworker and by a caseworker of another township", async () => {
    await expectRevert(w.submit({ by: w.who.outsider }), "AccessOutsideJurisdiction", [w.who.outsider.address, roleId("CASEWORKER"), J.townshipA1]);
    await expectRevert(w.submit({ by: w.who.caseworker, jurisdiction: J.townshipB1 }), "AccessOutsideJurisdiction", [
      w.who.caseworker.address,
      roleId("CASEWORKER"),
      J.townshipB1,
    ]);
  });

  it("refuses a city-level or unknown jurisdiction, zero fields and a reused case id", async () => {
    const c = w.contracts.cases;
    await expectRevert(c.submitApplications([await w.application({ jurisdiction: J.city })]), "CaseJurisdictionInvalid", [J.city]);
    await expectRevert(c.submitApplications([await w.application({ jurisdiction: 440105009000n })]), "CaseJurisdictionInvalid", [440105009000n]);
    await expectRevert(c.submitApplications([await w.application({ caseId: ZeroHash })]), "CaseFieldZero", ["caseId"]);
    await expectRevert(c.submitApplications([await w.application({ recordHash: ZeroHash })]), "CaseFieldZero", ["recordHash"]);
    await expectRevert(c.submitApplications([await w.application({ identity: ZeroHash })]), "CaseFieldZero", ["identityCommitment"]);
    const { caseId } = await w.submit();
    await expectRevert(w.submit({ caseId }), "CaseAlreadyExists", [caseId]);
  });

  it("refuses a second open case of one identity in one programme, in any jurisdiction, naming the first", async () => {
    const first = await w.submit();
    await expectRevert(
      w.submit({ identity: first.identity, jurisdiction: J.townshipB1, by: w.who.caseworkerB }),
      "CaseIdentityAlreadyOpen",
      [first.identity, Programme.Dibao, first.caseId],
    );
    // Another programme is another entitlement.
    await w.submit({ identity: first.identity, programme: Programme.Temporary });
    // Once the first case is closed the identity may apply again, and the new case is the one open.
    await (await w.contracts.cases.connect(w.who.approver1).terminate(first.caseId, evidence())).wait();
    expect(await w.contracts.cases.openCaseOf(first.identity, Programme.Dibao)).toBe(ZeroHash);
    const second = await w.submit({ identity: first.identity, jurisdiction: J.townshipB1, by: w.who.caseworkerB });
    expect(await w.contracts.cases.openCaseOf(first.identity, Programme.Dibao)).toBe(second.caseId);
    await expectRevert(w.submit({ identity: first.identity }), "CaseIdentityAlreadyOpen", [first.identity, Programme.Dibao, second.caseId]);
  });
});

describe("application authorisations", () => {
  it("opens a case once: the same signed application sent again is refused", async () => {
    const a = await w.application();
    await (await w.contracts.cases.connect(w.who.logOperator).submitApplications([a])).wait();
    await expectRevert(w.contracts.cases.connect(w.who.logOperator).submitApplications([a]), "CaseAlreadyExists", [a.caseId]);
  });

  it("signs the applicant's and each member's commitment, in order, as identitiesHash gives them", async () => {
    const a = await w.application({ household: [evidence(), evidence()] });
    const authorisation = { ...a, identities: identitiesHash(a.identityCommitment, a.household) };
    const expected = TypedDataEncoder.hash(decisionDomain(w.chainId, await w.contracts.cases.getAddress()), APPLICATION_TYPES, authorisation);
    expect(await w.contracts.cases.applicationDigest(a)).toBe(expected);
    expect(identitiesHash(a.identityCommitment, a.household)).toBe(keccak256(concat([a.identityCommitment, ...a.household])));
  });

  it("refuses a signed application whose applicant or household was changed: another applicant, a member added, dropped, replaced or reordered", async () => {
    const [m1, m2] = [evidence(), evidence()];
    const a = await w.application({ household: [m1, m2] });
    const refused = [
      { ...a, identityCommitment: evidence() },
      { ...a, identityCommitment: m1, household: [a.identityCommitment, m2] },
      { ...a, household: [m1, m2, evidence()] },
      { ...a, household: [m1] },
      { ...a, household: [] },
      { ...a, household: [m1, evidence()] },
      { ...a, household: [m2, m1] },
    ];
    for (const changed of refused) {
      await expectRevert(w.contracts.cases.connect(w.who.logOperator).submitApplications([changed]), "ApplicationSignatureInvalid", [a.caseId, w.who.caseworker.address]);
      await expectRevert(w.contracts.cases.checkApplications([changed]), "ApplicationSignatureInvalid", [a.caseId, w.who.caseworker.address]);
    }
    await (await w.contracts.cases.connect(w.who.logOperator).submitApplications([a])).wait();
    for (const member of [a.identityCommitment, m1, m2]) expect(await w.contracts.cases.openCaseOf(member, Programme.Dibao)).toBe(a.caseId);
  });

  it("refuses an authorisation past its deadline, naming the deadline and the chain's time, and takes one at its deadline", async () => {
    const deadline = (await w.time()) + 100n;
    const late = await w.application({ deadline });
    await w.nextBlockAt(deadline + 1n);
    await expectRevert(w.contracts.cases.submitApplications([late]), "ApplicationExpired", [late.caseId, deadline, deadline + 1n]);
    const onTime = await w.application({ deadline: deadline + 10n });
    await w.nextBlockAt(deadline + 10n);
    await (await w.contracts.cases.submitApplications([onTime])).wait();
    expect(await status(onTime.caseId)).toBe(CaseStatus.Submitted);
  });

  it("refuses an authorisation signed for another chain", async () => {
    const a = await w.application({ domain: { chainId: w.chainId + 1n } });
    await expectRevert(w.contracts.cases.submitApplications([a]), "ApplicationSignatureInvalid", [a.caseId, w.who.caseworker.address]);
  });

  it("refuses an authorisation signed for another registry address", async () => {
    const a = await w.application({ domain: { registry: await w.contracts.funds.getAddress() } });
    await expectRevert(w.contracts.cases.submitApplications([a]), "ApplicationSignatureInvalid", [a.caseId, w.who.caseworker.address]);
  });

  it("refuses one caseworker's signature claimed for another", async () => {
    const a = await w.application({ by: w.who.caseworker });
    await expectRevert(w.contracts.cases.submitApplications([{ ...a, caseworker: w.who.caseworkerB.address }]), "ApplicationSignatureInvalid", [
      a.caseId,
      w.who.caseworkerB.address,
    ]);
  });

  it("refuses an application changed after it was signed, and a signature that is not one", async () => {
    const a = await w.application();
    const refused = [
      { ...a, recordHash: evidence() },
      { ...a, programme: Programme.Temporary },
      { ...a, area: Area.Rural },
      { ...a, jurisdiction: J.townshipA2 },
      { ...a, deadline: a.deadline + 1n },
      { ...a, r: ZeroHash, vs: ZeroHash },
    ];
    for (const changed of refused) {
      await expectRevert(w.contracts.cases.submitApplications([changed]), "ApplicationSignatureInvalid", [a.caseId, w.who.caseworker.address]);
    }
    await (await w.contracts.cases.submitApplications([a])).wait();
  });

  it("refuses an authorisation signed by an officer without the caseworker role", async () => {
    const a = await w.application({ by: w.who.reviewer1 });
    await expectRevert(w.contracts.cases.submitApplications([a]), "AccessOutsideJurisdiction", [w.who.reviewer1.address, roleId("CASEWORKER"), J.townshipA1]);
  });

  it("refuses an authorisation signed by a caseworker outside the application's jurisdiction", async () => {
    const a = await w.application({ by: w.who.caseworkerB, jurisdiction: J.townshipA1 });
    await expectRevert(w.contracts.cases.submitApplications([a]), "AccessOutsideJurisdiction", [w.who.caseworkerB.address, roleId("CASEWORKER"), J.townshipA1]);
  });
});

describe("the operator account alone", () => {
  it("holds the log operator's role and no case or fund role", async () => {
    const held = await Promise.all(
      (["GOVERNANCE", "CASEWORKER", "REVIEWER", "APPROVER", "FINANCE_OFFICER", "SETTLEMENT_AGENT", "AUDITOR", "LOG_OPERATOR"] as const).map(
        async (role) => [role, await w.contracts.access.hasRole(roleId(role), w.who.logOperator.address)] as const,
      ),
    );
    expect(held.filter(([, has]) => has).map(([role]) => role)).toEqual(["LOG_OPERATOR"]);
  });

  it("cannot open a case with its own signature", async () => {
    const a = await w.application({ by: w.who.logOperator });
    await expectRevert(w.contracts.cases.connect(w.who.logOperator).submitApplications([a]), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("CASEWORKER"),
      J.townshipA1,
    ]);
  });

  it("cannot open a case in a caseworker's name", async () => {
    const a = await w.application({ by: w.who.logOperator });
    await expectRevert(w.contracts.cases.connect(w.who.logOperator).submitApplications([{ ...a, caseworker: w.who.caseworker.address }]), "ApplicationSignatureInvalid", [
      a.caseId,
      w.who.caseworker.address,
    ]);
  });

  it("cannot revise a record", async () => {
    const { caseId, identity } = await w.submit();
    await expectRevert(w.contracts.cases.connect(w.who.logOperator).reviseRecord(revision(caseId, identity)), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("CASEWORKER"),
      J.townshipA1,
    ]);
  });

  it("cannot lodge an objection", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    await w.approve(caseId, 100_000n);
    await expectRevert(w.contracts.cases.connect(w.who.logOperator).lodgeObjection(caseId, evidence()), "CaseUnauthorized", [w.who.logOperator.address, J.townshipA1]);
  });

  it("cannot activate a case", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    await w.approve(caseId, 100_000n);
    await w.advance(7 * DAY);
    await expectRevert(w.contracts.cases.connect(w.who.logOperator).activate(caseId, evidence()), "CaseUnauthorized", [w.who.logOperator.address, J.townshipA1]);
  });

  it("cannot suspend, resume, end or transfer a case", async () => {
    const { caseId } = await w.activeCase();
    const c = w.contracts.cases.connect(w.who.logOperator);
    const refusal = [w.who.logOperator.address, roleId("APPROVER"), J.townshipA1];
    await expectRevert(c.suspend(caseId, evidence()), "AccessOutsideJurisdiction", refusal);
    await (await w.contracts.cases.connect(w.who.approver1).suspend(caseId, evidence())).wait();
    await expectRevert(c.resume(caseId, evidence()), "AccessOutsideJurisdiction", refusal);
    await expectRevert(c.terminate(caseId, evidence()), "AccessOutsideJurisdiction", refusal);
    await expectRevert(c.transferCase(caseId, J.townshipA2, evidence()), "CaseTransferInvalid", [caseId, J.townshipA1, J.townshipA2]);
  });

  it("cannot decide: its signature is not an officer's", async () => {
    const { caseId } = await w.submit();
    const d = await w.decision(caseId);
    await expectRevert(w.contracts.cases.connect(w.who.logOperator).decide(d, await w.sign(d, [w.who.logOperator])), "DecisionSignerUnauthorized", [
      w.who.logOperator.address,
      roleId("REVIEWER"),
      J.townshipA1,
    ]);
  });
});

describe("households", () => {
  it("holds each member's commitment: every member's open case is the household's", async () => {
    const members = [evidence(), evidence()];
    const { caseId, identity } = await w.submit({ household: members });
    for (const who of [identity, ...members]) expect(await w.contracts.cases.openCaseOf(who, Programme.Dibao)).toBe(caseId);
  });

  it("refuses a member listed twice", async () => {
    const m = evidence();
    const a = await w.application({ household: [evidence(), m, m] });
    await expectRevert(w.contracts.cases.submitApplications([a]), "ApplicationHouseholdRepeated", [a.caseId, m]);
  });

  it("refuses the applicant listed as a member", async () => {
    const identity = evidence();
    const a = await w.application({ identity, household: [evidence(), identity] });
    await expectRevert(w.contracts.cases.submitApplications([a]), "ApplicationHouseholdRepeated", [a.caseId, identity]);
  });

  it("refuses a zero member", async () => {
    const a = await w.application({ household: [ZeroHash] });
    await expectRevert(w.contracts.cases.submitApplications([a]), "CaseFieldZero", ["household"]);
  });

  it("refuses a member who is the applicant of an open case in the programme elsewhere, and takes them once it closes", async () => {
    const elsewhere = await w.submit({ jurisdiction: J.townshipB1, by: w.who.caseworkerB });
    const a = await w.application({ household: [evidence(), elsewhere.identity] });
    await expectRevert(w.contracts.cases.submitApplications([a]), "CaseIdentityAlreadyOpen", [elsewhere.identity, Programme.Dibao, elsewhere.caseId]);
    // Another programme's case does not count.
    await w.submit({ programme: Programme.Temporary, household: [elsewhere.identity] });
    await (await w.contracts.cases.connect(w.who.approverB).terminate(elsewhere.caseId, evidence())).wait();
    await (await w.contracts.cases.submitApplications([a])).wait();
    expect(await w.contracts.cases.openCaseOf(elsewhere.identity, Programme.Dibao)).toBe(a.caseId);
  });

  it("refuses a member, or an applicant, who is a member of an open case in the programme elsewhere, and takes them once it closes", async () => {
    const member = evidence();
    const elsewhere = await w.submit({ jurisdiction: J.townshipB1, by: w.who.caseworkerB, household: [member] });
    await expectRevert(w.submit({ household: [member] }), "CaseIdentityAlreadyOpen", [member, Programme.Dibao, elsewhere.caseId]);
    await expectRevert(w.submit({ identity: member }), "CaseIdentityAlreadyOpen", [member, Programme.Dibao, elsewhere.caseId]);
    await (await w.contracts.cases.connect(w.who.approverB).terminate(elsewhere.caseId, evidence())).wait();
    const { caseId } = await w.submit({ household: [member] });
    expect(await w.contracts.cases.openCaseOf(member, Programme.Dibao)).toBe(caseId);
  });

  it("refuses within one batch a member who is another application's applicant or member", async () => {
    const first = await w.application({ household: [evidence()] });
    const c = w.contracts.cases;
    await expectRevert(c.submitApplications([first, await w.application({ household: [first.identityCommitment] })]), "CaseIdentityAlreadyOpen", [
      first.identityCommitment,
      Programme.Dibao,
      first.caseId,
    ]);
    await expectRevert(c.submitApplications([first, await w.application({ household: [first.household[0]!] })]), "CaseIdentityAlreadyOpen", [
      first.household[0],
      Programme.Dibao,
      first.caseId,
    ]);
  });
});

describe("revisions", () => {
  it("appends a revision by the caseworker, keeping the applicant", async () => {
    const { caseId, recordHash, identity } = await w.submit();
    const r = revision(caseId, identity);
    const receipt = await (await w.contracts.cases.connect(w.who.caseworker).reviseRecord(r)).wait();
    expect(await w.contracts.cases.revisions(caseId)).toEqual([recordHash, r.recordHash]);
    const revised = receipt!.logs.map((l) => w.contracts.cases.interface.parseLog(l)).find((l) => l?.name === "CaseRecordRevised")!;
    expect([revised.args.revision, revised.args.recordHash, revised.args.actor, revised.args.evidenceHash]).toEqual([1n, r.recordHash, w.who.caseworker.address, r.evidenceHash]);
    // A case not yet decided stays where it is.
    expect(await status(caseId)).toBe(CaseStatus.Submitted);
    expect(await transitions(caseId)).toEqual([]);
    await expectRevert(w.contracts.cases.connect(w.who.caseworker).reviseRecord(revision(caseId, identity, { recordHash: ZeroHash })), "CaseFieldZero", ["recordHash"]);
  });

  it("refuses a revision that names another person as the applicant", async () => {
    const { caseId } = await w.submit();
    const other = evidence();
    await expectRevert(w.contracts.cases.connect(w.who.caseworker).reviseRecord(revision(caseId, other)), "RevisionIdentityMismatch", [caseId, other]);
  });

  it("refuses a revision that names a household member as the applicant", async () => {
    const member = evidence();
    const { caseId, identity } = await w.submit({ household: [member] });
    const swap = revision(caseId, member, { left: [identity] });
    await expectRevert(w.contracts.cases.connect(w.who.caseworker).reviseRecord(swap), "RevisionIdentityMismatch", [caseId, member]);
    await expectRevert(w.contracts.cases.connect(w.who.caseworker).reviseRecord(revision(caseId, member)), "RevisionIdentityMismatch", [caseId, member]);
    expect(await w.contracts.cases.openCaseOf(identity, Programme.Dibao)).toBe(caseId);
  });

  it("refuses the applicant, or someone not in the household, leaving it", async () => {
    const { caseId, identity } = await w.submit({ household: [evidence()] });
    const c = w.contracts.cases.connect(w.who.caseworker);
    await expectRevert(c.reviseRecord(revision(caseId, identity, { left: [identity] })), "RevisionMemberUnknown", [caseId, identity]);
    const stranger = evidence();
    await expectRevert(c.reviseRecord(revision(caseId, identity, { left: [stranger] })), "RevisionMemberUnknown", [caseId, stranger]);
    const elsewhere = await w.submit({ jurisdiction: J.townshipB1, by: w.who.caseworkerB });
    await expectRevert(c.reviseRecord(revision(caseId, identity, { left: [elsewhere.identity] })), "RevisionMemberUnknown", [caseId, elsewhere.identity]);
  });

  it("lets members join and leave: a member who joins holds no open case, one who leaves is free again", async () => {
    const member = evidence();
    const { caseId, identity } = await w.submit({ household: [member] });
    const c = w.contracts.cases.connect(w.who.caseworker);
    const elsewhere = await w.submit({ jurisdiction: J.townshipB1, by: w.who.caseworkerB });
    await expectRevert(c.reviseRecord(revision(caseId, identity, { joined: [elsewhere.identity] })), "CaseIdentityAlreadyOpen", [
      elsewhere.identity,
      Programme.Dibao,
      elsewhere.caseId,
    ]);
    await expectRevert(c.reviseRecord(revision(caseId, identity, { joined: [member] })), "ApplicationHouseholdRepeated", [caseId, member]);
    await expectRevert(c.reviseRecord(revision(caseId, identity, { joined: [identity] })), "ApplicationHouseholdRepeated", [caseId, identity]);
    const newborn = evidence();
    await expectRevert(c.reviseRecord(revision(caseId, identity, { joined: [newborn, newborn] })), "ApplicationHouseholdRepeated", [caseId, newborn]);
    await expectRevert(c.reviseRecord(revision(caseId, identity, { joined: [ZeroHash] })), "CaseFieldZero", ["household"]);

    await (await c.reviseRecord(revision(caseId, identity, { joined: [newborn], left: [member] }))).wait();
    expect(await w.contracts.cases.openCaseOf(newborn, Programme.Dibao)).toBe(caseId);
    expect(await w.contracts.cases.openCaseOf(member, Programme.Dibao)).toBe(ZeroHash);
    const own = await w.submit({ identity: member });
    expect(await w.contracts.cases.openCaseOf(member, Programme.Dibao)).toBe(own.caseId);
  });

  it("sends a case reviewed, in notice, active or suspended back to Submitted, in a new round", async () => {
    const c = w.contracts.cases.connect(w.who.caseworker);
    const reviewed = await w.submit();
    await w.review(reviewed.caseId);
    const inNotice = await w.submit();
    await w.review(inNotice.caseId);
    await w.approve(inNotice.caseId, 100_000n);
    const active = await w.activeCase();
    const suspended = await w.activeCase();
    await (await w.contracts.cases.connect(w.who.approver1).suspend(suspended.caseId, evidence())).wait();
    for (const [decided, from] of [
      [reviewed, CaseStatus.Reviewed],
      [inNotice, CaseStatus.InNotice],
      [active, CaseStatus.Active],
      [suspended, CaseStatus.Suspended],
    ] as const) {
      const [, , , round] = await w.contracts.cases.getCase(decided.caseId);
      const r = revision(decided.caseId, decided.identity);
      await (await c.reviseRecord(r)).wait();
      const [terms, , , after] = await w.contracts.cases.getCase(decided.caseId);
      expect([Number(terms.status), after]).toEqual([CaseStatus.Submitted, round + 1n]);
      const last = (await transitions(decided.caseId)).at(-1)!;
      expect([Number(last.from), Number(last.to), last.actor, last.evidenceHash]).toEqual([from, CaseStatus.Submitted, w.who.caseworker.address, r.evidenceHash]);
    }
    // It is decided again on the revised record: the review signed before the revision is refused.
    const stale = await w.decision(active.caseId, { round: 0 });
    await expectRevert(w.contracts.cases.decide(stale, await w.sign(stale, [w.who.reviewer1])), "DecisionNonceMismatch", [active.caseId, 3, 0]);
    await w.review(active.caseId);
    await w.approve(active.caseId, 100_000n);
    expect(await status(active.caseId)).toBe(CaseStatus.InNotice);
  });
});

describe("household size", () => {
  it("is the applicant and the members the ledger holds, from intake on", async () => {
    const alone = await w.submit();
    const three = await w.submit({ household: [evidence(), evidence()] });
    expect(await w.householdSize(alone.caseId)).toBe(1);
    expect(await w.householdSize(three.caseId)).toBe(3);
  });

  it("refuses an approval naming another household size than the ledger's, naming both, and takes the ledger's", async () => {
    const { caseId } = await w.submit({ household: [evidence()] });
    await w.review(caseId);
    const signers = [w.who.approver1, w.who.approver2];
    // A larger household would raise the cap to 360,000: it is not the signers' to say.
    for (const [size, amount] of [[3, 300_000n], [1, 100_000n]] as const) {
      const d = await w.decision(caseId, { stage: Stage.Approval, amount, householdSize: size });
      await expectRevert(w.contracts.cases.connect(w.who.logOperator).decide(d, await w.sign(d, signers)), "ApprovalHouseholdSizeMismatch", [caseId, 2, size]);
    }
    const d = await w.decision(caseId, { stage: Stage.Approval, amount: 240_000n, householdSize: 2 });
    const receipt = await (await w.contracts.cases.decide(d, await w.sign(d, signers))).wait();
    const decided = receipt!.logs.map((l) => w.contracts.cases.interface.parseLog(l)).find((l) => l?.name === "CaseDecided");
    expect(decided!.args.householdSize).toBe(2n);
    expect(await status(caseId)).toBe(CaseStatus.InNotice);
  });

  it("changes by those who joined less those who left at each revision, and the next approval must name it", async () => {
    const { caseId, identity, household } = await w.activeCase();
    expect(await w.householdSize(caseId)).toBe(2);
    const c = w.contracts.cases.connect(w.who.caseworker);
    const [n1, n2] = [evidence(), evidence()];
    await (await c.reviseRecord(revision(caseId, identity, { joined: [n1, n2], left: household }))).wait();
    expect(await w.householdSize(caseId)).toBe(3);
    await w.review(caseId);
    const stale = await w.decision(caseId, { stage: Stage.Approval, amount: 150_000n, householdSize: 2 });
    await expectRevert(w.contracts.cases.decide(stale, await w.sign(stale, [w.who.approver1, w.who.approver2])), "ApprovalHouseholdSizeMismatch", [caseId, 3, 2]);
    await w.approve(caseId, 150_000n, 3);
    await (await c.reviseRecord(revision(caseId, identity, { left: [n1, n2] }))).wait();
    expect(await w.householdSize(caseId)).toBe(1);
    await (await c.reviseRecord(revision(caseId, identity, { joined: [n1], left: [] }))).wait();
    expect(await w.householdSize(caseId)).toBe(2);
  });

  it("refuses a household of more than 255 people, at intake and by a revision", async () => {
    const members = (count: number) => Array.from({ length: count }, evidence);
    const tooMany = await w.application({ household: members(255) });
    await expectRevert(w.contracts.cases.submitApplications([tooMany]), "CaseHouseholdTooLarge", [tooMany.caseId, 256]);
    const full = await w.submit({ household: members(254) });
    expect(await w.householdSize(full.caseId)).toBe(255);
    const c = w.contracts.cases.connect(w.who.caseworker);
    await expectRevert(c.reviseRecord(revision(full.caseId, full.identity, { joined: [evidence()] })), "CaseHouseholdTooLarge", [full.caseId, 256]);
    await (await c.reviseRecord(revision(full.caseId, full.identity, { joined: [evidence()], left: [full.household[0]!] }))).wait();
    expect(await w.householdSize(full.caseId)).toBe(255);
  });
});

describe("events name the officer", () => {
  it("a decision's transition names its first signer, not the account that relayed it", async () => {
    const { caseId } = await w.submit();
    const review = await w.decision(caseId);
    await (await w.contracts.cases.connect(w.who.logOperator).decide(review, await w.sign(review, [w.who.reviewer1]))).wait();
    const approval = await w.decision(caseId, { stage: Stage.Approval, amount: 100_000n, householdSize: 1 });
    const sigs = await w.sign(approval, [w.who.approver2, w.who.approver1]);
    const receipt = await (await w.contracts.cases.connect(w.who.logOperator).decide(approval, sigs)).wait();
    const decided = receipt!.logs.map((l) => w.contracts.cases.interface.parseLog(l)).find((l) => l?.name === "CaseDecided")!;
    const [reviewed, approved] = await transitions(caseId);
    expect(reviewed!.actor).toBe(w.who.reviewer1.address);
    expect(approved!.actor).toBe(sigs[0]!.signer);
    expect(approved!.actor).toBe(decided.args.signers[0]);
  });

  it("objections, activations and exits name the officer who sent them", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    await w.approve(caseId, 100_000n);
    await (await w.contracts.cases.connect(w.who.reviewer2).lodgeObjection(caseId, evidence())).wait();
    await w.review(caseId);
    await w.approve(caseId, 100_000n);
    await w.advance(7 * DAY);
    await (await w.contracts.cases.connect(w.who.approver3).activate(caseId, evidence())).wait();
    await (await w.contracts.cases.connect(w.who.approver2).terminate(caseId, evidence())).wait();
    const actors = (await transitions(caseId)).map((t) => [Number(t.to), t.actor]);
    expect(actors.filter(([to]) => to !== CaseStatus.Reviewed && to !== CaseStatus.InNotice)).toEqual([
      [CaseStatus.Submitted, w.who.reviewer2.address],
      [CaseStatus.Active, w.who.approver3.address],
      [CaseStatus.Terminated, w.who.approver2.address],
    ]);
  });
});

describe("batched intake", () => {
  const application = (identity = evidence(), jurisdiction: bigint = J.townshipA1, by = w.who.caseworker) => w.application({ identity, jurisdiction, by });

  it("opens every case of a batch in one transaction, each with its own events", async () => {
    const batch = [await application(), await application(), await application()];
    const receipt = await (await w.contracts.cases.connect(w.who.logOperator).submitApplications(batch)).wait();
    for (const a of batch) {
      expect(await status(a.caseId)).toBe(CaseStatus.Submitted);
      expect(await w.contracts.cases.revisions(a.caseId)).toEqual([a.recordHash]);
    }
    const submitted = receipt!.logs.map((l) => w.contracts.cases.interface.parseLog(l)).filter((l) => l?.name === "CaseSubmitted");
    expect(submitted.map((l) => l!.args.caseId)).toEqual(batch.map((a) => a.caseId));
    expect(submitted.map((l) => l!.args.actor)).toEqual(batch.map(() => w.who.caseworker.address));
  });

  it("names each application's own caseworker in a batch of several", async () => {
    const batch = [await application(), await application(evidence(), J.townshipB1, w.who.caseworkerB), await application()];
    await (await w.contracts.cases.connect(w.who.logOperator).submitApplications(batch)).wait();
    const actors = await Promise.all(batch.map(async (a) => (await w.contracts.cases.queryFilter(w.contracts.cases.filters.CaseSubmitted(a.caseId)))[0]!.args.actor));
    expect(actors).toEqual([w.who.caseworker.address, w.who.caseworkerB.address, w.who.caseworker.address]);
  });

  it("fits in the gas the relayer gives a batch, even when every application changes jurisdiction", async () => {
    // A county caseworker's batch may alternate among the county and its townships, which has the
    // registry ask AidAccess again for every application: the most a batch of applications costs.
    await (await w.contracts.access.grantScopedRole(roleId("CASEWORKER"), w.who.spare1.address, J.countyA)).wait();
    const places = [J.townshipA1, J.townshipA2, J.countyA];
    const provider = w.ethers.provider;
    const blockGasLimit = (await provider.getBlock("latest"))!.gasLimit;
    // The relayer's largest batch goes to a chain whose blocks take two of them.
    await provider.send("evm_setBlockGasLimit", ["0x" + (2n * applicationsGas(APPLICATION_BATCH)).toString(16)]);
    try {
      for (const size of [1, 2, 10, applicationsPerTransaction(blockGasLimit), APPLICATION_BATCH]) {
        const batch = await Promise.all(Array.from({ length: size }, (_, i) => application(evidence(), places[i % places.length], w.who.spare1)));
        const receipt = await (await w.contracts.cases.connect(w.who.logOperator).submitApplications(batch, { gasLimit: applicationsGas(size) })).wait();
        expect(receipt!.status).toBe(1);
      }
      // Members' commitments are given their own gas.
      const members = 3;
      const households = await Promise.all(
        Array.from({ length: 10 }, (_, i) => w.application({ jurisdiction: places[i % places.length], by: w.who.spare1, household: Array.from({ length: members }, evidence) })),
      );
      const receipt = await (await w.contracts.cases.connect(w.who.logOperator).submitApplications(households, { gasLimit: applicationsGas(10, 10 * members) })).wait();
      expect(receipt!.status).toBe(1);
    } finally {
      await provider.send("evm_setBlockGasLimit", ["0x" + blockGasLimit.toString(16)]);
    }
  });

  it("sends as many applications a transaction as fit half a block, within the most a batch takes", () => {
    expect(applicationsPerTransaction(30_000_000n)).toBe(149);
    expect(2n * applicationsGas(149)).toBeLessThanOrEqual(30_000_000n);
    expect(2n * applicationsGas(150)).toBeGreaterThan(30_000_000n);
    expect(applicationsPerTransaction(1_000_000_000n)).toBe(APPLICATION_BATCH);
    expect(applicationsPerTransaction(100_000n)).toBe(1);
  });

  it("takes a batch all or none, refusing it with the first refused application's error", async () => {
    const first = await w.submit();
    const c = w.contracts.cases.connect(w.who.logOperator);
    const good = await application();
    const twin = await application(first.identity);
    await expectRevert(c.submitApplications([good, twin]), "CaseIdentityAlreadyOpen", [first.identity, Programme.Dibao, first.caseId]);
    await expectRevert(w.contracts.cases.getCase(good.caseId), "CaseUnknown", [good.caseId]);
    const sameIdentity = evidence();
    const [one, two] = [await application(sameIdentity), await application(sameIdentity)];
    await expectRevert(c.submitApplications([one, two]), "CaseIdentityAlreadyOpen", [sameIdentity, Programme.Dibao, one.caseId]);
    const outside = await application(evidence(), J.townshipB1);
    await expectRevert(c.submitApplications([good, outside]), "AccessOutsideJurisdiction", [w.who.caseworker.address, roleId("CASEWORKER"), J.townshipB1]);
    // The jurisdiction is checked once for each run of it: a change of jurisdiction is checked again, the first one too.
    await expectRevert(c.submitApplications([good, await application(), await application(evidence(), J.townshipA2)]), "AccessOutsideJurisdiction", [
      w.who.caseworker.address,
      roleId("CASEWORKER"),
      J.townshipA2,
    ]);
    // A change of caseworker is checked again too.
    await expectRevert(c.submitApplications([good, await application(evidence(), J.townshipA1, w.who.caseworkerB)]), "AccessOutsideJurisdiction", [
      w.who.caseworkerB.address,
      roleId("CASEWORKER"),
      J.townshipA1,
    ]);
    await expectRevert(c.submitApplications([await application(evidence(), 0n), good]), "CaseJurisdictionInvalid", [0n]);
    await expectRevert(c.submitApplications([good, await application(evidence(), 0n)]), "CaseJurisdictionInvalid", [0n]);
    await expectRevert(c.submitApplications([]), "ApplicationBatchEmpty");
    await expectRevert(w.contracts.cases.getCase(good.caseId), "CaseUnknown", [good.caseId]);
  });

  it("answers, without opening a case, what submitApplications would refuse, each application judged alone", async () => {
    const first = await w.submit();
    const c = w.contracts.cases.connect(w.who.logOperator);
    const good = await application();
    await c.checkApplications([good, await application()]);
    await expectRevert(w.contracts.cases.getCase(good.caseId), "CaseUnknown", [good.caseId]);
    await expectRevert(c.checkApplications([good, await application(first.identity)]), "CaseIdentityAlreadyOpen", [first.identity, Programme.Dibao, first.caseId]);
    const reused = await w.application({ caseId: first.caseId });
    await expectRevert(c.checkApplications([reused]), "CaseAlreadyExists", [first.caseId]);
    await expectRevert(c.checkApplications([{ ...good, recordHash: ZeroHash }]), "CaseFieldZero", ["recordHash"]);
    await expectRevert(c.checkApplications([{ ...good, recordHash: evidence() }]), "ApplicationSignatureInvalid", [good.caseId, w.who.caseworker.address]);
    await expectRevert(c.checkApplications([good, await application(), await application(evidence(), J.townshipA2)]), "AccessOutsideJurisdiction");
    await expectRevert(c.checkApplications([good, await application(evidence(), 0n)]), "CaseJurisdictionInvalid", [0n]);
    await expectRevert(c.checkApplications([]), "ApplicationBatchEmpty");
    await expectRevert(c.checkApplications([await w.application({ household: [first.identity] })]), "CaseIdentityAlreadyOpen", [first.identity, Programme.Dibao, first.caseId]);
    // Two of one identity each pass alone; the transaction refuses the second.
    const sameIdentity = evidence();
    await c.checkApplications([await application(sameIdentity), await application(sameIdentity)]);
  });
});

describe("signed decisions", () => {
  it("takes a review and a two-signature county approval relayed by anyone, then starts public notice", async () => {
    const { caseId } = await w.submit({ household: [evidence()] });
    const review = await w.decision(caseId);
    await (await w.contracts.cases.connect(w.who.outsider).decide(review, await w.sign(review, [w.who.reviewer1]))).wait();
    expect(await status(caseId)).toBe(CaseStatus.Reviewed);

    const approval = await w.decision(caseId, { stage: Stage.Approval, amount: 200_000n, householdSize: 2 });
    const sigs = await w.sign(approval, [w.who.approver1, w.who.approver2]);
    const receipt = await (await w.contracts.cases.connect(w.who.outsider).decide(approval, sigs)).wait();
    const decided = receipt!.logs.map((l) => w.contracts.cases.interface.parseLog(l)).find((l) => l?.name === "CaseDecided");
    expect([...decided!.args.signers].sort()).toEqual([w.who.approver1.address, w.who.approver2.address].sort());
    expect(decided!.args.digest).toBe(await w.contracts.cases.decisionDigest(approval));
    const [terms, , householdSize, round] = await w.contracts.cases.getCase(caseId);
    expect(terms.status).toBe(BigInt(CaseStatus.InNotice));
    expect(terms.approvedAmount).toBe(200_000n);
    expect(terms.entitledFrom).toBe((await w.time()) + BigInt(7 * DAY));
    expect(householdSize).toBe(2n);
    expect(round).toBe(2n);
  });

  it("checks a decision signature by signature, the threshold aside, as decide would count it", async () => {
    const { caseId } = await w.submit({ household: [evidence()] });
    await w.review(caseId);
    const approval = await w.decision(caseId, { stage: Stage.Approval, amount: 200_000n, householdSize: 2 });
    const cases = w.contracts.cases;
    // One county approver's signature alone: counted, though below the threshold of two.
    await cases.checkDecision(approval, await w.sign(approval, [w.who.approver1]));
    // The township's approver may approve only temporary assistance: the ledger's own rule, before any gas.
    const [low] = await w.sign(approval, [w.who.townshipApprover]);
    await expectRevert(cases.checkDecision(approval, [low!]), "DecisionSignerLevelTooLow", [w.who.townshipApprover.address, J.townshipA1]);
    const [otherCounty] = await w.sign(approval, [w.who.approverB]);
    await expectRevert(cases.checkDecision(approval, [otherCounty!]), "DecisionSignerUnauthorized", [w.who.approverB.address, roleId("APPROVER"), J.townshipA1]);
    const expired = { ...approval, deadline: (await w.time()) - 1n };
    await expectRevert(cases.checkDecision(expired, await w.sign(expired, [w.who.approver1])), "DecisionExpired");
    const [forged] = await w.sign({ ...approval, amount: 1n }, [w.who.approver1]);
    await expectRevert(cases.checkDecision(approval, [forged!]), "DecisionSignatureInvalid", [w.who.approver1.address]);
    await expectRevert(cases.checkDecision({ ...approval, householdSize: 3 }, await w.sign({ ...approval, householdSize: 3 }, [w.who.approver1])), "ApprovalHouseholdSizeMismatch", [caseId, 2, 3]);
    expect(await status(caseId)).toBe(CaseStatus.Reviewed);
  });

  it("pins the EIP-712 type string", async () => {
    expect(await w.contracts.cases.DECISION_TYPEHASH()).toBe(
      "0x" +
        Buffer.from(
          (await import("ethers")).keccak256(
            Buffer.from(
              "Decision(bytes32 caseId,uint8 stage,bool approve,bytes32 recordHash,uint64 amount,uint8 householdSize,uint32 round,uint64 deadline)",
            ),
          ).slice(2),
          "hex",
        ).toString("hex"),
    );
  });

  it("refuses an approval below the threshold and names the count", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    const d = await w.decision(caseId, { stage: Stage.Approval, amount: 100_000n, householdSize: 1 });
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1])), "DecisionThresholdNotMet", [caseId, 2, 1]);
  });

  it("refuses a signer without the role and a signer of another county", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    const d = await w.decision(caseId, { stage: Stage.Approval, amount: 100_000n, householdSize: 1 });
    await expectRevert(
      w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1, w.who.outsider])),
      "DecisionSignerUnauthorized",
      [w.who.outsider.address, roleId("APPROVER"), J.townshipA1],
    );
    await expectRevert(
      w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1, w.who.approverB])),
      "DecisionSignerUnauthorized",
      [w.who.approverB.address, roleId("APPROVER"), J.townshipA1],
    );
    // A reviewer's signature does not count as an approval.
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1, w.who.reviewer1])), "DecisionSignerUnauthorized");
  });

  it("refuses an expired deadline", async () => {
    const { caseId } = await w.submit();
    const d = await w.decision(caseId, { deadline: (await w.time()) - 1n });
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "DecisionExpired");
  });

  it("refuses replayed signatures once the case has moved on", async () => {
    const { caseId } = await w.submit();
    const review = await w.decision(caseId);
    const sigs = await w.sign(review, [w.who.reviewer1]);
    await (await w.contracts.cases.decide(review, sigs)).wait();
    await expectRevert(w.contracts.cases.decide(review, sigs), "DecisionStageMismatch", [caseId, CaseStatus.Reviewed, Stage.Review]);
    await w.approve(caseId, 100_000n);
    await (await w.contracts.cases.connect(w.who.reviewer2).lodgeObjection(caseId, evidence())).wait();
    // Back in review, the old review's signatures carry a spent round.
    await expectRevert(w.contracts.cases.decide(review, sigs), "DecisionNonceMismatch", [caseId, 3, 0]);
  });

  it("refuses signatures made for another case, another chain or another deployment", async () => {
    const a = await w.submit();
    const b = await w.submit();
    const forA = await w.decision(a.caseId);
    const forB = await w.decision(b.caseId);
    const sigsA = await w.sign(forA, [w.who.reviewer1]);
    await expectRevert(w.contracts.cases.decide(forB, sigsA), "DecisionSignatureInvalid", [w.who.reviewer1.address]);
    const otherChain = await w.sign(forB, [w.who.reviewer1], await w.contracts.cases.getAddress(), 1n);
    await expectRevert(w.contracts.cases.decide(forB, otherChain), "DecisionSignatureInvalid");
    const otherDeployment = await w.sign(forB, [w.who.reviewer1], w.who.spare1.address);
    await expectRevert(w.contracts.cases.decide(forB, otherDeployment), "DecisionSignatureInvalid");
  });

  it("refuses a malleable (high-s) twin of a valid signature, duplicates and unordered signers", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    const d = await w.decision(caseId, { stage: Stage.Approval, amount: 100_000n, householdSize: 1 });
    const sigs = await w.sign(d, [w.who.approver1, w.who.approver2]);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const original = Signature.from(sigs[0]!.signature);
    const twin = hexlify(
      new Uint8Array([
        ...Buffer.from(original.r.slice(2), "hex"),
        ...Buffer.from(toBeHex(n - BigInt(original.s), 32).slice(2), "hex"),
        original.v === 27 ? 28 : 27,
      ]),
    );
    await expectRevert(
      w.contracts.cases.decide(d, [{ signer: sigs[0]!.signer, signature: twin }, sigs[1]!]),
      "DecisionSignatureInvalid",
      [sigs[0]!.signer],
    );
    await expectRevert(w.contracts.cases.decide(d, [sigs[0]!, sigs[0]!]), "DecisionSignerDuplicate", [sigs[0]!.signer]);
    await expectRevert(w.contracts.cases.decide(d, [sigs[1]!, sigs[0]!]), "DecisionSignersUnordered", [sigs[0]!.signer]);
  });

  it("refuses a decision on a record that has since been revised", async () => {
    const { caseId, recordHash, identity } = await w.submit();
    const d = await w.decision(caseId);
    const revised = evidence();
    await (await w.contracts.cases.connect(w.who.caseworker).reviseRecord(revision(caseId, identity, { recordHash: revised }))).wait();
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "DecisionRecordMismatch", [
      caseId,
      revised,
      recordHash,
    ]);
    expect(await w.contracts.cases.revisions(caseId)).toEqual([recordHash, revised]);
  });

  it("refuses an amount above the standard times the household size", async () => {
    const { caseId } = await w.submit({ household: [evidence(), evidence()] });
    await w.review(caseId);
    const cap = STANDARD.dibaoUrban * 3n;
    const d = await w.decision(caseId, { stage: Stage.Approval, amount: cap + 1n, householdSize: 3 });
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1, w.who.approver2])), "ApprovalAboveStandard", [
      caseId,
      cap + 1n,
      cap,
    ]);
    await w.approve(caseId, cap, 3);
  });

  it("uses the standard version in force, and keeps every version", async () => {
    const s = w.contracts.standards;
    const now = await w.time();
    await (await s.setStandard(J.city, Programme.Dibao, Area.Urban, 130_000n, now + BigInt(DAY))).wait();
    expect((await s.standardAt(J.townshipA1, Programme.Dibao, Area.Urban, now))[0]).toBe(STANDARD.dibaoUrban);
    expect(await s.standardAt(J.townshipA1, Programme.Dibao, Area.Urban, now + BigInt(DAY))).toEqual([130_000n, J.city]);
    expect((await s.history(J.city, Programme.Dibao, Area.Urban)).length).toBe(2);
    await expectRevert(s.setStandard(J.city, Programme.Dibao, Area.Urban, 1n, now), "StandardEffectiveDateNotIncreasing");
    await expectRevert(s.setStandard(J.city, Programme.Dibao, Area.Urban, 0n, now + BigInt(2 * DAY)), "StandardAmountZero");
    await expectRevert(s.connect(w.who.outsider).setStandard(J.city, 0, 0, 1n, now + BigInt(2 * DAY)), "StandardUnauthorized");
    await expectRevert(s.standardAt(J.otherCounty, Programme.Dibao, Area.Urban, now), "StandardNotSet");
  });

  it("refuses terms on a review and a zero amount on an approval", async () => {
    const { caseId } = await w.submit();
    const d = await w.decision(caseId, { amount: 5n });
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "DecisionTermsInvalid", [caseId]);
    await w.review(caseId);
    const a = await w.decision(caseId, { stage: Stage.Approval, amount: 0n, householdSize: 1 });
    await expectRevert(w.contracts.cases.decide(a, await w.sign(a, [w.who.approver1, w.who.approver2])), "DecisionTermsInvalid", [caseId]);
    const noSize = await w.decision(caseId, { stage: Stage.Approval, amount: 100_000n, householdSize: 0 });
    await expectRevert(w.contracts.cases.decide(noSize, await w.sign(noSize, [w.who.approver1, w.who.approver2])), "DecisionTermsInvalid", [caseId]);
  });

  it("lets a township approve small temporary assistance alone, and nothing else", async () => {
    const temp = await w.submit({ programme: Programme.Temporary, household: [evidence()] });
    await w.review(temp.caseId);
    const overCeiling = await w.decision(temp.caseId, { stage: Stage.Approval, amount: 500_001n, householdSize: 2 });
    await expectRevert(
      w.contracts.cases.decide(overCeiling, await w.sign(overCeiling, [w.who.townshipApprover])),
      "DecisionSignerLevelTooLow",
      [w.who.townshipApprover.address, J.townshipA1],
    );
    const small = await w.decision(temp.caseId, { stage: Stage.Approval, amount: 500_000n, householdSize: 2 });
    await (await w.contracts.cases.decide(small, await w.sign(small, [w.who.townshipApprover]))).wait();
    expect(await status(temp.caseId)).toBe(CaseStatus.InNotice);

    const dibao = await w.submit();
    await w.review(dibao.caseId);
    const d = await w.decision(dibao.caseId, { stage: Stage.Approval, amount: 100_000n, householdSize: 1 });
    await expectRevert(
      w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1, w.who.townshipApprover])),
      "DecisionSignerLevelTooLow",
    );
  });

  it("closes a case rejected at review and frees the identity", async () => {
    const { caseId, identity } = await w.submit();
    const d = await w.decision(caseId, { approve: false });
    await (await w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1]))).wait();
    expect(await status(caseId)).toBe(CaseStatus.Rejected);
    expect(await w.contracts.cases.openCaseOf(identity, Programme.Dibao)).toBe(toBeHex(0, 32));
  });

  it("refuses a threshold nobody configured", async () => {
    const { caseId } = await w.submit({ programme: Programme.Housing });
    const d = await w.decision(caseId);
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "DecisionThresholdNotConfigured", [
      J.townshipA1,
      Programme.Housing,
      Stage.Review,
    ]);
  });
});

describe("public notice and the life of a case", () => {
  it("activates only after notice, and an objection during notice sends the case back to review", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    await w.approve(caseId, 100_000n);
    const c = w.contracts.cases.connect(w.who.caseworker);
    const [terms] = await w.contracts.cases.getCase(caseId);
    await expectRevert(c.activate(caseId, evidence()), "CaseNoticeNotOver", [caseId, terms.entitledFrom]);
    await expectRevert(w.contracts.cases.connect(w.who.outsider).lodgeObjection(caseId, evidence()), "CaseUnauthorized");
    await (await c.lodgeObjection(caseId, evidence())).wait();
    expect(await status(caseId)).toBe(CaseStatus.Submitted);

    await w.review(caseId);
    await w.approve(caseId, 100_000n);
    await w.advance(7 * DAY);
    await expectRevert(c.lodgeObjection(caseId, evidence()), "CaseNoticeOver");
    await (await c.activate(caseId, evidence())).wait();
    expect(await status(caseId)).toBe(CaseStatus.Active);
  });

  it("suspends, resumes and terminates with the approver's authority only", async () => {
    const { caseId, identity } = await w.activeCase();
    const c = w.contracts.cases;
    await expectRevert(c.connect(w.who.caseworker).suspend(caseId, evidence()), "AccessOutsideJurisdiction", [w.who.caseworker.address, roleId("APPROVER"), J.townshipA1]);
    await expectRevert(c.connect(w.who.approverB).suspend(caseId, evidence()), "AccessOutsideJurisdiction");
    await (await c.connect(w.who.approver1).suspend(caseId, evidence())).wait();
    expect(await status(caseId)).toBe(CaseStatus.Suspended);
    await expectRevert(c.connect(w.who.approver1).suspend(caseId, evidence()), "CaseStatusInvalid", [caseId, CaseStatus.Suspended]);
    await (await c.connect(w.who.approver1).resume(caseId, evidence())).wait();
    await (await c.connect(w.who.approver1).terminate(caseId, evidence())).wait();
    expect(await status(caseId)).toBe(CaseStatus.Terminated);
    await expectRevert(c.connect(w.who.approver1).terminate(caseId, evidence()), "CaseStatusInvalid", [caseId, CaseStatus.Terminated]);
    await expectRevert(c.connect(w.who.caseworker).reviseRecord(revision(caseId, identity)), "CaseStatusInvalid", [caseId, CaseStatus.Terminated]);
  });

  it("records every transition after submission with actor, time and evidence hash", async () => {
    const { caseId } = await w.activeCase();
    const proof = evidence();
    await (await w.contracts.cases.connect(w.who.approver2).suspend(caseId, proof)).wait();
    const logs = await w.contracts.cases.queryFilter(w.contracts.cases.filters.CaseTransition(caseId));
    expect(logs.map((l) => Number(l.args.to))).toEqual([
      CaseStatus.Reviewed,
      CaseStatus.InNotice,
      CaseStatus.Active,
      CaseStatus.Suspended,
    ]);
    const last = logs[logs.length - 1]!.args;
    expect([last.actor, last.evidenceHash, last.time]).toEqual([w.who.approver2.address, proof, await w.time()]);
  });

  it("transfers a case only by an approver covering both ends, keeping its history", async () => {
    const { caseId, recordHash } = await w.activeCase();
    const c = w.contracts.cases;
    await expectRevert(c.connect(w.who.approver1).transferCase(caseId, J.townshipB1, evidence()), "CaseTransferInvalid", [
      caseId,
      J.townshipA1,
      J.townshipB1,
    ]);
    await (await w.contracts.access.grantScopedRole(roleId("APPROVER"), w.who.spare1.address, J.city)).wait();
    await (await c.connect(w.who.spare1).transferCase(caseId, J.townshipB1, evidence())).wait();
    const [terms] = await c.getCase(caseId);
    expect(terms.jurisdiction).toBe(J.townshipB1);
    expect((await c.revisions(caseId))[0]).toBe(recordHash);
    expect((await c.queryFilter(c.filters.CaseTransition(caseId))).length).toBe(3);
    // Now county B's approver governs it and county A's does not.
    await expectRevert(c.connect(w.who.approver1).suspend(caseId, evidence()), "AccessOutsideJurisdiction");
    await (await c.connect(w.who.approverB).suspend(caseId, evidence())).wait();
  });

  it("lets an auditor flag a case in their province only", async () => {
    const { caseId } = await w.submit();
    await (await w.contracts.cases.connect(w.who.auditor).flagCase(caseId, evidence())).wait();
    await expectRevert(w.contracts.cases.connect(w.who.outsider).flagCase(caseId, evidence()), "AccessOutsideJurisdiction");
  });

  it("stops transitions in a paused jurisdiction", async () => {
    const { caseId } = await w.submit();
    await (await w.contracts.access.setPaused(J.countyA, true, evidence())).wait();
    const d = await w.decision(caseId);
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "JurisdictionPaused", [J.townshipA1, J.countyA]);
    await expectRevert(w.submit(), "JurisdictionPaused", [J.townshipA1, J.countyA]);
  });

  it("keeps configuration in governance's hands", async () => {
    const c = w.contracts.cases.connect(w.who.outsider);
    await expectRevert(c.setThreshold(J.countyA, 0, 0, 1), "ConfigUnauthorized", [w.who.outsider.address]);
    await expectRevert(c.setNoticePeriod(0, 1), "ConfigUnauthorized");
    await expectRevert(c.setTownshipCeiling(1), "ConfigUnauthorized");
    await expectRevert(w.contracts.cases.setThreshold(J.countyA, 0, 0, 0), "ConfigThresholdZero");
  });
});
