import { hexlify, randomBytes } from "ethers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Area, CaseStatus, PayoutState, Programme, Stage } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { expectRevert } from "./helpers/expect-revert.ts";
import { addMonths, buildWorld, DAY, endOf, J, startOf, type World } from "./helpers/world.ts";

let w: World;
let restore: () => Promise<void>;
const hash = () => hexlify(randomBytes(32));

/**
 * The chain's clock starts at the wall clock's time; the tests move it to the first hour of the
 * next January, fiscal year `YEAR`, so that every month named below is one of that year and the
 * cases they open are entitled from January on.
 */
let YEAR: number;
let JAN: number;
let FEB: number;
let MAR: number;
let APR: number;
let DEC: number;

/** Central Dibao budget for `YEAR`, passed down to the province and on to county A. */
let central: bigint;
let province: bigint;
let county: bigint;

async function newAllocation(parent: bigint, jurisdiction: bigint, amount: bigint): Promise<bigint> {
  const f = w.contracts.funds.connect(w.who.centralFinance);
  await (await f.allocate(parent, jurisdiction, amount, hash())).wait();
  return await w.contracts.funds.allocationCount();
}

async function payout(caseId: string, period: number) {
  const [state, allocationId, amount] = await w.contracts.funds.payout(caseId, period);
  return { state: Number(state) as PayoutState, allocationId, amount };
}

/** A Dibao case of a household of 2 submitted and reviewed, waiting for its approval. */
async function reviewedCase() {
  const { caseId } = await w.submit({ household: [hash()] });
  await w.review(caseId);
  return caseId;
}

/** Approves `caseId` (150,000 fen, household of 2) in a block at `at` exactly, so that its notice ends 7 days later. */
async function approveAt(caseId: string, at: bigint) {
  const d = await w.decision(caseId, { stage: Stage.Approval, amount: 150_000n, householdSize: 2, deadline: at + 3600n });
  const signatures = await w.sign(d, [w.who.approver1, w.who.approver2]);
  await w.nextBlockAt(at);
  await (await w.contracts.cases.decide(d, signatures)).wait();
  const [terms] = await w.contracts.cases.getCase(caseId);
  expect(terms.entitledFrom).toBe(at + BigInt(7 * DAY));
  return { caseId, noticeEnd: terms.entitledFrom };
}

async function activate(caseId: string) {
  await (await w.contracts.cases.connect(w.who.caseworker).activate(caseId, hash())).wait();
}

beforeAll(async () => {
  w = await buildWorld();
  YEAR = Math.floor((await w.period()) / 100) + 1;
  [JAN, FEB, MAR, APR, DEC] = [1, 2, 3, 4, 12].map((m) => YEAR * 100 + m) as [number, number, number, number, number];
  await w.moveTo(JAN, 3600);
  central = await w.appropriate(Programme.Dibao, YEAR, J.nation, 10_000_000_000n);
  province = await newAllocation(central, J.province, 5_000_000_000n);
  county = await newAllocation(province, J.countyA, 1_000_000_000n);
  restore = await w.snapshot();
});
beforeEach(async () => restore());

describe("appropriations and allocations", () => {
  it("passes funds down the tree and never lets children exceed the parent", async () => {
    expect(await w.contracts.funds.available(province)).toBe(4_000_000_000n);
    const all = await w.contracts.funds.allocation(county);
    expect([all.parent, all.jurisdiction, all.programme, all.fiscalYear]).toEqual([province, J.countyA, 0n, BigInt(YEAR)]);
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).allocate(province, J.countyB, 4_000_000_001n, hash()), "AllocationInsufficient", [
      province,
      4_000_000_000n,
      4_000_000_001n,
    ]);
  });

  it("reports what each allocation holds, passed down, paid out and has left", async () => {
    const township = await newAllocation(county, J.townshipA1, 1_000_000n);
    const { caseId } = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 150_000n)).wait();
    const c = await w.contracts.funds.allocation(county);
    expect([c.amount, c.allocated, c.paid]).toEqual([1_000_000_000n, 1_000_000n, 150_000n]);
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n - 1_000_000n - 150_000n);
    const t = await w.contracts.funds.allocation(township);
    expect([t.parent, t.jurisdiction, t.amount, t.allocated, t.paid]).toEqual([county, J.townshipA1, 1_000_000n, 0n, 0n]);
  });

  it("keeps allocations inside the parent's jurisdiction", async () => {
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).allocate(county, J.countyB, 1n, hash()), "AllocationOutsideParent", [
      county,
      J.countyB,
    ]);
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).allocate(county, 440105777000n, 1n, hash()), "AllocationJurisdictionUnknown", [440105777000n]);
  });

  it("lets only a finance officer over the giving jurisdiction allocate or propose an appropriation", async () => {
    await expectRevert(w.contracts.funds.connect(w.who.finance).allocate(province, J.countyA, 1n, hash()), "AccessOutsideJurisdiction", [
      w.who.finance.address,
      roleId("FINANCE_OFFICER"),
      J.province,
    ]);
    await expectRevert(w.contracts.funds.connect(w.who.outsider).proposeAppropriation(0, YEAR, J.nation, 1n, hash()), "AccessOutsideJurisdiction", [
      w.who.outsider.address,
      roleId("FINANCE_OFFICER"),
      J.nation,
    ]);
    await expectRevert(w.contracts.funds.connect(w.who.finance).proposeAppropriation(0, YEAR, J.countyB, 1n, hash()), "AccessOutsideJurisdiction", [
      w.who.finance.address,
      roleId("FINANCE_OFFICER"),
      J.countyB,
    ]);
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).proposeAppropriation(0, YEAR, J.nation, 0n, hash()), "AllocationAmountZero");
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).proposeAppropriation(0, YEAR, 440105777000n, 1n, hash()), "AllocationJurisdictionUnknown", [440105777000n]);
    await expectRevert(w.contracts.funds.allocation(999n), "AllocationUnknown", [999n]);
    await expectRevert(w.contracts.funds.available(999n), "AllocationUnknown", [999n]);
  });

  it("names the finance officers who appropriated (maker and checker) or allocated", async () => {
    const f = w.contracts.funds;
    const [appropriated] = await f.queryFilter(f.filters.AppropriationMade(central));
    const [allocated] = await f.queryFilter(f.filters.AllocationMade(county));
    expect([appropriated!.args.proposer, appropriated!.args.actor, allocated!.args.actor]).toEqual([
      w.who.centralFinance.address,
      w.who.centralChecker.address,
      w.who.centralFinance.address,
    ]);
  });
});

