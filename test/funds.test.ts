import { hexlify, randomBytes } from "ethers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CaseStatus, PayoutState, Programme } from "../server/chain/domain.ts";
import { expectRevert } from "./helpers/expect-revert.ts";
import { buildWorld, J, type World } from "./helpers/world.ts";

let w: World;
let restore: () => Promise<void>;
const hash = () => hexlify(randomBytes(32));
const PERIOD = 202611;

/** Central Dibao budget for 2026, passed down to the province and on to county A. */
let central: bigint;
let province: bigint;
let county: bigint;

async function newAllocation(parent: bigint, jurisdiction: bigint, amount: bigint): Promise<bigint> {
  const f = w.contracts.funds.connect(w.who.centralFinance);
  await (await f.allocate(parent, jurisdiction, amount, hash())).wait();
  return await w.contracts.funds.allocationCount();
}

beforeAll(async () => {
  w = await buildWorld();
  const f = w.contracts.funds.connect(w.who.centralFinance);
  await (await f.appropriate(Programme.Dibao, 2026, J.nation, 10_000_000_000n, hash())).wait();
  central = await w.contracts.funds.allocationCount();
  province = await newAllocation(central, J.province, 5_000_000_000n);
  county = await newAllocation(province, J.countyA, 1_000_000_000n);
  restore = await w.snapshot();
});
beforeEach(async () => restore());

describe("appropriations and allocations", () => {
  it("passes funds down the tree and never lets children exceed the parent", async () => {
    expect(await w.contracts.funds.available(province)).toBe(4_000_000_000n);
    const all = await w.contracts.funds.allocation(county);
    expect([all.parent, all.jurisdiction, all.programme, all.fiscalYear]).toEqual([province, J.countyA, 0n, 2026n]);
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).allocate(province, J.countyB, 4_000_000_001n, hash()), "AllocationInsufficient", [
      province,
      4_000_000_000n,
      4_000_000_001n,
    ]);
  });

  it("keeps allocations inside the parent's jurisdiction", async () => {
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).allocate(county, J.countyB, 1n, hash()), "AllocationOutsideParent", [
      county,
      J.countyB,
    ]);
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).allocate(county, 440105777000n, 1n, hash()), "AllocationJurisdictionUnknown");
  });

  it("lets only a finance officer over the giving jurisdiction allocate or appropriate", async () => {
    await expectRevert(w.contracts.funds.connect(w.who.finance).allocate(province, J.countyA, 1n, hash()), "AccessOutsideJurisdiction");
    await expectRevert(w.contracts.funds.connect(w.who.outsider).appropriate(0, 2026, J.nation, 1n, hash()), "AccessOutsideJurisdiction");
    await expectRevert(w.contracts.funds.connect(w.who.centralFinance).appropriate(0, 2026, J.nation, 0n, hash()), "AllocationAmountZero");
    await expectRevert(w.contracts.funds.allocation(999n), "AllocationUnknown", [999n]);
  });
});

