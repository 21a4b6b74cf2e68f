import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { isAddress } from "ethers";
import { verifyBundle, type VerificationReport } from "../audit/verify-bundle.ts";
import type { AuditBundle } from "../verify/bundle.ts";
import { CliError } from "./gateway-client.ts";
import { connect, rpcOption, run } from "./options.ts";

export const verifyCommand = () =>
  new Command("verify")
    .description("check an audit bundle against the chain, trusting neither the gateway nor the bundle; exits 1 when anything fails")
    .argument("<bundle>", "the bundle file from GET /v1/audit/export")
    .addOption(rpcOption())
    .option("--anchor <address>", "the log anchor contract you trust; the bundle's contracts must lead back to it", (value) => {
      if (!isAddress(value)) throw new InvalidArgumentError("must be a contract address, 0x and 40 hex digits");
      return value;
    })
    .option("--json", "print the report as JSON, for machines")
    .addHelpText("after", "\nExample:\n  npx aidtrail verify aidtrail-audit-440105000000-0-5120.json --rpc http://127.0.0.1:8545 --anchor 0x5FbDB2315678afecb367f032d93F642f64180aa3\n")
    .action(
      run(async (file: string, options: { rpc: string; anchor?: string; json?: boolean }) => {
        let bundle: AuditBundle;
        try {
          bundle = JSON.parse(readFileSync(file, "utf8")) as AuditBundle;
        } catch (error) {
          throw new CliError("BUNDLE_UNREADABLE", `cannot read ${file} as a bundle: ${(error as Error).message}`, "export one with GET /v1/audit/export and pass its path");
        }
        const { provider } = await connect(options.rpc);
        const progress = !options.json && process.stderr.isTTY ? bar() : undefined;
        const report = await verifyBundle(bundle, provider, { anchor: options.anchor, onProgress: progress });
        provider.destroy();
        if (progress) process.stderr.write("\n");
        process.stdout.write(options.json ? JSON.stringify(report, null, 2) + "\n" : describe(report));
        process.exitCode = report.ok ? 0 : 1;
      }),
    );

/** A progress bar on standard error for long bundles. */
function bar(): (done: number, total: number) => void {
  return (done, total) => {
    const width = 30;
    const filled = Math.round((done / Math.max(total, 1)) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} leaves`);
  };
}

function describe(report: VerificationReport): string {
  const s = report.summary;
  const lines = [
    report.ok ? "VERIFIED: every check passed" : `FAILED: ${report.failures.length} check(s) failed`,
    `  leaves ${s.leaves}, records ${s.records}, checkpoints ${s.checkpoints}, approvals ${s.approvals}`,
    `  payouts ${s.payouts}: ${s.settled} settled, ${s.unsettled} awaiting settlement`,
    ...report.allocations.map((a) => `  allocation ${a.allocationId}: amount ${a.amount}, paid ${a.paid}, in payment files ${a.inPaymentFiles} ${a.reconciles ? "(reconciles)" : "(DOES NOT RECONCILE)"}`),
    ...report.failures.map((f) => `FAIL ${f.code}: ${f.message}`),
    ...report.warnings.map((w) => `note ${w.code}: ${w.message}`),
  ];
  return lines.join("\n") + "\n";
}
