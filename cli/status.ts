import { Command } from "commander";
import { gatewayCall, CliError } from "./gateway-client.ts";
import { gatewayOption, run } from "./options.ts";

interface Latest {
  treeSize: number;
  time: string;
  pending: number;
  anchoring: { transactionHash: string; blockNumber: number } | null;
}

export interface Status {
  gateway: string;
  up: boolean;
  ready: boolean;
  checks: Record<string, string>;
  /** What the gateway warns of: ledger steps that failed. */
  warnings: Record<string, string>;
  anchored: { treeSize: number; time: string; ageSeconds: number; transactionHash: string; blockNumber: number } | null;
  /** Records appended but not yet under an anchored checkpoint: the anchor lag. */
  waiting: number | null;
}

export const statusCommand = () =>
  new Command("status")
    .addOption(gatewayOption())
    .option("--json", "print the status as JSON, for machines")
    .addHelpText("after", "\nExample:\n  npx aidtrail status --gateway http://127.0.0.1:8080\n")
    .action(
      run(async (options: { gateway: string; json?: boolean }) => {
        const status = await statusOf(options.gateway);
        process.stdout.write(options.json ? JSON.stringify(status, null, 2) + "\n" : describe(status));
        process.exitCode = status.ready ? 0 : 1;
      }),
    );

async function statusOf(gateway: string): Promise<Status> {
  const health = await gatewayCall<{ status: string }>(gateway, "/healthz");
  const { ready, checks, warnings = {} } = await gatewayCall<{ ready: boolean; checks: Record<string, string>; warnings?: Record<string, string> }>(gateway, "/readyz", { accept: [503] });
  let latest: Latest | null = null;
  try {
    latest = await gatewayCall<Latest>(gateway, "/v1/log/checkpoints/latest");
  } catch (error) {
    if (!(error instanceof CliError && error.code === "CHECKPOINT_NOT_FOUND")) throw error;
  }
  return {
    gateway,
    up: health.status === "up",
    ready,
    checks,
    warnings,
    anchored: latest && {
      treeSize: latest.treeSize,
      time: latest.time,
      ageSeconds: Math.round((Date.now() - Date.parse(latest.time)) / 1000),
      transactionHash: latest.anchoring?.transactionHash ?? "",
      blockNumber: latest.anchoring?.blockNumber ?? 0,
    },
    waiting: latest ? latest.pending : null,
  };
}

function describe(s: Status): string {
  const n = (x: number) => x.toLocaleString("en");
  return [
    `gateway   ${s.gateway}: ${s.up ? "up" : "DOWN"}, ${s.ready ? "ready" : "NOT READY"}`,
    `checks    ${Object.entries(s.checks).map(([name, state]) => `${name} ${state}`).join(", ")}`,
    ...Object.entries(s.warnings).map(([name, warning]) => `WARNING   ${name}: ${warning}`),
    s.anchored
      ? `anchored  ${n(s.anchored.treeSize)} records, checkpoint of ${s.anchored.time} (${n(s.anchored.ageSeconds)} s ago), transaction ${s.anchored.transactionHash} in block ${s.anchored.blockNumber}`
      : "anchored  nothing yet: the anchorer anchors within its interval",
    s.waiting === null ? "" : `waiting   ${n(s.waiting)} records not yet anchored`,
  ]
    .filter(Boolean)
    .join("\n") + "\n";
}
