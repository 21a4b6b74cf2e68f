import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { network } from "hardhat";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployAidtrail, type Deployment } from "../server/chain/deploy.ts";
import { roleId } from "../server/chain/roles.ts";
import { loadConfig } from "../server/config.ts";
import { startGateway, type RunningGateway } from "../server/gateway.ts";
import { newRecord } from "../server/records/record.ts";

/** Hardhat's well-known development accounts 0 and 1: keys for local chains only. */
const GOVERNANCE_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const OPERATOR_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const run = promisify(execFile);

let server: Awaited<ReturnType<typeof network.createServer>>;
let provider: JsonRpcProvider;
let env: Record<string, string>;
let deployment: Deployment;
let gateway: RunningGateway;

beforeAll(async () => {
  server = await network.createServer("hardhat", "127.0.0.1", 0);
  const { port } = await server.listen();
  const rpcUrl = `http://127.0.0.1:${port}`;
  provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const governance = new NonceManager(new Wallet(GOVERNANCE_KEY, provider));
  const deployed = await deployAidtrail(governance);
  deployment = deployed.deployment;
  const { access } = deployed.contracts;
  await (await access.registerJurisdiction(440000000000n, 0n)).wait();
  await (await access.registerJurisdiction(440105000000n, 440000000000n)).wait();
  await (await access.grantScopedRole(roleId("LOG_OPERATOR"), new Wallet(OPERATOR_KEY).address, 440105000000n)).wait();

  const dataDir = mkdtempSync(join(tmpdir(), "aidtrail-gateway-"));
  writeFileSync(join(dataDir, "deployment.json"), JSON.stringify(deployment));
  env = {
    AIDTRAIL_DATA: dataDir,
    AIDTRAIL_PORT: "0",
    AIDTRAIL_RPC_URL: rpcUrl,
    AIDTRAIL_CHAIN_ID: String(deployment.chainId),
    AIDTRAIL_JURISDICTION: "440105000000",
    AIDTRAIL_MASTER_KEYS: JSON.stringify({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }),
    AIDTRAIL_IDENTITY_KEY: randomBytes(32).toString("base64"),
    AIDTRAIL_OPERATOR_KEY: OPERATOR_KEY,
  };
  gateway = await startGateway(loadConfig(env), pino({ enabled: false }), { anchorIntervalMs: 60_000, anchorBatch: 5 });
});

afterAll(async () => {
  await gateway?.close();
  provider?.destroy();
  await server?.close();
});

describe("a gateway started from configuration alone", () => {
  it("serves health and readiness: the chain reachable, the log consistent with its anchor", async () => {
    await request(gateway.url).get("/healthz").expect(200);
    expect((await request(gateway.url).get("/readyz").expect(200)).body).toEqual({ ready: true, checks: { chain: "ok", log: "ok" } });
  });

  it("anchors the record log once a batch waits, through the operator account", async () => {
    await gateway.log.append(Array.from({ length: 5 }, (_, i) => newRecord({ kind: "access-log", jurisdiction: "440105000000", public: { i } })));
    await gateway.anchorer.notify();
    await gateway.anchorer.anchorOnce();
    expect(Number((await gateway.chain.anchor.head(gateway.log.logId)).treeSize)).toBe(5);
    expect((await request(gateway.url).get("/readyz").expect(200)).body.checks.log).toBe("ok");
  });

  it("refuses to start against the wrong chain, an unreachable one, or a deployment the chain lacks", async () => {
    const quiet = pino({ enabled: false });
    await expect(startGateway({ ...loadConfig(env), chainId: 1 }, quiet)).rejects.toThrow(/AIDTRAIL_CHAIN_ID: is 1, but http:\/\/127\.0\.0\.1:\d+ serves chain 31337/);
    await expect(startGateway({ ...loadConfig(env), rpcUrl: "http://127.0.0.1:9" }, quiet)).rejects.toThrow(/AIDTRAIL_RPC_URL: cannot reach/);
    const ghost = { ...deployment, contracts: { ...deployment.contracts, fundLedger: "0x" + "99".repeat(20) } };
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
