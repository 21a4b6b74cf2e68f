import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { JsonRpcProvider } from "ethers";
import { network } from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deployment } from "../server/chain/deploy.ts";

const run = promisify(execFile);
/** Hardhat's first well-known development account: a key for local chains only. */
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
let server: Awaited<ReturnType<typeof network.createServer>>;
let rpc: string;
const dir = mkdtempSync(join(tmpdir(), "aidtrail-deploy-"));

async function deploy(args: string[], env: Record<string, string> = { AIDTRAIL_DEPLOYER_KEY: DEV_KEY }) {
  return run("npx", ["tsx", "scripts/deploy.ts", ...args], { env: { ...process.env, ...env } }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
}

beforeAll(async () => {
  server = await network.createServer("hardhat", "127.0.0.1", 0);
  const { port } = await server.listen();
  rpc = `http://127.0.0.1:${port}`;
});
afterAll(async () => server.close());

describe("scripts/deploy.ts", () => {
  it("deploys every contract to a JSON-RPC endpoint and writes the deployment file", async () => {
    const out = join(dir, "deployment.json");
    const result = await deploy(["--rpc", rpc, "--out", out, "--chain-id", "31337"]);
    expect(result.code, result.stderr).toBe(0);
    const deployment = JSON.parse(readFileSync(out, "utf8")) as Deployment;
    expect(deployment.chainId).toBe(31337);
    expect(deployment.contracts.governanceCouncil).toBeNull();
    const provider = new JsonRpcProvider(rpc);
    for (const [name, address] of Object.entries(deployment.contracts)) {
      if (address) expect((await provider.getCode(address)).length, name).toBeGreaterThan(2);
    }
    provider.destroy();
  });

  it("deploys a council that holds governance when asked", async () => {
    const out = join(dir, "council.json");
    const members = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8,0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
    const result = await deploy(["--rpc", rpc, "--out", out, "--council", members, "--threshold", "2"]);
    expect(result.code, result.stderr).toBe(0);
    const deployment = JSON.parse(readFileSync(out, "utf8")) as Deployment;
    expect(deployment.governance).toBe(deployment.contracts.governanceCouncil);
  });

  it("says what is wrong and exits non-zero on bad input", async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["--out", join(dir, "x.json")], { AIDTRAIL_DEPLOYER_KEY: DEV_KEY }, /--rpc is required/],
      [["--rpc", rpc], { AIDTRAIL_DEPLOYER_KEY: "" }, /no deployer key/],
      [["--rpc", rpc, "--chain-id", "1"], { AIDTRAIL_DEPLOYER_KEY: DEV_KEY }, /serves chain 31337, not 1/],
      [["--rpc", rpc, "--council", "0x12", "--threshold", "1"], { AIDTRAIL_DEPLOYER_KEY: DEV_KEY }, /is not an address/],
      [["--rpc", rpc, "--council", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--threshold", "2"], { AIDTRAIL_DEPLOYER_KEY: DEV_KEY }, /from 1 to 1/],
      [["--rpc", "http://127.0.0.1:1"], { AIDTRAIL_DEPLOYER_KEY: DEV_KEY }, /cannot reach/],
    ];
    for (const [args, env, message] of cases) {
      const result = await deploy(args, env);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});
