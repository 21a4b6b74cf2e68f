import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { pino } from "pino";
import { Validator } from "@seriousme/openapi-schema-validator";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../server/config.ts";
import { startGateway, type RunningGateway } from "../server/gateway.ts";
import { normaliseResidentId } from "../server/records/identity.ts";
import { newRecord } from "../server/records/record.ts";
import { DEV_KEYS, localGateway } from "./helpers/local-gateway.ts";
import { undocumented } from "./helpers/openapi.ts";

const run = promisify(execFile);
let local: Awaited<ReturnType<typeof localGateway>>;
let gateway: RunningGateway;
let env: Record<string, string>;

beforeAll(async () => {
  local = await localGateway({ anchorIntervalMs: 60_000, anchorBatch: 5 });
  ({ gateway, env } = local);
});
afterAll(async () => local?.close());

describe("a gateway started from configuration alone", () => {
  it("serves health and readiness: the chain reachable, the log consistent with its anchor", async () => {
    await request(gateway.url).get("/healthz").expect(200);
    expect((await request(gateway.url).get("/readyz").expect(200)).body).toEqual({ ready: true, checks: { chain: "ok", log: "ok", audit: "ok" } });
  });

  it("documents every route it serves in its OpenAPI document", async () => {
    const doc = (await request(gateway.url).get("/v1/openapi.json").expect(200)).body;
    for (const path of ["/v1/cases", "/v1/cases/{caseId}", "/v1/cases/{caseId}/decisions", "/v1/payout-runs", "/v1/proofs/records/{recordId}", "/v1/citizen/case", "/v1/auth/session"]) {
      expect(Object.keys(doc.paths), path).toContain(path);
    }
    expect(doc.paths["/v1/cases"].post.requestBody.content["application/json"].schema.properties.programme.enum).toContain("dibao");
    // A period is no negative number: the bounds are in the document, not only in the check.
    const period = (path: string) => doc.paths[path].post.requestBody.content["application/json"].schema.properties.period;
    expect(period("/v1/payouts/draft")).toMatchObject({ type: "integer", minimum: 0, maximum: 299912 });
    expect(period("/v1/payout-runs/draft")).toMatchObject({ type: "integer", minimum: 200001, maximum: 299912 });
  });

  it("publishes an OpenAPI 3.1 document an independent validator accepts, whose examples are real and whose security is what the routes enforce", async () => {
    const doc = (await request(gateway.url).get("/v1/openapi.json").expect(200)).body;
    const validator = new Validator();
    const result = await validator.validate(doc);
    expect(result.valid ? [] : [result.errors ?? []].flat().map((e) => (typeof e === "string" ? e : `${e.instancePath} ${e.message}`))).toEqual([]);
    expect(validator.version).toBe("3.1");

    // Its answers are as it documents them.
    const clock = (await request(gateway.url).get("/v1/ledger/clock").expect(200)).body;
    expect(await undocumented(gateway.url, "/v1/ledger/clock", "get", 200, clock)).toEqual([]);
    expect(await undocumented(gateway.url, "/v1/ledger/clock", "get", 200, { ...clock, period: -1 })).not.toEqual([]);
    const divisions = (await request(gateway.url).get("/v1/divisions").expect(200)).body;
    expect(await undocumented(gateway.url, "/v1/divisions", "get", 200, divisions)).toEqual([]);

    // The examples of a resident ID and a household are IDs the gateway takes.
    const fields = doc.paths["/v1/cases/draft"].post.requestBody.content["application/json"].schema.properties;
    const examples = [fields.applicant.examples[0].residentId, ...fields.household.examples[0].map((m: { residentId: string }) => m.residentId)];
    for (const id of examples) expect(normaliseResidentId(id)).toBe(id);

    // Without a token, every operation the document says needs one answers AUTH_REQUIRED, and no other does.
    const calls = Object.entries(doc.paths as Record<string, Record<string, { security?: object[] }>>).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({ method, url: path.replace(/\{\w+\}/g, "0x" + "1".repeat(64)), security: operation.security ?? doc.security })),
    );
    expect(calls.filter((c) => c.security.some((s: object) => "bearer" in s)).length).toBeGreaterThan(30);
    for (const { method, url, security } of calls) {
      const answer = await (request(gateway.url) as unknown as Record<string, (url: string) => request.Test>)[method]!(url).send(url.includes("feedback") ? { kind: "rating", rating: 5 } : {});
      const needs = security.flatMap((s: object) => Object.keys(s));
      const expected = needs.includes("bearer") ? "AUTH_REQUIRED" : needs.includes("receipt") ? "RECEIPT_INVALID" : needs.includes("metrics") ? "METRICS_TOKEN_REQUIRED" : needs.includes("backup") ? "BACKUP_TOKEN_REQUIRED" : undefined;
      if (expected) expect(answer.body.error?.code, `${method} ${url}`).toBe(expected);
      else expect(answer.status, `${method} ${url}`).not.toBe(401);
    }
  });

  it("anchors the record log once a batch waits, through the operator account, asking nothing of the pending block", async () => {
    const records = () => Array.from({ length: 5 }, (_, i) => newRecord({ kind: "access-log", jurisdiction: "440105000000", public: { i } }, "standard"));
    await gateway.log.append(records());
    await gateway.anchorer.notify();
    await gateway.anchorer.anchorOnce();
    expect(Number((await gateway.chain.anchor.head(gateway.log.logId)).treeSize)).toBe(5);
    expect((await request(gateway.url).get("/readyz").expect(200)).body.checks.log).toBe("ok");
    // The operator's first transaction takes its nonce from the pending block, where transactions
    // sent before a restart may wait; after that, a question about the pending block has a
    // simulator run every transaction waiting in it, and anchoring under intake asked two.
    local.callsMade();
    await gateway.log.append(records());
    await gateway.anchorer.anchorOnce();
    expect(Number((await gateway.chain.anchor.head(gateway.log.logId)).treeSize)).toBe(10);
    const calls = local.callsMade();
    expect(calls.map((c) => c.method)).toContain("eth_sendRawTransaction");
    expect(calls.filter(({ method, params }) => params.includes("pending") || (method === "eth_estimateGas" && params.length < 2))).toEqual([]);
  });

  it("refuses to start against the wrong chain, an unreachable one, or a deployment the chain lacks", async () => {
    const quiet = pino({ enabled: false });
    await expect(startGateway({ ...loadConfig(env), chainId: 1 }, quiet)).rejects.toThrow(/AIDTRAIL_CHAIN_ID: is 1, but http:\/\/127\.0\.0\.1:\d+ serves chain 31337/);
    await expect(startGateway({ ...loadConfig(env), rpcUrl: "http://127.0.0.1:9" }, quiet)).rejects.toThrow(/AIDTRAIL_RPC_URL: cannot reach/);
    const ghost = { ...local.deployment, contracts: { ...local.deployment.contracts, fundLedger: "0x" + "99".repeat(20) } };
    await expect(startGateway({ ...loadConfig(env), deployment: ghost }, quiet)).rejects.toThrow(/AIDTRAIL_DEPLOYMENT: names contracts the chain does not have: fundLedger/);
  });

  it("as a process, says what is wrong with its configuration and exits non-zero", async () => {
    const failure = await run("npx", ["tsx", "server/main.ts"], { env: { ...process.env, ...env, AIDTRAIL_JURISDICTION: "44", AIDTRAIL_OPERATOR_KEY: "" } }).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toMatch(/AIDTRAIL_JURISDICTION: must be the 12-digit division code/);
    expect(failure?.stderr).toMatch(/AIDTRAIL_OPERATOR_KEY: must be 0x and 64 hex digits/);
  });
});

