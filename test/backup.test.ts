import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getBytes } from "ethers";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../server/http/app.ts";
import { adminRouter } from "../server/http/routes/admin.ts";
import { loadConfig } from "../server/config.ts";
import { startGateway } from "../server/gateway.ts";
import { verifyInclusion } from "../kit/index.ts";
import { aidtrail } from "./helpers/cli.ts";
import { localGateway } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

/*
 * Backups of a running gateway's data folder, and their restoring: a backup taken while
 * applications come in restores into a gateway that proves every record it holds and anchors on;
 * a backup altered, cut short or behind the chain is refused, and nothing is kept.
 */

let local: Awaited<ReturnType<typeof localGateway>>;
const dir = mkdtempSync(join(tmpdir(), "aidtrail-backup-"));
const backupFile = join(dir, "during-intake.jsonl");
let inBackup: string[] = [];

beforeAll(async () => {
  local = await localGateway({ anchorBatch: 1_000_000 });
  // A first case, anchored: the chain knows the log's root at its size.
  await local.takeIn(residentId(1));
  await local.gateway.anchorer.anchorOnce();
}, 120_000);
afterAll(async () => local?.close());

const backup = (out: string, token = local.env.AIDTRAIL_BACKUP_TOKEN) => aidtrail(["backup", "--gateway", local.gateway.url, "--out", out], { AIDTRAIL_BACKUP_TOKEN: token });
/** The local gateway's configuration with a new data folder, the deployment file kept where the province issued it. */
const configuredFor = (data: string) => ({ ...local.env, AIDTRAIL_DATA: data, AIDTRAIL_DEPLOYMENT: join(local.env.AIDTRAIL_DATA, "deployment.json") });
/** `aidtrail restore` into a new data folder, configured as the local gateway is. */
const restore = (file: string, data = mkdtempSync(join(tmpdir(), "aidtrail-restored-"))) => aidtrail(["restore", file], configuredFor(data)).then((ran) => ({ ...ran, data }));

