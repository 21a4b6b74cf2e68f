import { join } from "node:path";
import { Level } from "level";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyBundle } from "../server/audit/verify-bundle.ts";
import { loadConfig } from "../server/config.ts";
import { startGateway, type RunningGateway } from "../server/gateway.ts";
import type { StoredRecord } from "../server/records/record.ts";
import type { AuditBundle } from "../kit/bundle.ts";
import { aidtrail } from "./helpers/cli.ts";
import { COUNTY, DEV_KEYS, localGateway } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";
import { signInAt } from "./helpers/sign-in.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let cases: string[];
let running: RunningGateway | null = null;

beforeAll(async () => {
  local = await localGateway();
  cases = [];
  for (const n of [801, 802, 803]) cases.push(await local.takeIn(residentId(n)));
  await local.gateway.anchorer.anchorOnce();
}, 60_000);
afterAll(async () => {
  await running?.close();
  await local?.close();
});

/**
 * Edits, with the gateway stopped, the stored application record of `caseId` as someone with the
 * data folder would, then starts the gateway again on it.
 */
async function editAndRestart(caseId: string, edit: (stored: StoredRecord) => StoredRecord | string): Promise<RunningGateway> {
  if (running) await running.close();
  else await local.stopGateway();
  const db = new Level<string, string>(join(local.env.AIDTRAIL_DATA, "records"), { keyEncoding: "utf8", valueEncoding: "utf8" });
  let leaf = -1;
  for await (const [key, value] of db.iterator({ gte: "e:", lt: "e;" })) {
    const stored = JSON.parse(value) as StoredRecord;
    if (stored.kind === "application" && stored.caseId === caseId) {
      const edited = edit(stored);
      await db.put(key, typeof edited === "string" ? edited : JSON.stringify(edited));
      leaf = parseInt(key.slice(2), 16);
    }
  }
  await db.close();
  expect(leaf).toBeGreaterThanOrEqual(0);
  running = await startGateway(loadConfig(local.env), pino({ enabled: false }), { relayIntervalMs: 60_000 });
  return running;
}

describe("the gateway's audit of its own log", () => {
  it("finds a record edited in its LevelDB after it was audited: not ready, the record named in /readyz and in aidtrail status", async () => {
    const gateway = await editAndRestart(cases[0]!, (stored) => ({ ...stored, public: { ...stored.public, householdSize: 9 } }));
    await expect.poll(async () => (await request(gateway.url).get("/readyz")).status, { timeout: 10_000 }).toBe(503);
    const { body } = await request(gateway.url).get("/readyz").expect(503);
    expect(body.checks).toMatchObject({ chain: "ok", log: "ok", audit: expect.stringMatching(/^RECORD_ALTERED: record r[0-9a-f]{32} at leaf \d+ does not hash to the leaf stored for it/) });
    const status = await aidtrail(["status", "--gateway", gateway.url]);
    expect(status.code).toBe(1);
    expect(status.stdout).toContain("NOT READY");
    expect(status.stdout).toContain("audit RECORD_ALTERED");
  });

  it("exports around a record it cannot read, naming its fault, which fails the bundle's check and nothing else", async () => {
    // The second case's stored application, overwritten with what is not a record at all.
    const gateway = await editAndRestart(cases[1]!, () => "{ not a record");
    const auditor = await signInAt(gateway.url, DEV_KEYS.auditor);
    const exported = await request(gateway.url).get(`/v1/audit/export?jurisdiction=${COUNTY}`).set("authorization", auditor).expect(200);
    const bundle = exported.body as AuditBundle;
    expect(bundle.faults).toMatchObject([{ code: "RECORD_UNREADABLE", message: expect.stringMatching(/could not read the record at leaf \d+/) }]);
    const faulted = bundle.faults![0]!.leafIndex;
    expect(bundle.leaves[faulted]!.record).toBeNull();
    // The other cases' records are there whole.
    for (const caseId of [cases[0], cases[2]]) expect(bundle.leaves.some((l) => l.record?.kind === "application" && l.record.caseId === caseId)).toBe(true);
    const report = await verifyBundle(bundle, local.provider, { anchor: await local.contracts.anchor.getAddress() });
    expect(report.failures.filter((f) => f.code === "RECORD_FAULT")).toMatchObject([{ leafIndex: faulted }]);
    // The application the fault hides is unverifiable, not a second failure.
    expect(report.failures.map((f) => f.code)).not.toContain("CASE_WITHOUT_RECORD");
  });
});