describe("appropriations: no single key creates money", () => {
  const terms = (amount = 5_000_000n, purposeHash = "0x" + "ab".repeat(32)) => [Programme.Dibao, YEAR, J.countyA, amount, purposeHash] as const;

  async function propose(maker = w.who.finance, amount?: bigint) {
    const t = terms(amount);
    await (await w.contracts.funds.connect(maker).proposeAppropriation(...t)).wait();
    return await w.contracts.funds.appropriationProposalCount();
  }

  it("creates nothing when one officer proposes; the second officer's approval of the same terms makes the budget line", async () => {
    const before = await w.contracts.funds.allocationCount();
    const proposalId = await propose();
    expect(await w.contracts.funds.allocationCount()).toBe(before);
    const [proposer, termsHash] = await w.contracts.funds.appropriationProposal(proposalId);
    expect(proposer).toBe(w.who.finance.address);
    expect(termsHash).not.toBe("0x" + "00".repeat(32));
    const receipt = await (await w.contracts.funds.connect(w.who.centralChecker).approveAppropriation(proposalId, ...terms())).wait();
    const made = await w.contracts.funds.allocationCount();
    expect(made).toBe(before + 1n);
    const a = await w.contracts.funds.allocation(made);
    expect([a.parent, a.jurisdiction, a.amount]).toEqual([0n, J.countyA, 5_000_000n]);
    const [event] = await w.contracts.funds.queryFilter(w.contracts.funds.filters.AppropriationMade(made), receipt!.blockNumber);
    expect([event!.args.proposalId, event!.args.proposer, event!.args.actor]).toEqual([proposalId, w.who.finance.address, w.who.centralChecker.address]);
    // Made once: the proposal is spent.
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).approveAppropriation(proposalId, ...terms()), "AppropriationProposalNotPending", [proposalId]);
  });

  it("refuses the maker approving their own proposal", async () => {
    const proposalId = await propose(w.who.centralFinance);
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).approveAppropriation(proposalId, ...terms()), "AppropriationSelfApproval", [
      proposalId,
      w.who.centralFinance.address,
    ]);
  });

  it("refuses terms other than those proposed: amount, purpose, jurisdiction, year or programme", async () => {
    const proposalId = await propose();
    const checker = w.contracts.funds.connect(w.who.centralChecker);
    await expectRevert(checker.approveAppropriation(proposalId, ...terms(5_000_001n)), "AppropriationTermsMismatch", [proposalId]);
    await expectRevert(checker.approveAppropriation(proposalId, ...terms(5_000_000n, hash())), "AppropriationTermsMismatch", [proposalId]);
    await expectRevert(checker.approveAppropriation(proposalId, Programme.Dibao, YEAR, J.countyB, 5_000_000n, "0x" + "ab".repeat(32)), "AppropriationTermsMismatch", [proposalId]);
    await expectRevert(checker.approveAppropriation(proposalId, Programme.Dibao, YEAR + 1, J.countyA, 5_000_000n, "0x" + "ab".repeat(32)), "AppropriationTermsMismatch", [proposalId]);
    await expectRevert(checker.approveAppropriation(proposalId, Programme.Tekun, YEAR, J.countyA, 5_000_000n, "0x" + "ab".repeat(32)), "AppropriationTermsMismatch", [proposalId]);
  });

  it("refuses a checker outside the jurisdiction, the operator account, and a maker whose role was revoked since", async () => {
    const proposalId = await propose();
    await expectRevert(w.contracts.funds.connect(w.who.financeB).approveAppropriation(proposalId, ...terms()), "AccessOutsideJurisdiction", [
      w.who.financeB.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
    await expectRevert(w.contracts.funds.connect(w.who.logOperator).approveAppropriation(proposalId, ...terms()), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
    await (await w.contracts.access.revokeRole(roleId("FINANCE_OFFICER"), w.who.finance.address)).wait();
    await expectRevert(w.contracts.funds.connect(w.who.centralChecker).approveAppropriation(proposalId, ...terms()), "AccessOutsideJurisdiction", [
      w.who.finance.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
  });

  it("lets the maker alone withdraw a pending proposal, which then cannot be approved", async () => {
    const proposalId = await propose();
    await expectRevert(w.contracts.funds.connect(w.who.centralChecker).withdrawAppropriation(proposalId), "AppropriationNotProposer", [
      proposalId,
      w.who.centralChecker.address,
    ]);
    const receipt = await (await w.contracts.funds.connect(w.who.finance).withdrawAppropriation(proposalId)).wait();
    const [withdrawn] = await w.contracts.funds.queryFilter(w.contracts.funds.filters.AppropriationWithdrawn(proposalId), receipt!.blockNumber);
    expect(withdrawn!.args.actor).toBe(w.who.finance.address);
    await expectRevert(w.contracts.funds.connect(w.who.centralChecker).approveAppropriation(proposalId, ...terms()), "AppropriationProposalNotPending", [proposalId]);
    await expectRevert(w.contracts.funds.connect(w.who.finance).withdrawAppropriation(proposalId), "AppropriationProposalNotPending", [proposalId]);
    await expectRevert(w.contracts.funds.connect(w.who.finance).withdrawAppropriation(999n), "AppropriationProposalNotPending", [999n]);
  });
});

describe("budgets: a payout draws only on the paying officer's own allocation", () => {
  it("refuses paying a county case from the central appropriation or the province's allocation, singly and in a batch, even by their own officer", async () => {
    const { caseId } = await w.activeCase();
    for (const [who, allocationId, held] of [
      [w.who.finance, central, J.nation],
      [w.who.finance, province, J.province],
      [w.who.centralFinance, central, J.nation],
      [w.who.centralFinance, province, J.province],
    ] as const) {
      const f = w.contracts.funds.connect(who);
      await expectRevert(f.pay(allocationId, caseId, JAN, 1_000n), "PayoutAllocationAboveCounty", [allocationId, held]);
      await expectRevert(f.payBatch(allocationId, JAN, [{ caseId, amount: 1_000n }]), "PayoutAllocationAboveCounty", [allocationId, held]);
    }
    expect((await payout(caseId, JAN)).state).toBe(PayoutState.None);
  });

  it("refuses a finance officer whose role does not cover the allocation, though it covers the case", async () => {
    const { caseId } = await w.activeCase();
    // A township's finance officer: their role covers the case (in township A1), not county A's budget.
    await (await w.contracts.access.grantScopedRole(roleId("FINANCE_OFFICER"), w.who.spare2.address, J.townshipA1)).wait();
    for (const f of [w.contracts.funds.connect(w.who.spare2)]) {
      await expectRevert(f.pay(county, caseId, JAN, 1_000n), "AccessOutsideJurisdiction", [w.who.spare2.address, roleId("FINANCE_OFFICER"), J.countyA]);
      await expectRevert(f.payBatch(county, JAN, [{ caseId, amount: 1_000n }]), "AccessOutsideJurisdiction", [w.who.spare2.address, roleId("FINANCE_OFFICER"), J.countyA]);
    }
    // The township's own allocation is theirs to spend.
    const township = await newAllocation(county, J.townshipA1, 1_000_000n);
    await (await w.contracts.funds.connect(w.who.spare2).pay(township, caseId, JAN, 1_000n)).wait();
    expect(await payout(caseId, JAN)).toEqual({ state: PayoutState.Paid, allocationId: township, amount: 1_000n });
  });

  it("refuses a payout while the case's own township is paused, though its allocation's county is not", async () => {
    const { caseId } = await w.activeCase();
    await (await w.contracts.access.setPaused(J.townshipA1, true, hash())).wait();
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 1n), "JurisdictionPaused", [J.townshipA1, J.townshipA1]);
    await expectRevert(w.contracts.funds.connect(w.who.finance).payBatch(county, JAN, [{ caseId, amount: 1n }]), "JurisdictionPaused", [J.townshipA1, J.townshipA1]);
  });
});

describe("the operator account alone", () => {
  it("cannot propose an appropriation", async () => {
    await expectRevert(w.contracts.funds.connect(w.who.logOperator).proposeAppropriation(Programme.Dibao, YEAR, J.countyA, 10n ** 20n, hash()), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
  });

  it("cannot allocate", async () => {
    await expectRevert(w.contracts.funds.connect(w.who.logOperator).allocate(county, J.townshipA1, 1n, hash()), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
  });

  it("cannot pay a case", async () => {
    const { caseId } = await w.activeCase();
    await expectRevert(w.contracts.funds.connect(w.who.logOperator).pay(county, caseId, JAN, 1n), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
  });

  it("cannot pay a batch", async () => {
    const { caseId } = await w.activeCase();
    await expectRevert(w.contracts.funds.connect(w.who.logOperator).payBatch(county, JAN, [{ caseId, amount: 1n }]), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
  });

  it("cannot reverse a payout", async () => {
    const { caseId } = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 100n)).wait();
    // Checked over the jurisdiction of the allocation the payout drew from.
    await expectRevert(w.contracts.funds.connect(w.who.logOperator).reversePayout(county, caseId, JAN, 100n, hash()), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
  });

  it("cannot confirm a settlement", async () => {
    const { caseId } = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 100n)).wait();
    await expectRevert(w.contracts.funds.connect(w.who.logOperator).confirmSettlements(JAN, [{ caseId, evidenceHash: hash() }]), "AccessOutsideJurisdiction", [
      w.who.logOperator.address,
      roleId("SETTLEMENT_AGENT"),
      J.townshipA1,
    ]);
  });

  it("cannot record a citizen's acknowledgement: a relayer attests nothing", async () => {
    const { caseId } = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 100n)).wait();
    await expectRevert(w.contracts.funds.connect(w.who.logOperator).recordAcknowledgement(caseId, JAN, hash()), "FundUnauthorized", [w.who.logOperator.address]);
    await (await w.contracts.funds.connect(w.who.caseworker).recordAcknowledgement(caseId, JAN, hash())).wait();
  });
});