describe("payouts", () => {
  it("pays an active case once per period and debits the allocation", async () => {
    const { caseId } = await w.activeCase({ amount: 150_000n });
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(county, caseId, PERIOD, 150_000n)).wait();
    expect(Number(await w.contracts.funds.payoutState(caseId, PERIOD))).toBe(PayoutState.Paid);
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n - 150_000n);
    await expectRevert(f.pay(county, caseId, PERIOD, 150_000n), "PayoutAlreadyMade", [caseId, PERIOD]);
    await (await f.pay(county, caseId, PERIOD + 1, 150_000n)).wait();
  });

  it("never pays a case twice for a period, within a batch or across batches", async () => {
    const a = await w.activeCase();
    const b = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(
      f.payBatch(county, PERIOD, [
        { caseId: a.caseId, amount: 1n },
        { caseId: a.caseId, amount: 1n },
      ]),
      "PayoutAlreadyMade",
      [a.caseId, PERIOD],
    );
    await (await f.payBatch(county, PERIOD, [{ caseId: a.caseId, amount: 100n }])).wait();
    await expectRevert(
      f.payBatch(county, PERIOD, [
        { caseId: b.caseId, amount: 100n },
        { caseId: a.caseId, amount: 100n },
      ]),
      "PayoutAlreadyMade",
      [a.caseId, PERIOD],
    );
    // The failed batch left nothing behind: b is still unpaid and the allocation was charged once.
    expect(Number(await w.contracts.funds.payoutState(b.caseId, PERIOD))).toBe(PayoutState.None);
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n - 100n);
    await expectRevert(f.payBatch(county, PERIOD, []), "PayoutBatchEmpty");
  });

  it("refuses to overdraw an allocation, all or nothing", async () => {
    const small = await newAllocation(county, J.townshipA1, 250_000n);
    const a = await w.activeCase();
    const b = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(
      f.payBatch(small, PERIOD, [
        { caseId: a.caseId, amount: 150_000n },
        { caseId: b.caseId, amount: 150_000n },
      ]),
      "AllocationInsufficient",
      [small, 250_000n, 300_000n],
    );
    expect(Number(await w.contracts.funds.payoutState(a.caseId, PERIOD))).toBe(PayoutState.None);
    await (await f.pay(small, a.caseId, PERIOD, 150_000n)).wait();
    await expectRevert(f.pay(small, b.caseId, PERIOD, 150_000n), "AllocationInsufficient", [small, 100_000n, 150_000n]);
  });

  it("refuses a case that is not active, such as one still in public notice", async () => {
    const { caseId } = await w.submit();
    await w.review(caseId);
    await w.approve(caseId, 100_000n);
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(county, caseId, PERIOD, 1n), "PayoutCaseNotActive", [
      caseId,
      CaseStatus.InNotice,
    ]);
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(county, hash(), PERIOD, 1n), "PayoutCaseNotActive");
  });

  it("refuses an amount above the approved amount or zero", async () => {
    const { caseId } = await w.activeCase({ amount: 150_000n });
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(f.pay(county, caseId, PERIOD, 150_001n), "PayoutAboveApproved", [caseId, 150_001n, 150_000n]);
    await expectRevert(f.pay(county, caseId, PERIOD, 0n), "PayoutAboveApproved");
  });

  it("refuses a case outside the allocation's programme or jurisdiction", async () => {
    const temp = await w.activeCase({ programme: Programme.Temporary });
    const f = w.contracts.funds.connect(w.who.finance);
    await expectRevert(f.pay(county, temp.caseId, PERIOD, 1n), "PayoutProgrammeMismatch", [temp.caseId, county]);
    const townshipA2 = await newAllocation(county, J.townshipA2, 1_000_000n);
    const a1 = await w.activeCase();
    await expectRevert(f.pay(townshipA2, a1.caseId, PERIOD, 1n), "PayoutOutsideAllocation", [a1.caseId, townshipA2]);
  });

  it("refuses a finance officer of another county and a paused jurisdiction", async () => {
    const { caseId } = await w.activeCase();
    await expectRevert(w.contracts.funds.connect(w.who.financeB).pay(county, caseId, PERIOD, 1n), "AccessOutsideJurisdiction");
    await (await w.contracts.access.setPaused(J.province, true, hash())).wait();
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(county, caseId, PERIOD, 1n), "JurisdictionPaused", [
      J.townshipA1,
      J.province,
    ]);
  });

  it("checks periods: YYYYMM for monthly programmes, 0 for one-off ones", async () => {
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    for (const bad of [0, 202613, 202600, 199912, 300001]) {
      await expectRevert(f.pay(county, caseId, bad, 1n), "PayoutPeriodInvalid", [bad]);
    }
    await (await w.contracts.funds.connect(w.who.centralFinance).appropriate(Programme.Temporary, 2026, J.countyA, 10_000_000n, hash())).wait();
    const temporary = await w.contracts.funds.allocationCount();
    const temp = await w.activeCase({ programme: Programme.Temporary });
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(temporary, temp.caseId, PERIOD, 1n), "PayoutPeriodInvalid", [PERIOD]);
    await (await w.contracts.funds.connect(w.who.finance).pay(temporary, temp.caseId, 0, 100n)).wait();
    await expectRevert(w.contracts.funds.connect(w.who.finance).pay(temporary, temp.caseId, 0, 100n), "PayoutAlreadyMade", [temp.caseId, 0]);
  });

  it("keeps each month of a decade in its own state", async () => {
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    const periods = [202001, 202012, 202901, 202912, 203001];
    for (const p of periods) await (await f.pay(county, caseId, p, 1n)).wait();
    for (const p of periods) expect(Number(await w.contracts.funds.payoutState(caseId, p))).toBe(PayoutState.Paid);
    for (const p of [202002, 202911, 203002, 201912]) expect(Number(await w.contracts.funds.payoutState(caseId, p))).toBe(PayoutState.None);
  });
});