describe("aidtrail backup and restore", () => {
  it("gives a backup only for the gateway's backup token, and none where the gateway has no token", async () => {
    const wrongToken = await backup(join(dir, "never.jsonl"), "not-the-gateway-backup-token-000000");
    expect([wrongToken.code, wrongToken.stderr]).toEqual([2, expect.stringContaining("GET /v1/admin/backup answers only the operator's token")]);
    expect(existsSync(join(dir, "never.jsonl"))).toBe(false);
    const off = createApp({ readiness: async () => ({}), logger: pino({ enabled: false }), maxBodyBytes: 1024, version: "test", routers: [adminRouter({ log: local.gateway.log, state: local.gateway.state, jurisdiction: "440105000000" }, undefined)] });
    expect((await request(off).get("/v1/admin/backup").expect(404)).body.error.code).toBe("BACKUP_OFF");
  });

  it("backs up a gateway while it takes applications in, and restores a folder whose gateway proves every record and anchors on", async () => {
    // Eight applications come in; the backup is taken once the first are logged, the rest on their way.
    const before = local.gateway.log.size;
    const intake = Promise.all([2, 3, 4, 5, 6, 7, 8, 9].map((n) => local.takeIn(residentId(n))));
    while (local.gateway.log.size < before + 2) await new Promise((r) => setTimeout(r, 5));
    const taken = await backup(backupFile);
    await intake;
    expect(taken.code, taken.stderr).toBe(0);
    expect(taken.stdout).toMatch(new RegExp(`^wrote ${backupFile}: \\d+ bytes`));
    const lines = readFileSync(backupFile, "utf8").trim().split("\n");
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: "aidtrail.backup/1", logId: local.gateway.log.logId, suite: "standard", jurisdiction: "440105000000" });
    // Personal fields stay sealed in it.
    expect(readFileSync(backupFile, "utf8")).not.toContain("申请人");

    const restored = await restore(backupFile);
    expect(restored.code, restored.stdout + restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^RESTORED: \d+ records of log 0x[0-9a-f]{64} as of .+, every record and node checked and the chain's last anchored root reproduced; start the gateway\n$/);

    // The original gateway stops (its disk lost); one started on the restored folder goes on.
    await local.stopGateway();
    const again = await startGateway(loadConfig(configuredFor(restored.data)), pino({ enabled: false }), { anchorBatch: 1_000_000 });
    try {
      expect((await request(again.url).get("/readyz").expect(200)).body.ready).toBe(true);
      expect(await again.log.audit()).toEqual([]);
      inBackup = [];
      for (let i = 0; i < again.log.size; i++) inBackup.push((await again.log.stored(i)).recordId);
      await again.anchorer.anchorOnce();
      const checkpoint = (await request(again.url).get("/v1/log/checkpoints/latest").expect(200)).body;
      expect(checkpoint.treeSize).toBe(again.log.size);
      expect(Number((await local.contracts.anchor.head(again.log.logId)).treeSize)).toBe(again.log.size);
      for (const recordId of new Set(inBackup)) {
        const { body } = await request(again.url).get(`/v1/proofs/records/${recordId}`).expect(200);
        for (const revision of body.revisions) expect(verifyInclusion(getBytes(revision.leafHash), revision.leafIndex, checkpoint.treeSize, revision.proof.map(getBytes), getBytes(checkpoint.root)), recordId).toBe(true);
      }
    } finally {
      await again.close();
    }
  });

  it("refuses a backup whose record was altered, or made to hold fewer records than the chain anchored, keeping nothing", async () => {
    const lines = readFileSync(backupFile, "utf8").trim().split("\n");
    /** The backup with `change` made to it, its last line made to agree: what a tamperer would do. */
    const tampered = (name: string, change: (entries: { s: string; k: string; v: string }[]) => void) => {
      const entries = lines.slice(1, -1).map((l) => JSON.parse(l) as { s: string; k: string; v: string });
      change(entries);
      const body = [lines[0]!, ...entries.map((e) => JSON.stringify(e))].map((l) => l + "\n").join("");
      const file = join(dir, name);
      writeFileSync(file, body + JSON.stringify({ end: true, entries: entries.length, sha256: createHash("sha256").update(body).digest("hex") }) + "\n");
      return file;
    };
    const firstRecord = (entries: { s: string; k: string; v: string }[]) => entries.find((e) => e.s === "log" && e.k.startsWith("e:"))!;
    const altered = tampered("altered.jsonl", (entries) => {
      const entry = firstRecord(entries);
      entry.v = Buffer.from(Buffer.from(entry.v, "base64").toString("utf8").replace('"householdSize":2', '"householdSize":3')).toString("base64");
    });
    const refused = await restore(altered);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("FAIL RECORD_ALTERED");
    expect(refused.stdout).toMatch(/NOT RESTORED: the backup of .+ does not reproduce what the chain anchored/);
    expect(existsSync(join(refused.data, "records"))).toBe(false);

    // The log's size lowered to its first record: a backup made to look as if the later records never were.
    const shortened = tampered("shortened.jsonl", (entries) => {
      entries.find((e) => e.s === "log" && e.k === "m:size")!.v = Buffer.from("1").toString("base64");
    });
    const shortenedRefused = await restore(shortened);
    expect(shortenedRefused.code).toBe(1);
    expect(shortenedRefused.stdout).toMatch(/^FAIL BACKUP_BEHIND_CHAIN: the chain anchored \d+ records of log 0x[0-9a-f]{64}; the backup holds 1: the last \d+ would be lost/m);
    expect(existsSync(join(shortenedRefused.data, "records"))).toBe(false);
  });

  it("refuses a backup cut short, and one into a folder that holds a log, keeping nothing", async () => {
    const text = readFileSync(backupFile, "utf8");
    const cut = join(dir, "cut.jsonl");
    writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)).replace(/\n[^\n]*$/, "\n"));
    const short = await restore(cut);
    expect([short.code, short.stderr]).toEqual([2, expect.stringContaining("the backup is cut short")]);
    expect(existsSync(join(short.data, "records"))).toBe(false);

    const restored = await restore(backupFile);
    expect(restored.code).toBe(0);
    const twice = await restore(backupFile, restored.data);
    expect([twice.code, twice.stderr]).toEqual([2, expect.stringContaining("already holds a store")]);

  });
});