describe("payouts", () => {
  it("pays an active case once per period, records where from and how much, and debits the allocation", async () => {
    const { caseId } = await w.activeCase({ amount: 150_000n });
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(county, caseId, JAN, 150_000n)).wait();
    expect(await payout(caseId, JAN)).toEqual({ state: PayoutState.Paid, allocationId: county, amount: 150_000n });
    expect(Number(await w.contracts.funds.payoutState(caseId, JAN))).toBe(PayoutState.Paid);
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n - 150_000n);
    await expectRevert(f.pay(county, caseId, JAN, 150_000n), "PayoutAlreadyMade", [caseId, JAN]);
    await w.moveTo(FEB);
    await (await f.pay(county, caseId, FEB, 140_000n)).wait();
    expect(await payout(caseId, FEB)).toEqual({ state: PayoutState.Paid, allocationId: county, amount: 140_000n });
  });

  it("names the finance officer in PayoutMade", async () => {
    const { caseId } = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 100n)).wait();
    const b = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).payBatch(county, JAN, [{ caseId: b.caseId, amount: 200n }])).wait();
    for (const [id, amount] of [
      [caseId, 100n],
      [b.caseId, 200n],
    ] as const) {
      const [made] = await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutMade(id));
      expect([made!.args.allocationId, made!.args.period, made!.args.amount, made!.args.actor]).toEqual([county, BigInt(JAN), amount, w.who.finance.address]);
    }
  });

  it("never pays a case twice for a period, within a batch or across batches", async () => {
    const a = await w.activeCase();
    const b = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(
      f.payBatch(county, JAN, [
        { caseId: a.caseId, amount: 1n },
        { caseId: a.caseId, amount: 1n },
      ]),
      "PayoutAlreadyMade",
      [a.caseId, JAN],
    );
    await (await f.payBatch(county, JAN, [{ caseId: a.caseId, amount: 100n }])).wait();
    await expectRevert(
      f.payBatch(county, JAN, [
        { caseId: b.caseId, amount: 100n },
        { caseId: a.caseId, amount: 100n },
      ]),
      "PayoutAlreadyMade",
      [a.caseId, JAN],
    );
    // The failed batch left nothing behind: b is still unpaid and the allocation was charged once.
    expect(Number(await w.contracts.funds.payoutState(b.caseId, JAN))).toBe(PayoutState.None);
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n - 100n);
    await expectRevert(f.payBatch(county, JAN, []), "PayoutBatchEmpty");
  });

  it("checks the pause again where a batch moves to another jurisdiction, the officer over the allocation, and refuses an unknown case in a batch", async () => {
    const a = w.contracts.access;
    await (await a.grantScopedRole(roleId("CASEWORKER"), w.who.spare2.address, J.countyA)).wait();
    await (await a.grantScopedRole(roleId("REVIEWER"), w.who.spare2.address, J.countyA)).wait();
    await (await a.grantScopedRole(roleId("FINANCE_OFFICER"), w.who.spare1.address, J.townshipA1)).wait();
    const inA1 = await w.activeCase();
    const inA2 = await w.submit({ jurisdiction: J.townshipA2, by: w.who.spare2, household: [hash()] });
    await w.review(inA2.caseId, [w.who.spare2]);
    await w.approve(inA2.caseId, 150_000n);
    await w.advance(7 * DAY);
    await (await w.contracts.cases.connect(w.who.spare2).activate(inA2.caseId, hash())).wait();
    const township = w.contracts.funds.connect(w.who.spare1);
    await expectRevert(
      township.payBatch(county, JAN, [
        { caseId: inA1.caseId, amount: 1n },
        { caseId: inA2.caseId, amount: 1n },
      ]),
      "AccessOutsideJurisdiction",
      [w.who.spare1.address, roleId("FINANCE_OFFICER"), J.countyA],
    );
    await (await a.setPaused(J.townshipA2, true, hash())).wait();
    await expectRevert(
      w.contracts.funds.connect(w.who.finance).payBatch(county, JAN, [
        { caseId: inA1.caseId, amount: 1n },
        { caseId: inA2.caseId, amount: 1n },
      ]),
      "JurisdictionPaused",
      [J.townshipA2, J.townshipA2],
    );
    await (await a.setPaused(J.townshipA2, false, hash())).wait();
    await (await w.contracts.funds.connect(w.who.finance).payBatch(county, JAN, [
      { caseId: inA1.caseId, amount: 1n },
      { caseId: inA2.caseId, amount: 2n },
    ])).wait();
    expect([(await payout(inA1.caseId, JAN)).amount, (await payout(inA2.caseId, JAN)).amount]).toEqual([1n, 2n]);
    const unknown = hash();
    await expectRevert(w.contracts.funds.connect(w.who.finance).payBatch(county, JAN, [{ caseId: unknown, amount: 1n }]), "PayoutCaseNotActive", [unknown, CaseStatus.None]);
  });

  it("refuses to overdraw an allocation, all or nothing", async () => {
    const small = await newAllocation(county, J.townshipA1, 250_000n);
    const a = await w.activeCase();
    const b = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(
      f.payBatch(small, JAN, [
        { caseId: a.caseId, amount: 150_000n },
        { caseId: b.caseId, amount: 150_000n },
      ]),
      "AllocationInsufficient",
      [small, 250_000n, 300_000n],
    );
    expect(Number(await w.contracts.funds.payoutState(a.caseId, JAN))).toBe(PayoutState.None);
    await (await f.pay(small, a.caseId, JAN, 150_000n)).wait();
    await expectRevert(f.pay(small, b.caseId, JAN, 150_000n), "AllocationInsufficient", [small, 100_000n, 150_000n]);
  });

  it("refuses a case that is not active, such as one still in public notice, and an unknown case", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    await w.approve(caseId, 100_000n);
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 1n), "PayoutCaseNotActive", [caseId, CaseStatus.InNotice]);
    const unknown = hash();
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(county, unknown, JAN, 1n), "PayoutCaseNotActive", [unknown, CaseStatus.None]);
  });

  it("refuses an amount above the approved amount or zero", async () => {
    const { caseId } = await w.activeCase({ amount: 150_000n });
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(f.pay(county, caseId, JAN, 150_001n), "PayoutAboveApproved", [caseId, 150_001n, 150_000n]);
    await expectRevert(f.pay(county, caseId, JAN, 0n), "PayoutAboveApproved", [caseId, 0n, 150_000n]);
  });

  it("refuses a case outside the allocation's programme or jurisdiction", async () => {
    const temp = await w.activeCase({ programme: Programme.Temporary });
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(f.pay(county, temp.caseId, JAN, 1n), "PayoutProgrammeMismatch", [temp.caseId, county]);
    const temporary = await w.appropriate(Programme.Temporary, YEAR, J.countyA, 10_000_000n);
    const dibao = await w.activeCase();
    await expectRevert(f.pay(temporary, dibao.caseId, 0, 1n), "PayoutProgrammeMismatch", [dibao.caseId, temporary]);
    const townshipA2 = await newAllocation(county, J.townshipA2, 1_000_000n);
    await expectRevert(f.pay(townshipA2, dibao.caseId, JAN, 1n), "PayoutOutsideAllocation", [dibao.caseId, townshipA2]);
  });

  it("refuses a finance officer of another county and a paused jurisdiction", async () => {
    const { caseId } = await w.activeCase();
    await expectRevert(w.contracts.funds.connect(w.who.financeB).pay(county, caseId, JAN, 1n), "AccessOutsideJurisdiction", [
      w.who.financeB.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
    await (await w.contracts.access.setPaused(J.province, true, hash())).wait();
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 1n), "JurisdictionPaused", [J.townshipA1, J.province]);
    await expectRevert(w.contracts.funds.connect(w.who.finance).payBatch(county, JAN, [{ caseId, amount: 1n }]), "JurisdictionPaused", [J.townshipA1, J.province]);
  });

  it("checks periods: YYYYMM for monthly programmes, 0 for one-off ones", async () => {
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    for (const bad of [0, YEAR * 100 + 13, YEAR * 100, 199912, 300001]) {
      await expectRevert(f.pay(county, caseId, bad, 1n), "PayoutPeriodInvalid", [bad]);
    }
    const temporary = await w.appropriate(Programme.Temporary, YEAR, J.countyA, 10_000_000n);
    const temp = await w.activeCase({ programme: Programme.Temporary });
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(temporary, temp.caseId, JAN, 1n), "PayoutPeriodInvalid", [JAN]);
    await (await w.contracts.funds.connect(w.who.finance).pay(temporary, temp.caseId, 0, 100n)).wait();
    expect(await payout(temp.caseId, 0)).toEqual({ state: PayoutState.Paid, allocationId: temporary, amount: 100n });
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(temporary, temp.caseId, 0, 100n), "PayoutAlreadyMade", [temp.caseId, 0]);
  });

  it("keeps each month of the year in its own cell, four months to a storage word", async () => {
    const { caseId } = await w.activeCase();
    await w.moveTo(DEC);
    const f = w.contracts.funds.connect(w.who.finance);
    const paid = [1, 4, 5, 8, 9, 12].map((m) => YEAR * 100 + m);
    for (const [i, p] of paid.entries()) await (await f.pay(county, caseId, p, BigInt(100 + i))).wait();
    for (let m = 1; m <= 12; m++) {
      const p = YEAR * 100 + m;
      const i = paid.indexOf(p);
      expect(await payout(caseId, p)).toEqual(i < 0 ? { state: PayoutState.None, allocationId: 0n, amount: 0n } : { state: PayoutState.Paid, allocationId: county, amount: BigInt(100 + i) });
    }
  });
});

