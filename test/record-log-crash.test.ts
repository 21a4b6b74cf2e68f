import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { id } from "ethers";
import { describe, expect, it } from "vitest";
import { RecordLog } from "../server/log/record-log.ts";
import { keyringFrom } from "../server/records/envelope.ts";
import { verifyConsistency } from "../kit/index.ts";

const LOG_ID = id("crash test log");
const BATCH = 40;
const masterKey = randomBytes(32).toString("base64");

/** Runs the appender until it has acknowledged `acks` batches, then SIGKILLs it at once. */
function appendThenKill(dir: string, acks: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // One process (tsx as a loader, not a wrapper), so its exit means the database lock is free.
    const child = spawn(process.execPath, ["--import", "tsx", "test/fixtures/append-forever.ts", dir, LOG_ID, String(BATCH)], {
      env: { ...process.env, TEST_MASTER_KEY: masterKey },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let acked = 0;
    let seen = 0;
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    child.stdout.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().trim().split("\n")) {
        acked = Math.max(acked, Number(line.split(" ")[1]));
        if (++seen === acks) child.kill("SIGKILL");
      }
    });
    child.on("exit", (_code, signal) => (signal === "SIGKILL" ? resolve(acked) : reject(new Error(`appender ended without being killed: ${stderr}`))));
  });
}

describe("crash safety", () => {
  it("a SIGKILL mid-append leaves the log at a complete batch with every acknowledged record, three times over", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aidtrail-crash-"));
    const keyring = keyringFrom({ current: "k1", keys: { k1: masterKey } }, "standard");
    let previous: { size: number; root: Uint8Array } | null = null;
    for (const acks of [3, 7, 5]) {
      const acked = await appendThenKill(dir, acks);
      const log = await RecordLog.open(dir, { logId: LOG_ID, keyring });
      expect(log.size % BATCH, "half a batch survived").toBe(0);
      expect(log.size).toBeGreaterThanOrEqual(acked);
      expect(await log.audit()).toEqual([]);
      const root = await log.root();
      if (previous) {
        // The history before the crash is intact: the new tree extends the old one.
        expect(verifyConsistency(previous.size, log.size, previous.root, root, await log.consistencyProof(previous.size))).toBe(true);
      }
      previous = { size: log.size, root };
      await log.close();
    }
  }, 120_000);
});
