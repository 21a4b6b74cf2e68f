/**
 * Gas used by each ledger operation on the EVM fork the permissioned chain runs (see
 * hardhat.config.ts), against a plain transfer measured in the same run, each with the
 * authorisation it needs (the officer's own transaction, or the caseworker's signature on each
 * application). Prints a table and writes bench/results/gas.json. Run: npm run bench:gas
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { hexlify, randomBytes } from "ethers";
import { Programme, Stage } from "../server/chain/domain.ts";
import { buildWorld, J } from "../test/helpers/world.ts";
import { batchPayout, checkpoint, forwarderOverhead, gasOf, intake, payrollWorld, singlePayout, TARGETS } from "./gas-scenarios.ts";

interface Row {
  operation: string;
  gas: number;
  perCase?: number;
  target?: number;
  note?: string;
}

const rows: Row[] = [];
const w = await buildWorld();

const transfer = await w.who.outsider.sendTransaction({ to: w.who.spare1.address, value: 1n });
rows.push({ operation: "reference: plain transfer", gas: Number((await transfer.wait())!.gasUsed) });

rows.push({
  operation: "application, a batch of 1 (signed)",
  gas: await gasOf(w.contracts.cases.connect(w.who.logOperator).submitApplications([await w.application()])),
  note: "relayed by the operator",
});
{
  const alone = await intake(w, 100);
  // Asked before each is taken in, as an eth_call: its gas is what the node runs, not what a block holds.
  rows.push({ operation: "check 100 applications (checkApplications, a call)", gas: alone.checked, perCase: Math.round(alone.checked / 100) });
  rows.push({ operation: "submit 100 applications (signed, household of 1)", gas: alone.gas, perCase: Math.round(alone.gas / 100), target: TARGETS.application100 });
  const three = await intake(w, 100, 2);
  rows.push({
    operation: "submit 100 applications (signed, household of 3)",
    gas: three.gas,
    perCase: Math.round(three.gas / 100),
    note: `each member's commitment: ${Math.round((three.gas - alone.gas) / 200).toLocaleString("en")}`,
  });
}
const approvers = [w.who.approver1, w.who.approver2, w.who.approver3];
for (const count of [1, 2, 3]) {
  await (await w.contracts.cases.setThreshold(J.countyA, Programme.Dibao, Stage.Approval, count)).wait();
  const { caseId } = await w.submit({ household: [hexlify(randomBytes(32))] });
  await w.review(caseId);
  const d = await w.decision(caseId, { stage: Stage.Approval, amount: 150_000n, householdSize: 2 });
  const gas = await gasOf(w.contracts.cases.connect(w.who.logOperator).decide(d, await w.sign(d, approvers.slice(0, count))));
  rows.push({ operation: `approval, ${count} signature${count > 1 ? "s" : ""}`, gas, note: "relayed by the operator" });
}
{
  // The design choice measured: an officer's own transaction for a single step against OpenZeppelin's forwarder relaying it.
  const f = await forwarderOverhead(w);
  const execution = f.direct - 21_000;
  rows.push({ operation: "harness write, the officer's own transaction", gas: f.direct, note: "contracts/harness/ForwarderBench.sol" });
  rows.push({ operation: "the same through ERC2771Forwarder.execute, signer's first request", gas: f.forwarded, note: `+${(f.forwarded - f.direct).toLocaleString("en")}: its nonce word from zero` });
  rows.push({ operation: "the same through ERC2771Forwarder.execute, later request", gas: f.later, note: `+${(f.later - f.direct).toLocaleString("en")} over the officer's own transaction` });
  rows.push({
    operation: `the same through ERC2771Forwarder.executeBatch of ${f.batch}, later requests`,
    gas: f.batched,
    perCase: Math.round(f.batched / f.batch),
    note: `+${Math.round(f.batched / f.batch - execution).toLocaleString("en")} a request over the write itself`,
  });
}

const BATCHES = [1, 10, 100, 500];
process.stdout.write(`preparing ${Math.max(...BATCHES)} active cases`);
const payroll = await payrollWorld(w, Math.max(...BATCHES), (done) => done % 100 === 0 && process.stdout.write("."));
process.stdout.write("\n");

const single = await singlePayout(payroll);
rows.push({ operation: "first payout ever drawn from an allocation", gas: payroll.allocationFirstUse, note: "a first month: the allocation's funds word is written when it is made" });
rows.push({ operation: "single payout, first month of a group", gas: single.first, target: TARGETS.singleFirst, note: "the officer's own transaction" });
rows.push({ operation: "single payout, later month", gas: single.later, target: TARGETS.singleLater });
for (const size of BATCHES) {
  const { first, later } = await batchPayout(payroll, size);
  rows.push({ operation: `batch payout of ${size}, first month of a group`, gas: first, perCase: Math.round(first / size), target: size === 100 ? TARGETS.batch100First : undefined });
  rows.push({ operation: `batch payout of ${size}, later month`, gas: later, perCase: Math.round(later / size), target: size === 100 ? TARGETS.batch100Later : undefined });
}

for (const exponent of [10, 20, 30]) {
  const c = await checkpoint(w, exponent);
  rows.push({ operation: `checkpoint at 2^${exponent} leaves`, gas: c.gas, target: exponent === 20 ? TARGETS.checkpoint2e20 : undefined, note: `consistency proof of ${c.proofLength} hashes` });
  rows.push({ operation: `inclusion verification at 2^${exponent}`, gas: c.verifyGas, note: `proof of ${c.inclusionLength} hashes, as a call` });
}

const reference = rows[0]!.gas;
const perCase = (operation: string) => rows.find((r) => r.operation === operation)!.perCase!;
const later100 = perCase("batch payout of 100, later month");
const first100 = perCase("batch payout of 100, first month of a group");
const blocksPerDay = (24 * 60 * 60) / 2;
const payrollGasPerBlock = Math.round((40_000_000 * later100) / blocksPerDay);

console.table(
  rows.map((r) => ({
    operation: r.operation,
    gas: r.gas.toLocaleString("en"),
    "per case": r.perCase?.toLocaleString("en") ?? "",
    "× transfer": (r.gas / reference).toFixed(2),
    target: r.target ? `<= ${r.target.toLocaleString("en")}` : "",
    met: r.target ? ((r.perCase ?? r.gas) <= r.target ? "yes" : "NO") : "",
    note: r.note ?? "",
  })),
);
console.log(
  `40 million monthly payments in batches of 100 need ${((40_000_000 * later100) / 1e9).toFixed(0)} Ggas ` +
    `(${((40_000_000 * first100) / 1e9).toFixed(0)} Ggas in the first month of a group): ` +
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
