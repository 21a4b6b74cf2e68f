import { hexlify, id, randomBytes, Signature, Wallet, type ContractTransactionResponse, type Signer } from "ethers";
import { Programme, Stage } from "../server/chain/domain.ts";
import { buildConsistencyPath, buildInclusionPath, leafHash } from "../kit/index.ts";
import { BenchForwarder__factory, ForwarderTarget__factory } from "../types/ethers-contracts/index.js";
import { addMonths, DAY, J, type World } from "../test/helpers/world.ts";
import { uniformTree } from "./virtual-tree.ts";

/** The gas targets of the ledger (issue 19), per case for batches, each authorisation included. */
export const TARGETS = {
  singleFirst: 75_000,
  singleLater: 60_000,
  batch100First: 30_000,
  batch100Later: 15_000,
  application100: 90_000,
  checkpoint2e20: 80_000,
} as const;

const hash = () => hexlify(randomBytes(32));
export const gasOf = async (tx: Promise<ContractTransactionResponse>) => Number((await (await tx).wait())!.gasUsed);

/** `count` applications signed by the world's caseworker, each with a household of `members` besides the applicant. */
export async function applications(w: World, count: number, members = 0) {
  return Promise.all(Array.from({ length: count }, () => w.application({ household: Array.from({ length: members }, hash) })));
}

/** Gas of opening `count` cases in one `submitApplications`, relayed by the log operator, and of checking them first (a call). */
export async function intake(w: World, count: number, members = 0) {
  const batch = await applications(w, count, members);
  const relayer = w.contracts.cases.connect(w.who.logOperator);
  const checked = Number(await relayer.checkApplications.estimateGas(batch));
  const gas = await gasOf(relayer.submitApplications(batch));
  return { gas, checked };
}

/**
 * `count` active Dibao cases in township A1 (households of 2, approved at 150,000 fen by one
 * signature), and a county allocation per fiscal year, made when first needed (`fund`).
 * The ledger pays only months of the allocation's fiscal year, none after the chain's current
 * month and none before the case's notice ended: each measurement moves the clock to the months
 * it pays (`group`). One more case, not among `caseIds`, draws each allocation's first payout,
 * which alone writes the allocation's spending word from zero.
 */
export async function payrollWorld(w: World, count: number, progress: (done: number) => void = () => {}) {
  await (await w.contracts.cases.setThreshold(J.countyA, Programme.Dibao, Stage.Approval, 1)).wait();
  const all: string[] = [];
  for (let i = 0; i <= count; i++) {
    const { caseId } = await w.submit({ household: [hash()] });
    await w.review(caseId);
    const d = await w.decision(caseId, { stage: Stage.Approval, amount: 150_000n, householdSize: 2 });
    await (await w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1]))).wait();
    all.push(caseId);
    progress(i + 1);
  }
  await w.advance(7 * DAY);
  for (const caseId of all) await (await w.contracts.cases.connect(w.who.caseworker).activate(caseId, hash())).wait();
  const warm = all.pop()!;
  const caseIds = all;
  const finance = w.contracts.funds.connect(w.who.finance);
  const central = w.contracts.funds.connect(w.who.centralFinance);
  const allocations = new Map<number, bigint>();
  let allocationFirstUse = 0;

  /** The county's allocation for `year`, appropriated, passed down and first drawn on when first asked for. */
  async function fund(year: number): Promise<bigint> {
    const known = allocations.get(year);
    if (known !== undefined) return known;
    await (await central.allocate(await w.appropriate(Programme.Dibao, year, J.nation, 10n ** 15n), J.countyA, 10n ** 14n, hash())).wait();
    const county = await w.contracts.funds.allocationCount();
    allocations.set(year, county);
    allocationFirstUse ||= await gasOf(finance.pay(county, warm, await w.period(), 150_000n));
    return county;
  }

  // Payouts are held four months to a storage word (Jan–Apr, May–Aug, Sep–Dec). The first group
  // used starts after the current one, whose first month may be before the cases' entitlement.
  let next = addMonths(await w.period(), 4 - ((((await w.period()) % 100) - 1) % 4));

  /**
   * The next group of months none of the cases was paid in: its first month and a later one,
   * with the clock moved to the later one (paying the first is then back pay, as allowed) and
   * that year's allocation.
   */
  async function group() {
    const first = next;
    next = addMonths(next, 4);
    const later = addMonths(first, 1);
    await w.moveTo(later);
    const allocationId = await fund(Math.floor(first / 100));
    return { first, later, allocationId };
  }

  return {
    caseIds,
    finance,
    group,
    fund,
    get allocationFirstUse() {
      return allocationFirstUse;
    },
  };
}

export type Payroll = Awaited<ReturnType<typeof payrollWorld>>;