describe("money rules: the period", () => {
  it("refuses a month outside the allocation's fiscal year", async () => {
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    for (const outside of [addMonths(JAN, -1), addMonths(DEC, 1), addMonths(JAN, -120), 299901]) {
      await expectRevert(f.pay(county, caseId, outside, 1n), "PayoutOutsideFiscalYear", [county, outside, YEAR]);
    }
  });

  it("refuses a month outside the allocation's fiscal year in a batch", async () => {
    const { caseId } = await w.activeCase();
    const last = addMonths(JAN, -1);
    await expectRevert(w.contracts.funds.connect(w.who.finance).payBatch(county, last, [{ caseId, amount: 1n }]), "PayoutOutsideFiscalYear", [county, last, YEAR]);
  });

  it("refuses a month after the chain's current month (China Standard Time) until it has begun", async () => {
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(f.pay(county, caseId, FEB, 1n), "PayoutPeriodInFuture", [FEB, JAN]);
    await expectRevert(f.pay(county, caseId, DEC, 1n), "PayoutPeriodInFuture", [DEC, JAN]);
    // The last second of January in Beijing is 15:59:59 UTC on 31 January.
    await w.nextBlockAt(startOf(FEB) - 1n);
    await expectRevert(f.pay(county, caseId, FEB, 1n), "PayoutPeriodInFuture", [FEB, JAN]);
    await w.nextBlockAt(startOf(FEB));
    await (await f.pay(county, caseId, FEB, 1n)).wait();
    expect((await payout(caseId, FEB)).state).toBe(PayoutState.Paid);
  });

  it("refuses a month after the chain's current month in a batch", async () => {
    const { caseId } = await w.activeCase();
    await expectRevert(w.contracts.funds.connect(w.who.finance).payBatch(county, FEB, [{ caseId, amount: 1n }]), "PayoutPeriodInFuture", [FEB, JAN]);
  });

  it("refuses a month before the one the case's notice ended in, and takes back pay to that month", async () => {
    const [first, second] = [await reviewedCase(), await reviewedCase()];
    // Notice ends in the last second of February: February is the first month paid.
    const february = await approveAt(first, endOf(FEB) - BigInt(7 * DAY) - 1n);
    // Notice ends in the first second of March: March is.
    const march = await approveAt(second, endOf(FEB) - BigInt(7 * DAY));
    await w.moveTo(APR);
    await activate(february.caseId);
    await activate(march.caseId);
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(f.pay(county, february.caseId, JAN, 1n), "PayoutBeforeEntitlement", [february.caseId, JAN, february.noticeEnd]);
    await expectRevert(f.pay(county, march.caseId, FEB, 1n), "PayoutBeforeEntitlement", [march.caseId, FEB, march.noticeEnd]);
    // Back pay: activated in April, paid from the month the notice ended.
    for (const p of [FEB, MAR, APR]) await (await f.pay(county, february.caseId, p, 150_000n)).wait();
    for (const p of [MAR, APR]) await (await f.pay(county, march.caseId, p, 150_000n)).wait();
    expect((await payout(february.caseId, FEB)).state).toBe(PayoutState.Paid);
  });

  it("pays a case resumed after a suspension from the month it resumed: the months it was suspended are not paid back", async () => {
    const { caseId, identity } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(county, caseId, JAN, 150_000n)).wait();
    await (await w.contracts.cases.connect(w.who.approver1).suspend(caseId, hash())).wait();
    await w.moveTo(MAR);
    await (await w.contracts.cases.connect(w.who.approver1).resume(caseId, hash())).wait();
    const [terms, , , , noticeEnd] = await w.contracts.cases.getCase(caseId);
    expect(terms.entitledFrom).toBe(await w.time());
    // The end of its public notice is kept apart: the resumption moved on only what payouts are for.
    expect(noticeEnd).toBeGreaterThanOrEqual(startOf(JAN));
    expect(noticeEnd).toBeLessThan(terms.entitledFrom);
    await expectRevert(f.pay(county, caseId, FEB, 150_000n), "PayoutBeforeEntitlement", [caseId, FEB, terms.entitledFrom]);
    await expectRevert(f.payBatch(county, FEB, [{ caseId, amount: 150_000n }]), "PayoutBeforeEntitlement", [caseId, FEB, terms.entitledFrom]);
    await (await f.pay(county, caseId, MAR, 150_000n)).wait();
    // Suspended and resumed again, the notice's end is still the one of its approval.
    await (await w.contracts.cases.connect(w.who.approver1).suspend(caseId, hash())).wait();
    await (await w.contracts.cases.connect(w.who.approver1).resume(caseId, hash())).wait();
    expect((await w.contracts.cases.getCase(caseId))[4]).toBe(noticeEnd);
    // Revised and approved again, its new notice is its own.
    const revision = hash();
    await (await w.contracts.cases.connect(w.who.caseworker).reviseRecord({ caseId, recordHash: revision, identityCommitment: identity, joined: [], left: [], evidenceHash: revision })).wait();
    await w.review(caseId);
    await w.approve(caseId, 150_000n);
    const [again, , , , renewed] = await w.contracts.cases.getCase(caseId);
    expect([renewed, again.entitledFrom]).toEqual([(await w.time()) + BigInt(7 * DAY), (await w.time()) + BigInt(7 * DAY)]);
  });

  it("refuses a month before the case's entitlement in a batch, all or none", async () => {
    const { caseId } = await w.activeCase();
    const march = await approveAt(await reviewedCase(), endOf(FEB) - BigInt(7 * DAY));
    await w.moveTo(MAR);
    await activate(march.caseId);
    await expectRevert(
      w.contracts.funds.connect(w.who.finance).payBatch(county, FEB, [
        { caseId, amount: 1n },
        { caseId: march.caseId, amount: 1n },
      ]),
      "PayoutBeforeEntitlement",
      [march.caseId, FEB, march.noticeEnd],
    );
    expect((await payout(caseId, FEB)).state).toBe(PayoutState.None);
  });

  it("pays a one-off programme only in its allocation's fiscal year by the chain's clock", async () => {
    const lastYear = await w.appropriate(Programme.Temporary, YEAR - 1, J.countyA, 10_000_000n);
    const nextYear = await w.appropriate(Programme.Temporary, YEAR + 1, J.countyA, 10_000_000n);
    const temp = await w.activeCase({ programme: Programme.Temporary });
    const pay = w.contracts.funds.connect(w.who.finance);
    await expectRevert(pay.pay(lastYear, temp.caseId, 0, 100n), "PayoutOutsideFiscalYear", [lastYear, 0, YEAR - 1]);
    await expectRevert(pay.pay(nextYear, temp.caseId, 0, 100n), "PayoutOutsideFiscalYear", [nextYear, 0, YEAR + 1]);
    await w.moveTo(YEAR * 100 + 101);
    await (await pay.pay(nextYear, temp.caseId, 0, 100n)).wait();
  });
});