describe("settlement, reversal and acknowledgement", () => {
  it("settles a payout once, by the settlement agent over the case", async () => {
    const { caseId } = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, PERIOD, 100n)).wait();
    const s = w.contracts.funds.connect(w.who.settlement);
    await expectRevert(w.contracts.funds.connect(w.who.finance).confirmSettlements(PERIOD, [{ caseId, receiptHash: hash() }]), "AccessOutsideJurisdiction");
    await expectRevert(s.confirmSettlements(PERIOD + 1, [{ caseId, receiptHash: hash() }]), "PayoutNotOutstanding", [caseId, PERIOD + 1, PayoutState.None]);
    await (await s.confirmSettlements(PERIOD, [{ caseId, receiptHash: hash() }])).wait();
    expect(Number(await w.contracts.funds.payoutState(caseId, PERIOD))).toBe(PayoutState.Settled);
    await expectRevert(s.confirmSettlements(PERIOD, [{ caseId, receiptHash: hash() }]), "PayoutNotOutstanding", [caseId, PERIOD, PayoutState.Settled]);
  });

  it("reverses an unsettled payout by a compensating entry, after which it may be paid again", async () => {
    const { caseId } = await w.activeCase();
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(county, caseId, PERIOD, 100n)).wait();
    await (await f.reversePayout(county, caseId, PERIOD, 100n, hash())).wait();
    expect(Number(await w.contracts.funds.payoutState(caseId, PERIOD))).toBe(PayoutState.Reversed);
    expect(await w.contracts.funds.available(county)).toBe(1_000_000_000n);
    await expectRevert(f.reversePayout(county, caseId, PERIOD, 100n, hash()), "PayoutNotOutstanding");
    await (await f.pay(county, caseId, PERIOD, 100n)).wait();
    await (await w.contracts.funds.connect(w.who.settlement).confirmSettlements(PERIOD, [{ caseId, receiptHash: hash() }])).wait();
    await expectRevert(f.reversePayout(county, caseId, PERIOD, 100n, hash()), "PayoutNotOutstanding", [caseId, PERIOD, PayoutState.Settled]);
    const kinds = (await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutMade(caseId))).length;
    expect(kinds).toBe(2);
    expect((await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutReversed(caseId))).length).toBe(1);
  });

  it("refuses a reversal larger than the case could have been paid", async () => {
    const { caseId } = await w.activeCase({ amount: 150_000n });
    const f = w.contracts.funds.connect(w.who.finance);
    await (await f.pay(county, caseId, PERIOD, 100n)).wait();
    await expectRevert(f.reversePayout(county, caseId, PERIOD, 150_001n, hash()), "PayoutReversalTooLarge", [caseId, 150_001n, 100n]);
    await expectRevert(f.reversePayout(county, caseId, PERIOD, 0n, hash()), "PayoutReversalTooLarge");
  });

  it("records a citizen's acknowledgement only for a payout made", async () => {
    const { caseId } = await w.activeCase();
    const c = w.contracts.funds.connect(w.who.caseworker);
    await expectRevert(c.recordAcknowledgement(caseId, PERIOD, hash()), "PayoutNotMade", [caseId, PERIOD, PayoutState.None]);
    await (await w.contracts.funds.connect(w.who.finance).pay(county, caseId, PERIOD, 100n)).wait();
    await (await c.recordAcknowledgement(caseId, PERIOD, hash())).wait();
    await expectRevert(w.contracts.funds.connect(w.who.outsider).recordAcknowledgement(caseId, PERIOD, hash()), "FundUnauthorized");
  });
});

describe("traceability", () => {
  it("walks from a payout up to its appropriation, and from an allocation down to every case it paid", async () => {
    const township = await newAllocation(county, J.townshipA1, 1_000_000n);
    const a = await w.activeCase();
    const b = await w.activeCase();
    await (await w.contracts.funds.connect(w.who.finance).payBatch(township, PERIOD, [
      { caseId: a.caseId, amount: 100n },
      { caseId: b.caseId, amount: 200n },
    ])).wait();

    const [payout] = await w.contracts.funds.queryFilter(w.contracts.funds.filters.PayoutMade(b.caseId));
    const chain: bigint[] = [];
    for (let id = payout!.args.allocationId; id !== 0n; id = (await w.contracts.funds.allocation(id)).parent) chain.push(id);
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