/** Gas of a batch payout of `size` cases: their first payments in a group of months, then another month of it. */
export async function batchPayout(payroll: Payroll, size: number) {
  const payments = payroll.caseIds.slice(0, size).map((caseId) => ({ caseId, amount: 150_000n }));
  const { first: firstMonth, later: laterMonth, allocationId } = await payroll.group();
  const first = await gasOf(payroll.finance.payBatch(allocationId, firstMonth, payments));
  const later = await gasOf(payroll.finance.payBatch(allocationId, laterMonth, payments));
  return { first, later };
}

/** Gas of a single payout: a case's first payment in a group of months, then another month of it. */
export async function singlePayout(payroll: Payroll) {
  const caseId = payroll.caseIds[0]!;
  const { first: firstMonth, later: laterMonth, allocationId } = await payroll.group();
  const first = await gasOf(payroll.finance.pay(allocationId, caseId, firstMonth, 150_000n));
  const later = await gasOf(payroll.finance.pay(allocationId, caseId, laterMonth, 150_000n));
  return { first, later };
}

/**
 * What OpenZeppelin 5.1's ERC2771Forwarder adds to a call: the same write of a fresh word of its
 * sender's to a harness target, sent by the officer directly and signed by the officer and
 * relayed by the operator through the forwarder, alone (`execute`) and in a batch of `batch`
 * (`executeBatch`). A signer's first request writes its nonce word from zero (`forwarded`); later
 * ones rewrite it (`later`, and every request of the batch, whose signers each sent one before).
 */
export async function forwarderOverhead(w: World, batch = 100) {
  const forwarder = await new BenchForwarder__factory(w.who.governance).deploy();
  await forwarder.waitForDeployment();
  const target = await new ForwarderTarget__factory(w.who.governance).deploy(await forwarder.getAddress());
  await target.waitForDeployment();
  const domain = { name: "aidtrail bench forwarder", version: "1", chainId: w.chainId, verifyingContract: await forwarder.getAddress() };
  const types = {
    ForwardRequest: [
      { name: "from", type: "address" },
      { name: "to", type: "address" },
      { name: "value", type: "uint256" },
      { name: "gas", type: "uint256" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint48" },
      { name: "data", type: "bytes" },
    ],
  };
  const to = await target.getAddress();
  const request = async (signer: Signer, key: bigint) => {
    const from = await signer.getAddress();
    const message = { from, to, value: 0n, gas: 100_000n, nonce: await forwarder.nonces(from), deadline: (await w.time()) + 3600n, data: target.interface.encodeFunctionData("write", [key]) };
    const signature = Signature.from(await signer.signTypedData(domain, types, message)).serialized;
    return { from, to, value: 0n, gas: message.gas, deadline: message.deadline, data: message.data, signature };
  };
  const relayer = forwarder.connect(w.who.logOperator);
  const direct = await gasOf(target.connect(w.who.approver1).write(1n));
  const forwarded = await gasOf(relayer.execute(await request(w.who.approver1, 2n)));
  const later = await gasOf(relayer.execute(await request(w.who.approver1, 3n)));
  const signers = Array.from({ length: batch }, () => Wallet.createRandom());
  await gasOf(relayer.executeBatch(await Promise.all(signers.map((s) => request(s, 1n))), w.who.logOperator.address));
  const batched = await gasOf(relayer.executeBatch(await Promise.all(signers.map((s) => request(s, 2n))), w.who.logOperator.address));
  return { direct, forwarded, later, batched, batch };
}

const RECORD = new TextEncoder().encode("a 1 KiB case record stands here");

/**
 * Gas of anchoring a checkpoint of 2^exponent leaves whose predecessor was anchored 999 records
 * earlier (an unaligned size, as in production), and of verifying an inclusion proof against it.
 */
export async function checkpoint(w: World, exponent: number) {
  const anchor = w.contracts.anchor.connect(w.who.logOperator);
  const tree = uniformTree(RECORD);
  const size = 2 ** exponent;
  const previous = size - 999;
  const logId = id(`bench log 2^${exponent}`);
  await w.registerLog(logId);
  await (await anchor.anchor(logId, previous, hexlify(tree(0, previous)), [])).wait();
  const proof = buildConsistencyPath(previous, size, tree).map(hexlify);
  const gas = await gasOf(anchor.anchor(logId, size, hexlify(tree(0, size)), proof));
  const index = Math.floor(size / 3);
  const inclusion = buildInclusionPath(index, size, tree).map(hexlify);
  const verifyGas = Number(await w.contracts.anchor.verifyInclusion.estimateGas(logId, size, index, hexlify(leafHash(RECORD)), inclusion));
  return { gas, proofLength: proof.length, verifyGas, inclusionLength: inclusion.length };
}