describe("money rules: the amount", () => {
  it("refuses more than the standard in force at the end of the period allows, a lower version taking effect in its last second", async () => {
    const { caseId } = await w.activeCase({ amount: 150_000n, householdSize: 2 });
    await w.moveTo(FEB);
    await (await w.contracts.standards.setStandard(J.city, Programme.Dibao, Area.Urban, 50_000n, endOf(FEB) - 1n)).wait();
    const f = w.contracts.funds.connect(w.who.finance);
    // January's standard is the one in force before: 120,000 a person.
    await (await f.pay(county, caseId, JAN, 150_000n)).wait();
    await expectRevert(f.pay(county, caseId, FEB, 150_000n), "PayoutAboveStandard", [caseId, 150_000n, 100_000n]);
    await expectRevert(f.pay(county, caseId, FEB, 100_001n), "PayoutAboveStandard", [caseId, 100_001n, 100_000n]);
    await (await f.pay(county, caseId, FEB, 100_000n)).wait();
  });

  it("refuses more than the standard of the period in a batch", async () => {
    const a = await w.activeCase({ amount: 150_000n, householdSize: 2 });
    const b = await w.activeCase({ amount: 150_000n, householdSize: 3 });
    await (await w.contracts.standards.setStandard(J.city, Programme.Dibao, Area.Urban, 50_000n, endOf(JAN) - 1n)).wait();
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(
      f.payBatch(county, JAN, [
        { caseId: b.caseId, amount: 150_000n },
        { caseId: a.caseId, amount: 150_000n },
      ]),
      "PayoutAboveStandard",
      [a.caseId, 150_000n, 100_000n],
    );
    await (await f.payBatch(county, JAN, [{ caseId: b.caseId, amount: 150_000n }, { caseId: a.caseId, amount: 100_000n }])).wait();
  });

  it("looks the standard up again where a batch moves to another area, and takes a township's own in a batch", async () => {
    const urban = await w.activeCase({ amount: 150_000n, householdSize: 2 });
    const rural = await w.activeCase({ area: Area.Rural, amount: 150_000n, householdSize: 2 });
    const s = w.contracts.standards;
    await (await s.setStandard(J.city, Programme.Dibao, Area.Rural, 50_000n, startOf(JAN))).wait();
    const f = w.contracts.funds.connect(w.who.finance);
    const both = (amount: bigint) => [
      { caseId: urban.caseId, amount: 150_000n },
      { caseId: rural.caseId, amount },
    ];
    await expectRevert(f.payBatch(county, JAN, both(150_000n)), "PayoutAboveStandard", [rural.caseId, 150_000n, 100_000n]);
    await (await s.setStandard(J.city, Programme.Dibao, Area.Rural, 90_000n, startOf(JAN))).wait();
    await (await s.setStandard(J.townshipA1, Programme.Dibao, Area.Urban, 60_000n, startOf(JAN))).wait();
    await expectRevert(f.payBatch(county, JAN, both(150_000n)), "PayoutAboveStandard", [urban.caseId, 150_000n, 120_000n]);
  });

  it("uses the standard of the case's own township where it has one", async () => {
    const { caseId } = await w.activeCase({ amount: 150_000n, householdSize: 2 });
    await (await w.contracts.standards.setStandard(J.townshipA1, Programme.Dibao, Area.Urban, 60_000n, startOf(JAN))).wait();
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(f.pay(county, caseId, JAN, 150_000n), "PayoutAboveStandard", [caseId, 150_000n, 120_000n]);
    await (await f.pay(county, caseId, JAN, 120_000n)).wait();
  });
});

