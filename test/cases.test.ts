import { hexlify, randomBytes, Signature, toBeHex } from "ethers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Area, CaseStatus, Programme, Stage } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { APPLICATION_BATCH, applicationsGas, applicationsPerTransaction } from "../server/relayer.ts";
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

describe("intake", () => {
  it("opens a case with its record hash and identity commitment, and says who did it when", async () => {
    const { caseId, recordHash } = await w.submit();
    expect(await status(caseId)).toBe(CaseStatus.Submitted);
    expect(await w.contracts.cases.revisions(caseId)).toEqual([recordHash]);
    // Its first change of status, None to Submitted, is CaseSubmitted alone, at the block's time.
    const [submitted] = await w.contracts.cases.queryFilter(w.contracts.cases.filters.CaseSubmitted(caseId));
    expect(submitted!.args.actor).toBe(w.who.caseworker.address);
    expect(submitted!.args.recordHash).toBe(recordHash);
    expect(BigInt((await submitted!.getBlock()).timestamp)).toBe(await w.time());
    expect(await w.contracts.cases.queryFilter(w.contracts.cases.filters.CaseTransition(caseId))).toEqual([]);
  });

  it("refuses intake by a non-caseworker and by a caseworker of another township", async () => {
    await expectRevert(w.submit({ by: w.who.outsider }), "AccessOutsideJurisdiction");
    await expectRevert(w.submit({ by: w.who.caseworker, jurisdiction: J.townshipB1 }), "AccessOutsideJurisdiction", [
      w.who.caseworker.address,
      roleId("CASEWORKER"),
      J.townshipB1,
    ]);
  });

  it("refuses a city-level or unknown jurisdiction, zero fields and a reused case id", async () => {
    const c = w.contracts.cases.connect(w.who.caseworker);
    const h = evidence();
    await expectRevert(c.submitApplication(h, 0, 0, J.city, h, h), "CaseJurisdictionInvalid", [J.city]);
    await expectRevert(c.submitApplication(h, 0, 0, 440105009000n, h, h), "CaseJurisdictionInvalid");
    await expectRevert(c.submitApplication(toBeHex(0, 32), 0, 0, J.townshipA1, h, h), "CaseFieldZero", ["caseId"]);
    await expectRevert(c.submitApplication(h, 0, 0, J.townshipA1, toBeHex(0, 32), h), "CaseFieldZero", ["recordHash"]);
    await expectRevert(c.submitApplication(h, 0, 0, J.townshipA1, h, toBeHex(0, 32)), "CaseFieldZero", ["identityCommitment"]);
    const { caseId } = await w.submit();
    await expectRevert(c.submitApplication(caseId, 0, 0, J.townshipA1, h, evidence()), "CaseAlreadyExists", [caseId]);
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
    expect(await w.contracts.cases.openCaseOf(first.identity, Programme.Dibao)).toBe(toBeHex(0, 32));
    const second = await w.submit({ identity: first.identity, jurisdiction: J.townshipB1, by: w.who.caseworkerB });
    expect(await w.contracts.cases.openCaseOf(first.identity, Programme.Dibao)).toBe(second.caseId);
    await expectRevert(w.submit({ identity: first.identity }), "CaseIdentityAlreadyOpen", [first.identity, Programme.Dibao, second.caseId]);
  });
});

