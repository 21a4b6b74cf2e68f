import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import type { CityReport, VerificationReport } from "../server/audit/verify-bundle.ts";
import type { AuditBundle } from "../kit/bundle.ts";
import { CliError } from "./gateway-client.ts";
import { connect, rpcOption, run } from "./options.ts";

export const verifyCommand = () =>
  new Command("verify")
    .argument("<bundles...>", "the bundle file from GET /v1/audit/export, or one from each county's gateway of a city, verified together")
    .addOption(rpcOption())
    .option("--anchor <address>", "the log anchor contract you trust; the bundle's contracts must lead back to it", (value) => {
      if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidArgumentError("must be a contract address, 0x and 40 hex digits");
      return value;
    })
    .option("--deployment <file>", "the deployment file you trust (as `aidtrail deploy` wrote it): its log anchor is the one the bundle must lead back to")
    .option("--json", "print the report as JSON, for machines")
    .addHelpText(
      "after",
      "\nExample (the demo of `npm start`, its deployment file trusted):\n  npx aidtrail verify aidtrail-audit-440105000000-0-5120.json --rpc http://127.0.0.1:8545 --deployment .aidtrail/deployment.json\n" +
        "Without --deployment or --anchor the bundle's own contract addresses are taken on its word, and the report says so first.\n",
    )
    .action(
      run(async (files: string[], options: { rpc: string; anchor?: string; deployment?: string; json?: boolean }) => {
        const bundles = files.map((file) => {
          try {
            return JSON.parse(readFileSync(file, "utf8")) as AuditBundle;
          } catch (error) {
            throw new CliError("BUNDLE_UNREADABLE", `cannot read ${file} as a bundle: ${(error as Error).message}`, "export one with GET /v1/audit/export and pass its path");
          }
        });
        // The verifier and the deployment's reader are loaded to verify, not for --help.
        const [{ verifyBundles }, { readDeployment }] = await Promise.all([import("../server/audit/verify-bundle.ts"), import("../server/config.ts")]);
        const { provider, chainId } = await connect(options.rpc);
        const anchor = options.anchor ?? (options.deployment ? readDeployment(options.deployment, (path) => readFileSync(path, "utf8"), chainId).contracts.logAnchor : undefined);
        const progress = !options.json && process.stderr.isTTY ? bar() : undefined;
        const city = await verifyBundles(bundles, provider, { anchor, onProgress: progress });
        provider.destroy();
        if (progress) process.stderr.write("\n");
        if (options.json) process.stdout.write(JSON.stringify(bundles.length === 1 ? city.reports[0] : city, null, 2) + "\n");
        else process.stdout.write(bundles.length === 1 ? describe(city.reports[0]!) : describeCity(city, files, bundles));
        process.exitCode = city.ok ? 0 : 1;
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
  const untrusted = report.warnings.find((w) => w.code === "ANCHOR_UNTRUSTED");
  const lines = [
    ...(untrusted ? [`NOTE ${untrusted.message}`] : []),
    report.ok ? "VERIFIED: every check passed" : `FAILED: ${report.failures.length} check(s) failed`,
    ...(report.asOf ? [`  judged by the chain as of block ${report.asOf.block}, where the bundle's last checkpoint (${report.asOf.treeSize} records) was anchored; later steps belong to a later bundle`] : []),
    `  leaves ${s.leaves}, records ${s.records}, checkpoints ${s.checkpoints}, decisions ${s.decisions}`,
    ...(report.leftOut ? [`  left out by the exporter: records ${report.leftOut.start} to ${report.leftOut.end - 1}, ${report.leftOut.reason}`] : []),
    `  payouts ${s.payouts}: ${s.settled} settled, ${s.unsettled} awaiting settlement`,
    ...report.allocations.map((a) => `  allocation ${a.allocationId}: amount ${a.amount}, paid ${a.paid}, in payment files ${a.inPaymentFiles} ${a.reconciles ? "(reconciles)" : "(DOES NOT RECONCILE)"}`),
    ...report.failures.map((f) => `FAIL ${f.code}: ${f.message}`),
    ...report.warnings.filter((w) => w !== untrusted).map((w) => `note ${w.code}: ${w.message}`),
  ];
  return lines.join("\n") + "\n";
}

/** Several bundles' reports, each under its file and jurisdiction, then one verdict for them all. */
function describeCity(city: CityReport, files: readonly string[], bundles: readonly AuditBundle[]): string {
  const sections = city.reports.map((report, i) => `== ${files[i]}: jurisdiction ${bundles[i]!.jurisdiction}, log ${bundles[i]!.logId}\n${describe(report)}`);
  const failed = city.reports.filter((r) => !r.ok).length;
  const verdict = city.ok ? `VERIFIED: all ${bundles.length} bundles, one deployment, every check passed` : `FAILED: ${failed} of ${bundles.length} bundles failed${city.failures.length > 0 ? `, and ${city.failures.length} check(s) between them` : ""}`;
  return [...sections, ...city.failures.map((f) => `FAIL ${f.code}: ${f.message}`), verdict].join("\n") + "\n";
}