describe("money rules: no standard", () => {
  it("refuses a payout where no standard is in force for the case, once the case's own rules pass, singly and in a batch", async () => {
    const { caseId } = await w.activeCase();
    // Moved by an approver over both ends to a county under no standard.
    await (await w.contracts.access.grantScopedRole(roleId("APPROVER"), w.who.spare1.address, J.nation)).wait();
    await (await w.contracts.cases.connect(w.who.spare1).transferCase(caseId, J.otherCounty, hash())).wait();
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 100n), "PayoutOutsideAllocation", [caseId, county]);
    const f = w.contracts.funds.connect(w.who.centralFinance);
    const other = await newAllocation(central, J.otherCounty, 1_000_000n);
    const time = endOf(JAN) - 1n;
    await expectRevert(f.pay(other, caseId, JAN, 100n), "StandardNotSet", [J.otherCounty, Programme.Dibao, Area.Urban, time]);
    await expectRevert(f.payBatch(other, JAN, [{ caseId, amount: 100n }]), "StandardNotSet", [J.otherCounty, Programme.Dibao, Area.Urban, time]);
    // Once the province sets one, it caps the case: two people at 50,000.
    await (await w.contracts.standards.setStandard(J.otherProvince, Programme.Dibao, Area.Urban, 50_000n, startOf(JAN))).wait();
    await expectRevert(f.pay(other, caseId, JAN, 150_000n), "PayoutAboveStandard", [caseId, 150_000n, 100_000n]);
    await (await f.pay(other, caseId, JAN, 100_000n)).wait();
  });
});