describe("batched intake", () => {
  const application = (identity = evidence(), jurisdiction: bigint = J.townshipA1) => ({ caseId: evidence(), programme: Programme.Dibao, area: Area.Urban, jurisdiction, recordHash: evidence(), identityCommitment: identity });

  it("opens every case of a batch in one transaction, each with its own events", async () => {
    const batch = [application(), application(), application()];
    const receipt = await (await w.contracts.cases.connect(w.who.caseworker).submitApplications(batch)).wait();
    for (const a of batch) {
      expect(await status(a.caseId)).toBe(CaseStatus.Submitted);
      expect(await w.contracts.cases.revisions(a.caseId)).toEqual([a.recordHash]);
    }
    const submitted = receipt!.logs.map((l) => w.contracts.cases.interface.parseLog(l)).filter((l) => l?.name === "CaseSubmitted");
    expect(submitted.map((l) => l!.args.caseId)).toEqual(batch.map((a) => a.caseId));
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
        const batch = Array.from({ length: size }, (_, i) => application(evidence(), places[i % places.length]));
        const receipt = await (await w.contracts.cases.connect(w.who.spare1).submitApplications(batch, { gasLimit: applicationsGas(size) })).wait();
        expect(receipt!.status).toBe(1);
      }
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
    const c = w.contracts.cases.connect(w.who.caseworker);
    const good = application();
    const twin = application(first.identity);
    await expectRevert(c.submitApplications([good, twin]), "CaseIdentityAlreadyOpen", [first.identity, Programme.Dibao, first.caseId]);
    await expectRevert(w.contracts.cases.getCase(good.caseId), "CaseUnknown", [good.caseId]);
    const sameIdentity = evidence();
    await expectRevert(c.submitApplications([application(sameIdentity), application(sameIdentity)]), "CaseIdentityAlreadyOpen");
    await expectRevert(c.submitApplications([good, application(evidence(), J.townshipB1)]), "AccessOutsideJurisdiction");
    // The jurisdiction is checked once for each run of it: a change of jurisdiction is checked again, the first one too.
    await expectRevert(c.submitApplications([good, application(), application(evidence(), J.townshipA2)]), "AccessOutsideJurisdiction");
    await expectRevert(c.submitApplications([application(evidence(), 0n), good]), "CaseJurisdictionInvalid", [0n]);
    await expectRevert(c.submitApplications([good, application(evidence(), 0n)]), "CaseJurisdictionInvalid", [0n]);
    await expectRevert(c.submitApplications([]), "ApplicationBatchEmpty");
    await expectRevert(w.contracts.cases.getCase(good.caseId), "CaseUnknown", [good.caseId]);
  });

  it("answers, without opening a case, what submitApplications would refuse, each application judged alone", async () => {
    const first = await w.submit();
    const c = w.contracts.cases.connect(w.who.caseworker);
    const good = application();
    await c.checkApplications([good, application()]);
    await expectRevert(w.contracts.cases.getCase(good.caseId), "CaseUnknown", [good.caseId]);
    await expectRevert(c.checkApplications([good, application(first.identity)]), "CaseIdentityAlreadyOpen", [first.identity, Programme.Dibao, first.caseId]);
    await expectRevert(c.checkApplications([{ ...application(), caseId: first.caseId }]), "CaseAlreadyExists", [first.caseId]);
    await expectRevert(c.checkApplications([{ ...good, recordHash: toBeHex(0, 32) }]), "CaseFieldZero", ["recordHash"]);
    await expectRevert(c.checkApplications([good, application(), application(evidence(), J.townshipA2)]), "AccessOutsideJurisdiction");
    await expectRevert(c.checkApplications([good, application(evidence(), 0n)]), "CaseJurisdictionInvalid", [0n]);
    await expectRevert(c.checkApplications([]), "ApplicationBatchEmpty");
    // Asked as another account, the caller's role is the one checked.
    await expectRevert(w.contracts.cases.connect(w.who.caseworkerB).checkApplications([good]), "AccessOutsideJurisdiction");
    // Two of one identity each pass alone; the transaction refuses the second.
    const sameIdentity = evidence();
    await c.checkApplications([application(sameIdentity), application(sameIdentity)]);
  });
});

