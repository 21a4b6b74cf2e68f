import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { JsonRpcProvider, isAddress } from "ethers";
import { verifyBundle, type VerificationReport } from "../audit/verify-bundle.ts";
import type { AuditBundle } from "../verify/bundle.ts";
import { deployCommand } from "./deploy.ts";
import { exportCommand } from "./export.ts";
import { grantCommand, revokeCommand } from "./governance.ts";
import { signApprovalCommand } from "./sign-approval.ts";
import { statusCommand } from "./status.ts";

const program = new Command("aidtrail")
  .description("aidtrail: audit and fund traceability for social assistance on a permissioned ledger")
  .showHelpAfterError("(run with --help for usage)");

program
  .command("verify")
  .description("check an audit bundle against the chain, trusting neither the gateway nor the bundle; exits 1 when anything fails")
  .argument("<bundle>", "the bundle file from GET /v1/audit/export")
  .requiredOption("--rpc <url>", "a JSON-RPC endpoint of the chain (any node of the network: not the gateway's)")
  .option("--anchor <address>", "the log anchor contract you trust; the bundle's contracts must lead back to it", (value) => {
    if (!isAddress(value)) throw new InvalidArgumentError("must be a contract address, 0x and 40 hex digits");
    return value;
  })
  .option("--json", "print the report as JSON, for machines")
  .addHelpText("after", "\nExample:\n  npx aidtrail verify aidtrail-audit-440105000000-0-5120.json --rpc http://127.0.0.1:8545 --anchor 0x5FbDB2315678afecb367f032d93F642f64180aa3\n")
  .action(async (file: string, options: { rpc: string; anchor?: string; json?: boolean }) => {
    let bundle: AuditBundle;
    try {
      bundle = JSON.parse(readFileSync(file, "utf8")) as AuditBundle;
    } catch (error) {
      fail(`cannot read ${file} as a bundle: ${(error as Error).message}`, "export one with GET /v1/audit/export and pass its path");
    }
    const provider = new JsonRpcProvider(options.rpc, undefined, { staticNetwork: true });
    try {
      await provider.getBlockNumber();
    } catch (error) {
      provider.destroy();
      fail(`cannot reach the chain at ${options.rpc}: ${(error as Error).message}`, "give the URL of a node of the network with --rpc");
    }
    const progress = !options.json && process.stderr.isTTY ? bar() : undefined;
    const report = await verifyBundle(bundle!, provider, { anchor: options.anchor, onProgress: progress });
    provider.destroy();
    if (progress) process.stderr.write("\n");
    process.stdout.write(options.json ? JSON.stringify(report, null, 2) + "\n" : describe(report));
    process.exitCode = report.ok ? 0 : 1;
  });

program.addCommand(signApprovalCommand());
program.addCommand(statusCommand());
program.addCommand(exportCommand());
program.addCommand(deployCommand());
program.addCommand(grantCommand());
program.addCommand(revokeCommand());
// A usage error exits 2, like any input the command cannot use: 1 means "checked, and it failed".
for (const command of [program, ...program.commands]) {
  command.showHelpAfterError("(run with --help for usage)").exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
}

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

function fail(message: string, hint: string): never {
  process.stderr.write(`aidtrail: ${message}\n  ${hint}\n`);
  process.exit(2);
}

await program.parseAsync();