describe("reversals after a transfer", () => {
  it("are the paying county's finance officer's: the allocation's, not the case's new county's", async () => {
    const { caseId } = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 150_000n)).wait();
    await (await w.contracts.access.grantScopedRole(roleId("APPROVER"), w.who.spare1.address, J.city)).wait();
    await (await w.contracts.cases.connect(w.who.spare1).transferCase(caseId, J.townshipB1, hash())).wait();
    await expectRevert(w.contracts.funds.connect(w.who.financeB).reversePayout(county, caseId, JAN, 150_000n, hash()), "AccessOutsideJurisdiction", [
      w.who.financeB.address,
      roleId("FINANCE_OFFICER"),
      J.countyA,
    ]);
    await (await w.contracts.funds.connect(w.who.finance).reversePayout(county, caseId, JAN, 150_000n, hash())).wait();
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n);
  });
});

describe("money rules: a revised case", () => {
  it("is not paid after a revision until it is reviewed, approved and activated again", async () => {
    const { caseId, identity } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    const revision = { caseId, recordHash: hash(), identityCommitment: identity, joined: [], left: [], evidenceHash: hash() };
    await (await w.contracts.cases.connect(w.who.caseworker).reviseRecord(revision)).wait();
    await expectRevert(f.pay(county, caseId, JAN, 100n), "PayoutCaseNotActive", [caseId, CaseStatus.Submitted]);
    await expectRevert(f.payBatch(county, JAN, [{ caseId, amount: 100n }]), "PayoutCaseNotActive", [caseId, CaseStatus.Submitted]);
    await w.review(caseId);
    await expectRevert(f.pay(county, caseId, JAN, 100n), "PayoutCaseNotActive", [caseId, CaseStatus.Reviewed]);
    await w.approve(caseId, 120_000n);
    await expectRevert(f.pay(county, caseId, JAN, 100n), "PayoutCaseNotActive", [caseId, CaseStatus.InNotice]);
    await w.advance(7 * DAY);
    await activate(caseId);
    await expectRevert(f.pay(county, caseId, JAN, 150_000n), "PayoutAboveApproved", [caseId, 150_000n, 120_000n]);
    await (await f.pay(county, caseId, JAN, 120_000n)).wait();
  });
});

describe("money rules: the household size", () => {
  it("caps a payout by the standard times the ledger's household size, which a revision changes", async () => {
    const { caseId, identity, household } = await w.activeCase({ householdSize: 3, amount: 300_000n });
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(county, caseId, JAN, 300_000n)).wait();
    // One member leaves: two people, and the approval that follows must name two.
    const revision = { caseId, recordHash: hash(), identityCommitment: identity, joined: [], left: [household[0]!], evidenceHash: hash() };
    await (await w.contracts.cases.connect(w.who.caseworker).reviseRecord(revision)).wait();
    await w.review(caseId);
    await expectRevert(w.approve(caseId, 300_000n), "ApprovalAboveStandard", [caseId, 300_000n, 240_000n]);
    await w.approve(caseId, 240_000n);
    await w.advance(7 * DAY);
    await activate(caseId);
    await (await w.contracts.standards.setStandard(J.city, Programme.Dibao, Area.Urban, 100_000n, startOf(FEB))).wait();
    await w.moveTo(FEB);
    // Three people would allow 300,000 at February's standard; the ledger holds two.
    await expectRevert(f.pay(county, caseId, FEB, 240_000n), "PayoutAboveStandard", [caseId, 240_000n, 200_000n]);
    await expectRevert(f.payBatch(county, FEB, [{ caseId, amount: 200_001n }]), "PayoutAboveStandard", [caseId, 200_001n, 200_000n]);
    await (await f.pay(county, caseId, FEB, 200_000n)).wait();
  });
});

