/**
 * How fast the command line answers before it does any work: `aidtrail --help` and
 * `aidtrail verify --help` against `node -e 0` (a plain Node start) in the same run, the median of
 * 20 runs each after two that fill the compile cache. Run: npm run bench:cli
 */
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";

const RUNS = 20;
const cases: [name: string, args: string[]][] = [
  ["node -e 0 (reference)", ["-e", "0"]],
  ["aidtrail --help", ["bin/aidtrail.js", "--help"]],
  ["aidtrail verify --help", ["bin/aidtrail.js", "verify", "--help"]],
  ["aidtrail status --help", ["bin/aidtrail.js", "status", "--help"]],
  ["aidtrail sign-call --help", ["bin/aidtrail.js", "sign-call", "--help"]],
  ["aidtrail sign-decision --help", ["bin/aidtrail.js", "sign-decision", "--help"]],
];

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const rows = cases.map(([name, args]) => {
  for (let i = 0; i < 2; i++) execFileSync(process.execPath, args, { stdio: "ignore" });
  const times = Array.from({ length: RUNS }, () => {
    const start = performance.now();
    execFileSync(process.execPath, args, { stdio: "ignore" });
    return performance.now() - start;
  });
  return { name, ms: median(times) };
});
const reference = rows[0]!.ms;
console.log(`command line start-up, median of ${RUNS} runs (Node ${process.version})`);
console.log("| command | ms | × node -e 0 |");
console.log("| --- | ---: | ---: |");
for (const { name, ms } of rows) console.log(`| ${name} | ${ms.toFixed(1)} | ${(ms / reference).toFixed(2)} |`);
