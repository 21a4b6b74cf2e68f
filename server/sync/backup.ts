import { createHash } from "node:crypto";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { hexlify } from "ethers";
import { Level } from "level";
import type { LogAnchor } from "../../types/ethers-contracts/index.js";
import type { RecordLog } from "../log/record-log.ts";
import type { StateStore } from "../state/state-store.ts";
import { AidtrailError } from "../../kit/errors.ts";
import type { Suite } from "../../kit/record.ts";

/*
 * Backups of a gateway's data folder, taken while it serves, and their restoring (docs/gateway.md,
 * Backups). A backup is JSON Lines: a header, every entry of the state store and then of the
 * record log, each read from a LevelDB snapshot, and a last line with their count and the SHA-256
 * of every line before it. Personal fields stay sealed in it, as on disk.
 */

export const BACKUP_FORMAT = "aidtrail.backup/1";

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  logId: string;
  suite: Suite;
  jurisdiction: string;
  takenAt: string;
}

/**
 * The lines of a backup of `log` and `state`. The state's snapshot is taken first, then the log's:
 * the log only grows, so every record the state names (an owed step's, a case's) is in the backup.
 */
export async function* backupLines(log: RecordLog, state: StateStore, jurisdiction: string, takenAt: Date): AsyncGenerator<string> {
  const stateEntries = state.entries();
  const logEntries = log.entries();
  const hash = createHash("sha256");
  const line = (value: object) => {
    const text = JSON.stringify(value) + "\n";
    hash.update(text);
    return text;
  };
  yield line({ format: BACKUP_FORMAT, logId: log.logId, suite: log.suite, jurisdiction, takenAt: takenAt.toISOString() } satisfies BackupHeader);
  let entries = 0;
  for await (const [k, v] of stateEntries) {
    entries++;
    yield line({ s: "state", k, v });
  }
  for await (const [k, v] of logEntries) {
    entries++;
    yield line({ s: "log", k, v: Buffer.from(v).toString("base64") });
  }
  yield JSON.stringify({ end: true, entries, sha256: hash.digest("hex") }) + "\n";
}

const refuse = (message: string, hint: string): never => {
  throw new AidtrailError("BACKUP_INVALID", message, { hint });
};

/**
 * Writes a backup's entries into `dataDir` (its `records` and `state` stores, as the gateway opens
 * them), which must hold neither; refuses one that is cut short, reordered or altered in transit
 * (its count and SHA-256), leaving what it wrote for the caller to remove.
 */
export async function restoreBackup(lines: AsyncIterable<string>, dataDir: string): Promise<BackupHeader> {
  // Taken at once: a readline interface reads on while the stores open, and lines read before an
  // iterator is asked for are not kept for it.
  const iterator = lines[Symbol.asyncIterator]();
  for (const store of ["records", "state"]) {
    let present: string[] = [];
    try {
      present = readdirSync(join(dataDir, store));
    } catch {
      // Absent: it is made below.
    }
    if (present.length > 0) throw new AidtrailError("RESTORE_TARGET_NOT_EMPTY", `${join(dataDir, store)} already holds a store`, { hint: "restore into a new, empty data folder (AIDTRAIL_DATA)" });
  }
  const log = new Level<string, Uint8Array>(join(dataDir, "records"), { keyEncoding: "utf8", valueEncoding: "view" });
  const state = new Level<string, string>(join(dataDir, "state"), { keyEncoding: "utf8", valueEncoding: "utf8" });
  await Promise.all([log.open(), state.open()]);
  try {
    const hash = createHash("sha256");
    let header: BackupHeader | undefined;
    let entries = 0;
    let end: { entries: number; sha256: string } | undefined;
    let logBatch = log.batch();
    let stateBatch = state.batch();
    for await (const text of { [Symbol.asyncIterator]: () => iterator }) {
      if (text === "") continue;
      if (end) refuse("the backup goes on after its last line", "take the backup again");
      const value = JSON.parse(text) as Record<string, unknown>;
      if (value.end === true) {
        end = value as unknown as typeof end;
        continue;
      }
      hash.update(text + "\n");
      if (!header) {
        if (value.format !== BACKUP_FORMAT) refuse(`this is not an aidtrail backup of format ${BACKUP_FORMAT}`, "give the file `aidtrail backup` wrote");
        header = value as unknown as BackupHeader;
        continue;
      }
      entries++;
      if (value.s === "log") logBatch.put(String(value.k), Buffer.from(String(value.v), "base64"));
      else if (value.s === "state") stateBatch.put(String(value.k), String(value.v));
      else refuse(`line ${entries + 1} of the backup is of no store`, "take the backup again");
      if (entries % 10_000 === 0) {
        await Promise.all([logBatch.write(), stateBatch.write()]);
        [logBatch, stateBatch] = [log.batch(), state.batch()];
      }
    }
    if (!header || !end) return refuse("the backup is cut short: it has no last line", "copy the whole file, or take the backup again");
    if (end.entries !== entries || end.sha256 !== hash.digest("hex")) refuse(`the backup's ${entries} entries are not the ${end.entries} it was written with, or were altered`, "take the backup again");
    await Promise.all([logBatch.write({ sync: true }), stateBatch.write({ sync: true })]);
    return header;
  } finally {
    await Promise.all([log.close(), state.close()]);
  }
}

export interface RestoreFinding {
  code: string;
  message: string;
}

/**
 * Whether a restored log can go on as the chain knows it: its own audit (every record hashes to its
 * leaf, every stored node to its children, sealed fields to their commitments), and the root the
 * chain anchored last reproduced from the backup's leaves. A backup holding fewer records than the
 * chain anchored cannot: the records after it are lost, and the log could never be anchored again.
 */
export async function checkRestored(log: RecordLog, anchor: LogAnchor): Promise<RestoreFinding[]> {
  const findings: RestoreFinding[] = (await log.audit()).map(({ code, message }) => ({ code, message }));
  const head = await anchor.head(log.logId);
  const anchored = Number(head.treeSize);
  if (anchored > log.size) {
    findings.push({ code: "BACKUP_BEHIND_CHAIN", message: `the chain anchored ${anchored} records of log ${log.logId}; the backup holds ${log.size}: the last ${anchored - log.size} would be lost, and the log could not be anchored again` });
  } else if (anchored > 0 && hexlify(await log.root(anchored)) !== head.root) {
    findings.push({ code: "BACKUP_ROOT_MISMATCH", message: `the backup's first ${anchored} records make the root ${hexlify(await log.root(anchored))}; the chain anchored ${head.root}: the backup was altered` });
  }
  return findings;
}
