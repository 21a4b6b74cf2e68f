import { createReadStream, createWriteStream, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { Command } from "commander";
import { CliError } from "./gateway-client.ts";
import { gatewayOption, run, secretFromEnv } from "./options.ts";

/*
 * The operator's backups of a gateway's data folder (docs/gateway.md, Backups): `backup` from a
 * running gateway, `restore` into a new data folder, checked against the chain before it is kept.
 */

export const backupCommand = () =>
  new Command("backup")
    .description("write a backup of a running gateway's data folder (its token from AIDTRAIL_BACKUP_TOKEN or AIDTRAIL_BACKUP_TOKEN_FILE)")
    .addOption(gatewayOption())
    .requiredOption("--out <file>", "where to write it")
    .action(
      run(async (options: { gateway: string; out: string }) => {
        const token = secretFromEnv("AIDTRAIL_BACKUP_TOKEN");
        if (!token) throw new CliError("BACKUP_TOKEN_MISSING", "no backup token", "set AIDTRAIL_BACKUP_TOKEN (or AIDTRAIL_BACKUP_TOKEN_FILE) to the gateway's");
        let response: Response;
        try {
          response = await fetch(new URL("/v1/admin/backup", options.gateway), { headers: { authorization: `Bearer ${token}` } });
        } catch (error) {
          throw new CliError("GATEWAY_UNREACHABLE", `cannot reach the gateway at ${options.gateway}: ${(error as Error).message}`, "check --gateway");
        }
        if (!response.ok || !response.body) {
          const { error } = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string; hint?: string } };
          throw new CliError(error?.code ?? "BACKUP_REFUSED", `the gateway refused the backup: ${error?.message ?? response.status}`, error?.hint ?? "check the gateway and its token");
        }
        await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream<Uint8Array>), createWriteStream(options.out));
        process.stdout.write(`wrote ${options.out}: ${statSync(options.out).size} bytes; restore it with aidtrail restore, which checks it against the chain\n`);
      }),
    );

export const restoreCommand = () =>
  new Command("restore")
    .description("restore a backup into the new, empty data folder of the gateway configured by the environment (AIDTRAIL_*), keeping it only if it reproduces what the chain anchored; exits 1 when it does not")
    .argument("<backup>", "the file `aidtrail backup` wrote")
    .action(
      run(async (file: string) => {
        // The gateway's configuration, its log and the chain are loaded to restore, not for --help.
        const [{ loadConfig }, { restoreBackup, checkRestored }, { RecordLog }, { connect: contract }, { JsonRpcProvider }] = await Promise.all([
          import("../server/config.ts"),
          import("../server/sync/backup.ts"),
          import("../server/log/record-log.ts"),
          import("../server/chain/contracts.ts"),
          import("ethers"),
        ]);
        const config = loadConfig(process.env);
        const stores = ["records", "state"].map((store) => join(config.dataDir, store));
        const discard = () => stores.forEach((path) => rmSync(path, { recursive: true, force: true }));
        let header;
        try {
          header = await restoreBackup(createInterface({ input: createReadStream(file), crlfDelay: Infinity }), config.dataDir);
        } catch (error) {
          if ((error as { code?: string }).code !== "RESTORE_TARGET_NOT_EMPTY") discard();
          throw error instanceof SyntaxError ? new CliError("BACKUP_INVALID", `${file} is not a backup: ${error.message}`, "give the file `aidtrail backup` wrote") : error;
        }
        if (header.logId !== config.logId || header.suite !== config.deployment.suite) {
          discard();
          throw new CliError("BACKUP_OF_ANOTHER_LOG", `the backup is of log ${header.logId} (${header.suite} suite); this gateway is configured for log ${config.logId} (${config.deployment.suite} suite)`, "restore it with the configuration of the gateway it was taken from");
        }
        const provider = new JsonRpcProvider(config.rpcUrl, undefined, { staticNetwork: true });
        let findings: { code: string; message: string }[];
        let size = 0;
        try {
          const log = await RecordLog.open(stores[0]!, { logId: config.logId, keyring: config.keyring });
          try {
            findings = await checkRestored(log, contract("LogAnchor", config.deployment.contracts.logAnchor, provider));
            size = log.size;
          } finally {
            await log.close();
          }
        } catch (error) {
          // A store the log cannot even open (its tree or size altered) is no backup to keep.
          findings = [{ code: (error as { code?: string }).code ?? "BACKUP_UNREADABLE", message: (error as Error).message }];
        } finally {
          provider.destroy();
        }
        if (findings.length > 0) {
          discard();
          process.stdout.write([...findings.map((f) => `FAIL ${f.code}: ${f.message}`), `NOT RESTORED: the backup of ${header.takenAt} does not reproduce what the chain anchored; ${config.dataDir} is left as it was`].join("\n") + "\n");
          process.exitCode = 1;
          return;
        }
        process.stdout.write(`RESTORED: ${size} records of log ${header.logId} as of ${header.takenAt} into ${config.dataDir}, every record and node checked and the chain's last anchored root reproduced; start the gateway\n`);
      }),
    );
