/**
 * Gas used by each ledger operation on the EVM fork the permissioned chain runs (see
 * hardhat.config.ts). Prints a table and writes bench/results/gas.json.
 * Run: npm run bench:gas
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { hexlify, id, randomBytes, type ContractTransactionResponse } from "ethers";
import { Programme, Stage } from "../server/chain/domain.ts";
import { buildConsistencyPath, buildInclusionPath, leafHash } from "../server/verify/index.ts";
import { buildWorld, DAY, J } from "../test/helpers/world.ts";
import { uniformTree } from "./virtual-tree.ts";

interface Row {
  operation: string;
  gas: number;
  perCase?: number;
  target?: number;
  note?: string;
}

const rows: Row[] = [];
const w = await buildWorld();
const gasOf = async (tx: Promise<ContractTransactionResponse>) => Number((await (await tx).wait())!.gasUsed);
const hash = () => hexlify(randomBytes(32));

// The reference every figure is read against: a plain value transfer.
const transfer = await w.who.outsider.sendTransaction({ to: w.who.spare1.address, value: 1n });
rows.push({ operation: "reference: plain transfer", gas: Number((await transfer.wait())!.gasUsed) });

const caseworker = w.contracts.cases.connect(w.who.caseworker);
rows.push({
  operation: "submit application",
  gas: await gasOf(caseworker.submitApplication(hash(), Programme.Dibao, 0, J.townshipA1, hash(), hash())),
});

const approvers = [w.who.approver1, w.who.approver2, w.who.approver3];
for (const count of [1, 2, 3]) {
  await (await w.contracts.cases.setThreshold(J.countyA, Programme.Dibao, Stage.Approval, count)).wait();
  const { caseId } = await w.submit();
  await w.review(caseId);
  const d = await w.decision(caseId, { stage: Stage.Approval, amount: 150_000n, householdSize: 2 });
  const gas = await gasOf(w.contracts.cases.decide(d, await w.sign(d, approvers.slice(0, count))));
  rows.push({ operation: `approval, ${count} signature${count > 1 ? "s" : ""}`, gas });
}
await (await w.contracts.cases.setThreshold(J.countyA, Programme.Dibao, Stage.Approval, 1)).wait();

// Funds: central Dibao budget passed down to county A.
const central = w.contracts.funds.connect(w.who.centralFinance);
await (await central.appropriate(Programme.Dibao, 2026, J.nation, 10n ** 15n, hash())).wait();
await (await central.allocate(1n, J.countyA, 10n ** 14n, hash())).wait();
const county = 2n;

const BATCHES = [1, 10, 100, 500];
const caseCount = Math.max(...BATCHES);
process.stdout.write(`preparing ${caseCount} active cases`);
const caseIds: string[] = [];
for (let i = 0; i < caseCount; i++) {
  const { caseId } = await w.submit();
  await w.review(caseId);
  const d = await w.decision(caseId, { stage: Stage.Approval, amount: 150_000n, householdSize: 2 });
  await (await w.contracts.cases.decide(d, await w.sign(d, [w.who.approver1]))).wait();
  caseIds.push(caseId);
  if (i % 100 === 99) process.stdout.write(".");
}
await w.advance(7 * DAY);
for (const caseId of caseIds) await (await caseworker.activate(caseId, hash())).wait();
process.stdout.write("\n");

const finance = w.contracts.funds.connect(w.who.finance);
// An allocation's spending word is written for the first time by its first payout, once a year per county.
rows.push({
  operation: "first payout ever drawn from an allocation",
  gas: await gasOf(finance.pay(county, caseIds[caseCount - 1]!, 201901, 150_000n)),
  note: "one-off per allocation: its spending word goes from zero",
});
// A case's first payment in a decade writes a fresh storage word; later months rewrite it.
rows.push({ operation: "single payout, first payment", gas: await gasOf(finance.pay(county, caseIds[0]!, 202001, 150_000n)), target: 75_000 });
rows.push({ operation: "single payout, later month", gas: await gasOf(finance.pay(county, caseIds[0]!, 202002, 150_000n)), target: 60_000 });

for (const [i, size] of BATCHES.entries()) {
  const decade = 2030 + 10 * i;
  const payments = caseIds.slice(0, size).map((caseId) => ({ caseId, amount: 150_000n }));
  for (const [label, month] of [["first payments", 1], ["later month", 2]] as const) {
    const gas = await gasOf(finance.payBatch(county, decade * 100 + month, payments));
    const target = size === 100 ? (month === 1 ? 30_000 : 15_000) : undefined;
    rows.push({ operation: `batch payout of ${size}, ${label}`, gas, perCase: Math.round(gas / size), target });
  }
}

const anchor = w.contracts.anchor.connect(w.who.logOperator);
const tree = uniformTree(new TextEncoder().encode("a 1 KiB case record stands here"));
for (const exponent of [10, 20, 30]) {
  const size = 2 ** exponent;
  // A checkpoint roughly every thousand records, at an unaligned size as in production.
  const previous = size - 999;
  const logId = id(`bench log 2^${exponent}`);
  await (await anchor.anchor(logId, previous, hexlify(tree(0, previous)), [])).wait();
  const proof = buildConsistencyPath(previous, size, tree).map(hexlify);
  const gas = await gasOf(anchor.anchor(logId, size, hexlify(tree(0, size)), proof));
  rows.push({
    operation: `checkpoint at 2^${exponent} leaves`,
    gas,
    target: exponent === 20 ? 80_000 : undefined,
    note: `consistency proof of ${proof.length} hashes`,
  });
  const index = Math.floor(size / 3);
  const inclusion = buildInclusionPath(index, size, tree).map(hexlify);
  const leaf = hexlify(leafHash(new TextEncoder().encode("a 1 KiB case record stands here")));
  const verifyGas = Number(await w.contracts.anchor.verifyInclusion.estimateGas(logId, size, index, leaf, inclusion));
  rows.push({ operation: `inclusion verification at 2^${exponent}`, gas: verifyGas, note: `proof of ${inclusion.length} hashes, as a call` });
}

const reference = rows[0]!.gas;
const later100 = rows.find((r) => r.operation === "batch payout of 100, later month")!.perCase!;
const first100 = rows.find((r) => r.operation === "batch payout of 100, first payments")!.perCase!;
const payrollGasPerBlock = Math.round((40_000_000 * later100) / (24 * 60 * 60 / 2));

const table = rows.map((r) => ({
  operation: r.operation,
  gas: r.gas.toLocaleString("en"),
  "per case": r.perCase?.toLocaleString("en") ?? "",
  "× transfer": (r.gas / reference).toFixed(2),
  target: r.target ? `<= ${r.target.toLocaleString("en")}` : "",
  met: r.target ? ((r.perCase ?? r.gas) <= r.target ? "yes" : "NO") : "",
  note: r.note ?? "",
}));
console.table(table);
console.log(
  `40 million monthly payments in batches of 100 need ${(40_000_000 * later100 / 1e9).toFixed(0)} Ggas ` +
    `(${(40_000_000 * first100 / 1e9).toFixed(0)} Ggas if every case were paid for the first time): ` +
    `${(payrollGasPerBlock / 1e6).toFixed(1)} Mgas in each 2 s block of one day.`,
);

mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
writeFileSync(
  new URL("./results/gas.json", import.meta.url),
  JSON.stringify({ evm: "berlin", rows, payroll: { payments: 40_000_000, blockSeconds: 2, gasPerBlock: payrollGasPerBlock } }, null, 2) + "\n",
);
const missed = rows.filter((r) => r.target && (r.perCase ?? r.gas) > r.target);
if (missed.length > 0) {
  console.error(`targets missed: ${missed.map((r) => r.operation).join("; ")}`);
  process.exitCode = 1;
}