describe("signed decisions", () => {
  it("takes a review and a two-signature county approval relayed by anyone, then starts public notice", async () => {
    const { caseId } = await w.submit();
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
    expect(terms.noticeEnd).toBe((await w.time()) + BigInt(7 * DAY));
    expect(householdSize).toBe(2n);
    expect(round).toBe(2n);
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
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1])), "ApprovalThresholdNotMet", [caseId, 2, 1]);
  });

  it("refuses a signer without the role and a signer of another county", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    const d = await w.decision(caseId, { stage: Stage.Approval, amount: 100_000n, householdSize: 1 });
    await expectRevert(
      w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1, w.who.outsider])),
      "ApprovalSignerUnauthorized",
      [w.who.outsider.address, roleId("APPROVER"), J.townshipA1],
    );
    await expectRevert(
      w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1, w.who.approverB])),
      "ApprovalSignerUnauthorized",
      [w.who.approverB.address, roleId("APPROVER"), J.townshipA1],
    );
    // A reviewer's signature does not count as an approval.
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1, w.who.reviewer1])), "ApprovalSignerUnauthorized");
  });

  it("refuses an expired deadline", async () => {
    const { caseId } = await w.submit();
    const d = await w.decision(caseId, { deadline: (await w.time()) - 1n });
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "ApprovalExpired");
  });

  it("refuses replayed signatures once the case has moved on", async () => {
    const { caseId } = await w.submit();
    const review = await w.decision(caseId);
    const sigs = await w.sign(review, [w.who.reviewer1]);
    await (await w.contracts.cases.decide(review, sigs)).wait();
    await expectRevert(w.contracts.cases.decide(review, sigs), "ApprovalStageMismatch", [caseId, CaseStatus.Reviewed, Stage.Review]);
    await w.approve(caseId, 100_000n);
    await (await w.contracts.cases.connect(w.who.reviewer2).lodgeObjection(caseId, evidence())).wait();
    // Back in review, the old review's signatures carry a spent round.
    await expectRevert(w.contracts.cases.decide(review, sigs), "ApprovalNonceMismatch", [caseId, 3, 0]);
  });

  it("refuses signatures made for another case, another chain or another deployment", async () => {
    const a = await w.submit();
    const b = await w.submit();
    const forA = await w.decision(a.caseId);
    const forB = await w.decision(b.caseId);
    const sigsA = await w.sign(forA, [w.who.reviewer1]);
    await expectRevert(w.contracts.cases.decide(forB, sigsA), "ApprovalSignatureInvalid", [w.who.reviewer1.address]);
    const otherChain = await w.sign(forB, [w.who.reviewer1], await w.contracts.cases.getAddress(), 1n);
    await expectRevert(w.contracts.cases.decide(forB, otherChain), "ApprovalSignatureInvalid");
    const otherDeployment = await w.sign(forB, [w.who.reviewer1], w.who.spare1.address);
    await expectRevert(w.contracts.cases.decide(forB, otherDeployment), "ApprovalSignatureInvalid");
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
      "ApprovalSignatureInvalid",
      [sigs[0]!.signer],
    );
    await expectRevert(w.contracts.cases.decide(d, [sigs[0]!, sigs[0]!]), "ApprovalSignerDuplicate", [sigs[0]!.signer]);
    await expectRevert(w.contracts.cases.decide(d, [sigs[1]!, sigs[0]!]), "ApprovalSignersUnordered", [sigs[0]!.signer]);
  });

  it("refuses a decision on a record that has since been revised", async () => {
    const { caseId, recordHash } = await w.submit();
    const d = await w.decision(caseId);
    const revised = evidence();
    await (await w.contracts.cases.connect(w.who.caseworker).reviseRecord(caseId, revised, evidence())).wait();
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "ApprovalRecordMismatch", [
      caseId,
      revised,
      recordHash,
    ]);
    expect(await w.contracts.cases.revisions(caseId)).toEqual([recordHash, revised]);
  });

  it("refuses an amount above the standard times the household size", async () => {
    const { caseId } = await w.submit();
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
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "ApprovalTermsInvalid", [caseId]);
    await w.review(caseId);
    const a = await w.decision(caseId, { stage: Stage.Approval, amount: 0n, householdSize: 1 });
    await expectRevert(w.contracts.cases.decide(a, await w.sign(a, [w.who.approver1, w.who.approver2])), "ApprovalTermsInvalid");
  });

  it("lets a township approve small temporary assistance alone, and nothing else", async () => {
    const temp = await w.submit({ programme: Programme.Temporary });
    await w.review(temp.caseId);
    const overCeiling = await w.decision(temp.caseId, { stage: Stage.Approval, amount: 500_001n, householdSize: 2 });
    await expectRevert(
      w.contracts.cases.decide(overCeiling, await w.sign(overCeiling, [w.who.townshipApprover])),
      "ApprovalSignerLevelTooLow",
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
      "ApprovalSignerLevelTooLow",
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
    await expectRevert(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1])), "ApprovalThresholdNotConfigured", [
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
    await expectRevert(c.activate(caseId, evidence()), "CaseNoticeNotOver", [caseId, terms.noticeEnd]);
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
    const { caseId } = await w.activeCase();
    const c = w.contracts.cases;
    await expectRevert(c.connect(w.who.caseworker).suspend(caseId, evidence()), "AccessOutsideJurisdiction");
    await expectRevert(c.connect(w.who.approverB).suspend(caseId, evidence()), "AccessOutsideJurisdiction");
    await (await c.connect(w.who.approver1).suspend(caseId, evidence())).wait();
    expect(await status(caseId)).toBe(CaseStatus.Suspended);
    await expectRevert(c.connect(w.who.approver1).suspend(caseId, evidence()), "CaseStatusInvalid", [caseId, CaseStatus.Suspended]);
    await (await c.connect(w.who.approver1).resume(caseId, evidence())).wait();
    await (await c.connect(w.who.approver1).terminate(caseId, evidence())).wait();
    expect(await status(caseId)).toBe(CaseStatus.Terminated);
    await expectRevert(c.connect(w.who.approver1).terminate(caseId, evidence()), "CaseStatusInvalid");
    await expectRevert(c.connect(w.who.caseworker).reviseRecord(caseId, evidence(), evidence()), "CaseStatusInvalid");
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
    await expectRevert(w.submit(), "JurisdictionPaused");
  });

  it("keeps configuration in governance's hands", async () => {
    const c = w.contracts.cases.connect(w.who.outsider);
    await expectRevert(c.setThreshold(J.countyA, 0, 0, 1), "ConfigUnauthorized", [w.who.outsider.address]);
    await expectRevert(c.setNoticePeriod(0, 1), "ConfigUnauthorized");
    await expectRevert(c.setTownshipCeiling(1), "ConfigUnauthorized");
    await expectRevert(w.contracts.cases.setThreshold(J.countyA, 0, 0, 0), "ConfigThresholdZero");
  });
});