describe("a gateway's own figures", () => {
  it("reports its own work on /metrics (anchoring lag, outbox backlog, relay failures, indexer lag) and labels an error answer with its route", async () => {
    await gateway.log.append([newRecord({ kind: "access-log", jurisdiction: "440105000000", public: { metrics: true } }, "standard")]);
    const token = await local.signIn(DEV_KEYS.auditor);
    await request(gateway.url).get(`/v1/cases/0x${"00".repeat(32)}`).set("authorization", token).expect(404);
    // Only the operator's scraper reads the figures.
    expect((await request(gateway.url).get("/metrics").expect(401)).body.error.code).toBe("METRICS_TOKEN_REQUIRED");
    expect((await request(gateway.url).get("/metrics").set("authorization", token).expect(401)).body.error.code).toBe("METRICS_TOKEN_REQUIRED");
    const text = (await request(gateway.url).get("/metrics").set("authorization", `Bearer ${env.AIDTRAIL_METRICS_TOKEN}`).expect(200)).text;
    const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1]);
    expect(value("aidtrail_anchor_pending_records")).toBe(gateway.log.size - Number((await gateway.chain.anchor.head(gateway.log.logId)).treeSize));
    expect(value("aidtrail_anchor_pending_records")).toBeGreaterThan(0);
    expect(value("aidtrail_outbox_pending")).toBe(0);
    expect(value("aidtrail_relay_failures")).toBe(0);
    expect(value("aidtrail_indexer_lag_blocks")).toBeGreaterThanOrEqual(0);
    // The 404 was answered by an error from within the cases router: labelled with its route, /v1 included.
    expect(text).toMatch(/aidtrail_http_requests_total\{route="\/v1\/cases\/:caseId",status="404"\} 1/);
    expect(text).not.toMatch(/route="\/cases\/:caseId"/);
  });
});
