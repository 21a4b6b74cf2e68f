import { hexlify, id, randomBytes, type ContractTransactionResponse } from "ethers";
import { Programme, Stage } from "../server/chain/domain.ts";
import { buildConsistencyPath, buildInclusionPath, leafHash } from "../server/verify/index.ts";
import { DAY, J, type World } from "../test/helpers/world.ts";
import { uniformTree } from "./virtual-tree.ts";

/** The gas targets of the ledger, per case for batches. */
export const TARGETS = {
  singleFirst: 75_000,
  singleLater: 60_000,
  batch100First: 30_000,
  batch100Later: 15_000,
  checkpoint2e20: 80_000,
} as const;

const hash = () => hexlify(randomBytes(32));
export const gasOf = async (tx: Promise<ContractTransactionResponse>) => Number((await (await tx).wait())!.gasUsed);

/** A funded county allocation and `count` active Dibao cases in township A1, approved by one signature. */
export async function payrollWorld(w: World, count: number, progress: (done: number) => void = () => {}) {
  const central = w.contracts.funds.connect(w.who.centralFinance);
  await (await central.appropriate(Programme.Dibao, 2026, J.nation, 10n ** 15n, hash())).wait();
  const appropriation = await w.contracts.funds.allocationCount();
  await (await central.allocate(appropriation, J.countyA, 10n ** 14n, hash())).wait();
  const county = await w.contracts.funds.allocationCount();
  await (await w.contracts.cases.setThreshold(J.countyA, Programme.Dibao, Stage.Approval, 1)).wait();
  const caseIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const { caseId } = await w.submit();
    await w.review(caseId);
    const d = await w.decision(caseId, { stage: Stage.Approval, amount: 150_000n, householdSize: 2 });
    await (await w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1]))).wait();
    caseIds.push(caseId);
    progress(i + 1);
  }
  await w.advance(7 * DAY);
  for (const caseId of caseIds) await (await w.contracts.cases.connect(w.who.caseworker).activate(caseId, hash())).wait();
  const finance = w.contracts.funds.connect(w.who.finance);
  // An allocation's spending word is written for the first time by its first payout, once a year per county.
  const allocationFirstUse = await gasOf(finance.pay(county, caseIds[count - 1]!, 201901, 150_000n));
  return { county, caseIds, finance, allocationFirstUse };
}

/**
 * Gas of a batch payout of `size` cases: their first payments, in January of `year` (the start of
 * a decade none of them was paid in yet), and the next month.
 */
export async function batchPayout(payroll: Awaited<ReturnType<typeof payrollWorld>>, size: number, year: number) {
  const payments = payroll.caseIds.slice(0, size).map((caseId) => ({ caseId, amount: 150_000n }));
  const first = await gasOf(payroll.finance.payBatch(payroll.county, year * 100 + 1, payments));
  const later = await gasOf(payroll.finance.payBatch(payroll.county, year * 100 + 2, payments));
  return { first, later };
}

/** Gas of a single payout: a case's first payment, in January of `year` (a fresh decade), and the next month. */
export async function singlePayout(payroll: Awaited<ReturnType<typeof payrollWorld>>, year: number) {
  const caseId = payroll.caseIds[0]!;
  const first = await gasOf(payroll.finance.pay(payroll.county, caseId, year * 100 + 1, 150_000n));
  const later = await gasOf(payroll.finance.pay(payroll.county, caseId, year * 100 + 2, 150_000n));
  return { first, later };
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
  await (await anchor.anchor(logId, previous, hexlify(tree(0, previous)), [])).wait();
  const proof = buildConsistencyPath(previous, size, tree).map(hexlify);
  const gas = await gasOf(anchor.anchor(logId, size, hexlify(tree(0, size)), proof));
  const index = Math.floor(size / 3);
  const inclusion = buildInclusionPath(index, size, tree).map(hexlify);
  const verifyGas = Number(await w.contracts.anchor.verifyInclusion.estimateGas(logId, size, index, hexlify(leafHash(RECORD)), inclusion));
  return { gas, proofLength: proof.length, verifyGas, inclusionLength: inclusion.length };
}
