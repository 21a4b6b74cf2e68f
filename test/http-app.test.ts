import { mkdtempSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexlify, id, Wallet } from "ethers";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../server/http/app.ts";
import { RecordLog } from "../server/log/record-log.ts";
import { keyringFrom } from "../server/records/envelope.ts";
import { newRecord } from "../server/records/record.ts";

let ready = true;
const app = createApp({
  readiness: async () => ({ chain: ready ? "ok" : "unreachable: connection refused", log: "ok" }),
  logger: pino({ enabled: false }),
  maxBodyBytes: 64 * 1024,
  version: "test",
  metricsToken: "http-app-metrics-token",
});

describe("gateway HTTP basics", () => {
  it("reports health, readiness and Prometheus metrics", async () => {
    await request(app).get("/healthz").expect(200, { status: "up" });
    ready = false;
    const notReady = await request(app).get("/readyz").expect(503);
    expect(notReady.body).toEqual({ ready: false, checks: { chain: "unreachable: connection refused", log: "ok" } });
    ready = true;
    await request(app).get("/readyz").expect(200);
    const metrics = await request(app).get("/metrics").set("authorization", "Bearer http-app-metrics-token").expect(200);
    expect(metrics.text).toMatch(/aidtrail_http_requests_total\{route="\/healthz",status="200"\} 1/);
  });

  it("sets security headers", async () => {
    const response = await request(app).get("/healthz");
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toContain("script-src 'self'");
    expect(response.headers["x-powered-by"]).toBeUndefined();
  });

  it("asks browsers to upgrade requests to https only when the request came over TLS, so pages served over plain HTTP on an intranet load", async () => {
    expect((await request(app).get("/healthz")).headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    // Behind a proxy that terminates TLS, and is trusted to say so.
    const behindTls = createApp({ readiness: async () => ({}), logger: pino({ enabled: false }), maxBodyBytes: 1024, version: "test", trustProxy: "loopback" });
    expect((await request(behindTls).get("/healthz").set("x-forwarded-proto", "https")).headers["content-security-policy"]).toContain("upgrade-insecure-requests");
    expect((await request(behindTls).get("/healthz")).headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
    // An untrusted client saying https changes nothing.
    expect((await request(app).get("/healthz").set("x-forwarded-proto", "https")).headers["content-security-policy"]).not.toContain("upgrade-insecure-requests");
  });

  it("answers every bad request with a stable code, a message and the field at fault", async () => {
    const post = (body: string) => request(app).post("/v1/verify").set("content-type", "application/json").send(body);
    expect((await post("{not json").expect(400)).body.error.code).toBe("RECORD_MALFORMED_JSON");
    const duplicate = await post('{"leafIndex": 1, "leafIndex": 2}').expect(400);
    expect(duplicate.body.error).toMatchObject({ code: "RECORD_DUPLICATE_KEY", field: "$.leafIndex" });
    expect((await post(JSON.stringify({ pad: "x".repeat(70 * 1024) })).expect(413)).body.error.code).toBe("REQUEST_TOO_LARGE");
    const invalid = await post(JSON.stringify({ record: {}, leafIndex: -1, proof: [], checkpoint: {} })).expect(400);
    expect(invalid.body.error).toMatchObject({ code: "REQUEST_INVALID", field: "leafIndex" });
    const missing = await request(app).get("/v1/nothing").expect(404);
    expect(missing.body.error).toMatchObject({ code: "ROUTE_NOT_FOUND", message: "there is no GET /v1/nothing" });
  });

  it("publishes an OpenAPI document generated from the request schemas", async () => {
    const doc = (await request(app).get("/v1/openapi.json").expect(200)).body;
    expect(doc.openapi).toBe("3.1.0");
    const schema = doc.paths["/v1/verify"].post.requestBody.content["application/json"].schema;
    expect(schema.required).toEqual(expect.arrayContaining(["record", "leafIndex", "proof", "checkpoint"]));
  });
});

describe("POST /v1/verify", () => {
  let log: RecordLog;
  const logKey = Wallet.createRandom();
  beforeAll(async () => {
    log = await RecordLog.open(mkdtempSync(join(tmpdir(), "aidtrail-http-")), { logId: id("http"), keyring: keyringFrom({ current: "k", keys: { k: randomBytes(32).toString("base64") } }, "standard") });
  });
  afterAll(async () => log.close());

  it("gives an auditor the verdict on a record as they hold it, with every reason it fails", async () => {
    const record = newRecord({ kind: "complaint", jurisdiction: "440105001000", public: { rating: 2 }, personal: { text: "补助晚到了两个月" } }, "standard");
    await log.append([record, newRecord({ kind: "feedback", jurisdiction: "440105001000" }, "standard")]);
    const checkpoint = await log.signCheckpoint(logKey);
    const body = { record, leafIndex: 0, proof: (await log.inclusionProof(0)).map(hexlify), checkpoint, expectedSigner: logKey.address };
    const good = await request(app).post("/v1/verify").send(body).expect(200);
    expect(good.body).toMatchObject({ ok: true, failures: [] });
    const changed = await request(app).post("/v1/verify").send({ ...body, record: { ...record, public: { rating: 5 } } }).expect(200);
    expect(changed.body.ok).toBe(false);
    expect(changed.body.failures.map((f: { code: string }) => f.code)).toEqual(["PROOF_INVALID"]);
  });
});