describe("settlement, reversal and acknowledgement", () => {
  it("settles a payout once, by the settlement agent over the case, and names the agent", async () => {
    const { caseId } = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 100n)).wait();
    const s = w.contracts.funds.connect(w.who.settlement);
    await expectRevert(w.contracts.funds.connect(w.who.finance).confirmSettlements(JAN, [{ caseId, evidenceHash: hash() }]), "AccessOutsideJurisdiction", [
      w.who.finance.address,
      roleId("SETTLEMENT_AGENT"),
      J.townshipA1,
    ]);
    await expectRevert(s.confirmSettlements(FEB, [{ caseId, evidenceHash: hash() }]), "PayoutNotOutstanding", [caseId, FEB, PayoutState.None]);
    const receipt = hash();
    await (await s.confirmSettlements(JAN, [{ caseId, evidenceHash: receipt }])).wait();
    expect(await payout(caseId, JAN)).toEqual({ state: PayoutState.Settled, allocationId: county, amount: 100n });
    await expectRevert(s.confirmSettlements(JAN, [{ caseId, evidenceHash: hash() }]), "PayoutNotOutstanding", [caseId, JAN, PayoutState.Settled]);
    const [settled] = await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutSettled(caseId));
    expect([settled!.args.evidenceHash, settled!.args.agent]).toEqual([receipt, w.who.settlement.address]);
  });

  it("reverses an unsettled payout by a compensating entry, after which it may be paid again", async () => {
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(county, caseId, JAN, 100n)).wait();
    await (await f.reversePayout(county, caseId, JAN, 100n, hash())).wait();
    expect(await payout(caseId, JAN)).toEqual({ state: PayoutState.Reversed, allocationId: county, amount: 100n });
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n);
    await expectRevert(f.reversePayout(county, caseId, JAN, 100n, hash()), "PayoutNotOutstanding", [caseId, JAN, PayoutState.Reversed]);
    await (await f.pay(county, caseId, JAN, 100n)).wait();
    await (await w.contracts.funds.connect(w.who.settlement).confirmSettlements(JAN, [{ caseId, evidenceHash: hash() }])).wait();
    await expectRevert(f.reversePayout(county, caseId, JAN, 100n, hash()), "PayoutNotOutstanding", [caseId, JAN, PayoutState.Settled]);
    expect((await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutMade(caseId))).length).toBe(2);
    expect((await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutReversed(caseId))).length).toBe(1);
  });

  it("refuses a reversal naming another allocation than the payout drew from, with the recorded allocation and amount", async () => {
    const township = await newAllocation(county, J.townshipA1, 1_000_000n);
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(township, caseId, JAN, 100n)).wait();
    for (const other of [county, province, central]) {
      await expectRevert(f.reversePayout(other, caseId, JAN, 100n, hash()), "PayoutReversalMismatch", [caseId, JAN, township, 100n]);
    }
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n - 1_000_000n);
    expect(await w.contracts.funds.available(township)).toBe(1_000_000n - 100n);
  });

  it("refuses a reversal of another amount than was paid, above or below, with the recorded allocation and amount", async () => {
    const { caseId } = await w.activeCase({ amount: 150_000n });
    const f = w.contracts.funds.connect(w.who.finance);
    // Paid 1 fen: reversing 100,000 would have overdrawn the allocation.
    await (await f.pay(county, caseId, JAN, 1n)).wait();
    for (const amount of [100_000n, 2n, 0n]) {
      await expectRevert(f.reversePayout(county, caseId, JAN, amount, hash()), "PayoutReversalMismatch", [caseId, JAN, county, 1n]);
    }
    await (await f.pay(county, (await w.activeCase()).caseId, JAN, 100n)).wait();
    await expectRevert(f.reversePayout(county, caseId, JAN, 101n, hash()), "PayoutReversalMismatch", [caseId, JAN, county, 1n]);
    expect((await payout(caseId, JAN)).state).toBe(PayoutState.Paid);
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n - 101n);
  });

  it("credits exactly the allocation the payout drew from, with exactly its amount, and names the officer", async () => {
    const township = await newAllocation(county, J.townshipA1, 1_000_000n);
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(township, caseId, JAN, 123n)).wait();
    const reason = hash();
    await (await f.reversePayout(township, caseId, JAN, 123n, reason)).wait();
    expect(await w.contracts.funds.available(township)).toBe(1_000_000n);
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n - 1_000_000n);
    expect((await w.contracts.funds.allocation(township)).paid).toBe(0n);
    const [reversed] = await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutReversed(caseId));
    expect([reversed!.args.period, reversed!.args.allocationId, reversed!.args.amount, reversed!.args.reasonHash, reversed!.args.actor]).toEqual([
      BigInt(JAN),
      township,
      123n,
      reason,
      w.who.finance.address,
    ]);
    // Paid again from another allocation, the payout's record is that one: a reversal names it.
    await (await f.pay(county, caseId, JAN, 150n)).wait();
    expect(await payout(caseId, JAN)).toEqual({ state: PayoutState.Paid, allocationId: county, amount: 150n });
    await expectRevert(f.reversePayout(township, caseId, JAN, 123n, hash()), "PayoutReversalMismatch", [caseId, JAN, county, 150n]);
    await (await f.reversePayout(county, caseId, JAN, 150n, hash())).wait();
    expect([await w.contracts.funds.available(township), await w.contracts.funds.available(county)]).toEqual([1_000_000n, 1_000_000_000n - 1_000_000n]);
  });

  it("records a citizen's acknowledgement only for a payout made", async () => {
    const { caseId } = await w.activeCase();
    const c = w.contracts.funds.connect(w.who.caseworker);
    await expectRevert(c.recordAcknowledgement(caseId, JAN, hash()), "PayoutNotMade", [caseId, JAN, PayoutState.None]);
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, JAN, 100n)).wait();
    await (await c.recordAcknowledgement(caseId, JAN, hash())).wait();
    await expectRevert(w.contracts.funds.connect(w.who.outsider).recordAcknowledgement(caseId, JAN, hash()), "FundUnauthorized", [w.who.outsider.address]);
  });
});

describe("traceability", () => {
  it("walks from a payout up to its appropriation, and from an allocation down to every case it paid", async () => {
    const township = await newAllocation(county, J.townshipA1, 1_000_000n);
    const a = await w.activeCase();
    const b = await w.activeCase();
    await (
      await w.contracts.funds.connect(w.who.finance).payBatch(township, JAN, [
        { caseId: a.caseId, amount: 100n },
        { caseId: b.caseId, amount: 200n },
      ])
    ).wait();

    const [made] = await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutMade(b.caseId));
    const chain: bigint[] = [];
    for (let id = made!.args.allocationId; id !== 0n; id = (await w.contracts.funds.allocation(id)).parent) chain.push(id);
    expect(chain).toEqual([township, county, province, central]);

    const down = async (id: bigint): Promise<string[]> => {
      const paid = (await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutMade(undefined, id))).map((l) => l.args.caseId);
      const children = await w.contracts.funds.queryFilter(w.contracts.funds.filters.AllocationMade(undefined, id));
      for (const child of children) paid.push(...(await down(child.args.allocationId)));
      return paid;
    };
    expect((await down(central)).sort()).toEqual([a.caseId, b.caseId].sort());
    const t = await w.contracts.funds.allocation(township);
    expect([t.paid, t.amount]).toEqual([300n, 1_000_000n]);
  });
});
