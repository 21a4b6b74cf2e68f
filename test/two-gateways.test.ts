import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleId } from "../server/chain/roles.ts";
import type { AuditBundle } from "../kit/index.ts";
import { aidtrail } from "./helpers/cli.ts";
import { CITY, COUNTY, DEV_KEYS, localGateway } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";
import { signInAt } from "./helpers/sign-in.ts";

/*
 * Two counties of a city on one chain, each with its own gateway and log: Haizhu (the local
 * gateway's) and Tianhe. One person is one identity in both, so a case open in one county
 * keeps the other from opening a second; a city auditor exports both and verifies them together.
 */

const TIANHE = "440106000000";
const SHAHE = "440106001000";
let local: Awaited<ReturnType<typeof localGateway>>;
let tianhe: Awaited<ReturnType<typeof local.anotherCounty>>;
const cityAuditor = Wallet.createRandom();
const dir = mkdtempSync(join(tmpdir(), "aidtrail-city-"));

beforeAll(async () => {
  local = await localGateway({ anchorBatch: 1_000_000 });
  tianhe = await local.settingUp(() => local.anotherCounty(TIANHE, SHAHE, { county: "天河区", township: "沙河街道" }));
  await local.settingUp(async () => (await local.contracts.access.grantScopedRole(roleId("AUDITOR"), cityAuditor.address, BigInt(CITY))).wait());
}, 120_000);
afterAll(async () => local?.close());

/** An export as `key` from the gateway at `url`, written to a file: the response and the file's path. */
async function exported(url: string, key: string, name: string) {
  const response = await request(url).get("/v1/audit/export").set("authorization", await signInAt(url, key));
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(response.body));
  return { response, file, bundle: response.body as AuditBundle };
}

describe("two counties' gateways on one chain", () => {
  it("refuses in one county an applicant whose case is open in the other, both ways, the refused gateway logging nothing", async () => {
    const haizhuApplicant = residentId(91);
    await local.takeIn(haizhuApplicant);
    const before = tianhe.gateway.log.size;
    const refused = await local.takeInBody(haizhuApplicant, "dibao", {}, tianhe.office);
    expect([refused.status, refused.body.error?.code]).toEqual([409, "LEDGER_CASE_IDENTITY_ALREADY_OPEN"]);
    expect(refused.body.error.message).toMatch(/^the ledger refused: this person is in another open Dibao case/);
    expect(tianhe.gateway.log.size).toBe(before);

    const tianheApplicant = residentId(92);
    const taken = await local.takeInBody(tianheApplicant, "dibao", {}, tianhe.office);
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    expect(Number((await local.contracts.cases.getCase(taken.body.caseId))[0].jurisdiction)).toBe(Number(SHAHE));
    const back = await local.takeInBody(tianheApplicant);
    expect([back.status, back.body.error?.code]).toEqual([409, "LEDGER_CASE_IDENTITY_ALREADY_OPEN"]);
    // Another programme is another case: the same person may hold a temporary-assistance case beside it.
    expect((await local.takeInBody(tianheApplicant, "temporary")).status).toBe(201);
  });

  it("gives a city auditor each county's bundle, which `aidtrail verify` checks together against the chain; a county's auditor gets only their own", async () => {
    await local.gateway.anchorer.anchorOnce();
    await tianhe.gateway.anchorer.anchorOnce();
    const haizhu = await exported(local.gateway.url, cityAuditor.privateKey, "haizhu.json");
    const tianheBundle = await exported(tianhe.gateway.url, cityAuditor.privateKey, "tianhe.json");
    expect([haizhu.response.status, tianheBundle.response.status]).toEqual([200, 200]);
    expect([haizhu.bundle.jurisdiction, tianheBundle.bundle.jurisdiction]).toEqual([COUNTY, TIANHE]);
    expect(haizhu.bundle.logId).not.toBe(tianheBundle.bundle.logId);
    // Haizhu's auditor holds no role over Tianhe.
    const foreign = await exported(tianhe.gateway.url, DEV_KEYS.auditor, "foreign.json");
    expect([foreign.response.status, foreign.response.body.error.code]).toEqual([403, "FORBIDDEN_ROLE"]);

    const deployment = join(local.env.AIDTRAIL_DATA, "deployment.json");
    const verified = await aidtrail(["verify", haizhu.file, tianheBundle.file, "--rpc", local.rpcUrl, "--deployment", deployment]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    expect(verified.stdout).toContain(`== ${haizhu.file}: jurisdiction ${COUNTY}, log ${haizhu.bundle.logId}\nVERIFIED: every check passed`);
    expect(verified.stdout).toContain(`== ${tianheBundle.file}: jurisdiction ${TIANHE}, log ${tianheBundle.bundle.logId}\nVERIFIED: every check passed`);
    expect(verified.stdout.trim().split("\n").at(-1)).toBe("VERIFIED: all 2 bundles, one deployment, every check passed");

    // A Tianhe record changed: that bundle fails by name, and so does the audit.
    const changed = structuredClone(tianheBundle.bundle);
    const application = changed.leaves.find((l) => l.record?.kind === "application")!;
    application.record!.public.householdSize = 9;
    const changedFile = join(dir, "tianhe-changed.json");
    writeFileSync(changedFile, JSON.stringify(changed));
    const failed = await aidtrail(["verify", haizhu.file, changedFile, "--rpc", local.rpcUrl, "--deployment", deployment]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain("FAIL RECORD_ALTERED");
    expect(failed.stdout.trim().split("\n").at(-1)).toBe("FAILED: 1 of 2 bundles failed");

    // A bundle that says it is of another deployment cannot join the audit.
    const elsewhere = { ...structuredClone(tianheBundle.bundle), chainId: 1 };
    const elsewhereFile = join(dir, "elsewhere.json");
    writeFileSync(elsewhereFile, JSON.stringify(elsewhere));
    const mixed = await aidtrail(["verify", haizhu.file, elsewhereFile, "--rpc", local.rpcUrl, "--json"]);
    expect(mixed.code).toBe(1);
    expect(JSON.parse(mixed.stdout).failures.map((f: { code: string }) => f.code)).toEqual(["BUNDLES_DEPLOYMENT_MISMATCH"]);
  });
});
