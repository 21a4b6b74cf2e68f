import { writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import type { AuditBundle } from "../kit/bundle.ts";
import { CliError, signIn } from "./gateway-client.ts";
import { gatewayOption, keystoreOption, run } from "./options.ts";

const time = (field: string) => (value: string) => {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError(`${field} must be an ISO 8601 time, such as 2026-11-01T00:00:00Z`);
  return value;
};

export const exportCommand = () =>
  new Command("export")
    .addOption(gatewayOption())
    .addOption(keystoreOption())
    .option("--jurisdiction <code>", "the 12-digit division to export (default: the gateway's own)", (value) => {
      if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("must be a 12-digit division code");
      return value;
    })
    .option("--from <time>", "records from this time (ISO 8601)", time("--from"))
    .option("--to <time>", "records before this time (ISO 8601)", time("--to"))
    .option("--out <file>", "where to write the bundle (default: aidtrail-audit-<jurisdiction>-<first leaf>-<end>.json)")
    .addHelpText("after", "\nExample:\n  AIDTRAIL_KEYSTORE_PASSWORD_FILE=~/.auditor-pass npx aidtrail export --gateway http://127.0.0.1:8080 --keystore auditor.json --from 2026-11-01T00:00:00Z\n")
    .action(
      run(async (options: { gateway: string; keystore: string; jurisdiction?: string; from?: string; to?: string; out?: string }) => {
        // The keystore's reader, and ethers with it, is loaded to export, not for --help.
        const { openKeystore } = await import("./keystore.ts");
        const auditor = await openKeystore(options.keystore);
        const session = await signIn(options.gateway, auditor);
        const query = new URLSearchParams(Object.entries({ jurisdiction: options.jurisdiction, from: options.from, to: options.to }).filter((e): e is [string, string] => e[1] !== undefined));
        const bundle = await session.call<AuditBundle>(`/v1/audit/export?${query}`);
        const out = options.out ?? `aidtrail-audit-${bundle.jurisdiction}-${bundle.range.start}-${bundle.range.end}.json`;
        try {
          writeFileSync(out, JSON.stringify(bundle));
        } catch (error) {
          throw new CliError("EXPORT_UNWRITABLE", `cannot write ${out}: ${(error as Error).message}`, "choose another --out");
        }
        const records = bundle.leaves.filter((leaf) => leaf.record).length;
        process.stdout.write(
          `wrote ${out}: ${bundle.leaves.length} leaves (${bundle.range.start} to ${bundle.range.end - 1}), ${records} records of ${bundle.jurisdiction}, ${bundle.checkpoints.length} checkpoints\n` +
            `check it without trusting the gateway: npx aidtrail verify ${out} --rpc <a node of the chain> --anchor <the log anchor you trust; the bundle names ${bundle.contracts.logAnchor}>\n`,
        );
      }),
    );
