import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { network } from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AidAccess__factory } from "../types/ethers-contracts/index.js";
import type { Deployment } from "../server/chain/deploy.ts";
import { roleId } from "../server/chain/roles.ts";
import { aidtrail as run, writeKeystore } from "./helpers/cli.ts";

/** Hardhat's well-known development accounts: keys for local chains only. */
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const MEMBER_KEYS = ["0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"];
const PASSWORD = "council member's password";
let server: Awaited<ReturnType<typeof network.createServer>>;
let rpc: string;
const dir = mkdtempSync(join(tmpdir(), "aidtrail-deploy-"));

const aidtrail = (args: string[], env: Record<string, string> = {}) => run(args, { AIDTRAIL_DEPLOYER_KEY: DEV_KEY, AIDTRAIL_KEYSTORE_PASSWORD: PASSWORD, ...env });
const keystore = (name: string, key: string) => writeKeystore(dir, name, key, PASSWORD);

beforeAll(async () => {
  server = await network.createServer("hardhat", "127.0.0.1", 0);
  const { port } = await server.listen();
  rpc = `http://127.0.0.1:${port}`;
});
afterAll(async () => server.close());

describe("aidtrail deploy", () => {
  it("deploys every contract to a JSON-RPC endpoint and writes the deployment file", async () => {
    const out = join(dir, "deployment.json");
    const result = await aidtrail(["deploy", "--rpc", rpc, "--out", out, "--chain-id", "31337"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("governance is held by the deployer key");
    const deployment = JSON.parse(readFileSync(out, "utf8")) as Deployment;
    expect(deployment.chainId).toBe(31337);
    expect(deployment.suite).toBe("standard");
    expect(deployment.contracts.governanceCouncil).toBeNull();
    const provider = new JsonRpcProvider(rpc);
    for (const [name, address] of Object.entries(deployment.contracts)) {
      if (address) expect((await provider.getCode(address)).length, name).toBeGreaterThan(2);
    }
    provider.destroy();
    const national = join(dir, "national.json");
    const chosen = await aidtrail(["deploy", "--rpc", rpc, "--out", national, "--suite", "national"]);
    expect(chosen.stdout).toContain("its gateways of the national cryptographic suite");
    expect((JSON.parse(readFileSync(national, "utf8")) as Deployment).suite).toBe("national");
  });

  it("says what is wrong and exits 2 on bad input", async () => {
    const keyFile = join(dir, "deployer.key");
    writeFileSync(keyFile, DEV_KEY + "\n");
    expect((await aidtrail(["deploy", "--rpc", rpc, "--out", join(dir, "from-file.json")], { AIDTRAIL_DEPLOYER_KEY: "", AIDTRAIL_DEPLOYER_KEY_FILE: keyFile })).code).toBe(0);
    const cases: [string[], Record<string, string>, RegExp][] = [
      [["--out", join(dir, "x.json")], {}, /required option '--rpc <url>' not specified/],
      [["--rpc", rpc], { AIDTRAIL_DEPLOYER_KEY: "" }, /no deployer key/],
      [["--rpc", rpc, "--chain-id", "1"], {}, /serves chain 31337, not 1/],
      [["--rpc", rpc, "--council", "0x12", "--threshold", "1"], {}, /is not an address/],
      [["--rpc", rpc, "--council", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", "--threshold", "2"], {}, /from 1 to 1/],
      [["--rpc", "http://127.0.0.1:1"], {}, /cannot reach the chain/],
      [["--rpc", rpc, "--suite", "sm"], {}, /argument 'sm' is invalid. Allowed choices are standard, national/],
    ];
    for (const [args, env, message] of cases) {
      const result = await aidtrail(["deploy", ...args], env);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});

describe("aidtrail grant and revoke", () => {
  it("go through the council: the first member proposes, the second confirms and executes; a stranger is refused", async () => {
    const members = MEMBER_KEYS.map((k) => new Wallet(k).address);
    const out = join(dir, "council.json");
    expect((await aidtrail(["deploy", "--rpc", rpc, "--out", out, "--council", members.join(","), "--threshold", "2"])).code).toBe(0);
    const deployment = JSON.parse(readFileSync(out, "utf8")) as Deployment;
    expect(deployment.governance).toBe(deployment.contracts.governanceCouncil);

    const provider = new JsonRpcProvider(rpc);
    const access = AidAccess__factory.connect(deployment.contracts.aidAccess, provider);
    const officer = Wallet.createRandom().address;
    const stores = [await keystore("member0", MEMBER_KEYS[0]!), await keystore("member1", MEMBER_KEYS[1]!)];
    const as = (i: number, args: string[]) => aidtrail([...args, "--rpc", rpc, "--deployment", out, "--keystore", stores[i]!]);

    // The council must first register the county: a grant over an unknown jurisdiction is refused by the ledger.
    const unknown = await as(0, ["grant", "APPROVER", officer, "--jurisdiction", "440105000000"]);
    expect(unknown.stdout).toContain("proposal 1 has 1 of 2 confirmations; another council member runs the same command to confirm it");
    const refused = await as(1, ["grant", "APPROVER", officer, "--jurisdiction", "440105000000"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("jurisdiction 440105000000 is not registered");

    const grant = ["grant", "AUDITOR", officer, "--jurisdiction", "000000000000"];
    expect((await as(0, grant)).stdout).toMatch(/proposal 2 has 1 of 2 confirmations/);
    expect((await as(0, grant)).stdout).toContain("proposal 2: you had confirmed it already");
    expect(await access.hasScopedRole(roleId("AUDITOR"), officer, 440105000000n)).toBe(false);
    const executed = await as(1, grant);
    expect(executed.stderr).toBe("");
    expect(executed.stdout).toMatch(/grant AUDITOR to 0x[0-9a-fA-F]{40} over 000000000000: proposal 2 confirmed by 2 of 2 and executed in transaction 0x[0-9a-f]{64}/);
    expect(await access.hasScopedRole(roleId("AUDITOR"), officer, 440105000000n)).toBe(true);

    expect((await as(1, ["revoke", "AUDITOR", officer])).stdout).toMatch(/proposal 3 has 1 of 2/);
    expect((await as(0, ["revoke", "AUDITOR", officer])).stdout).toMatch(/revoke AUDITOR from .*: proposal 3 confirmed by 2 of 2 and executed/);
    expect(await access.hasScopedRole(roleId("AUDITOR"), officer, 440105000000n)).toBe(false);

    const stranger = await aidtrail(["grant", "AUDITOR", officer, "--jurisdiction", "000000000000", "--rpc", rpc, "--deployment", out, "--keystore", await keystore("stranger", DEV_KEY)]);
    expect([stranger.code, stranger.stderr]).toEqual([2, expect.stringContaining("is not a member of the governance council")]);
    const badRole = await as(0, ["grant", "MAYOR", officer, "--jurisdiction", "000000000000"]);
    expect([badRole.code, badRole.stderr]).toEqual([2, expect.stringContaining("must be one of GOVERNANCE, CASEWORKER")]);
    const noFile = await aidtrail(["revoke", "AUDITOR", officer, "--rpc", rpc, "--deployment", join(dir, "absent.json"), "--keystore", stores[0]!]);
    expect([noFile.code, noFile.stderr]).toEqual([2, expect.stringContaining("cannot read the deployment file")]);
    provider.destroy();
  }, 60_000);

  it("is made at once where the deployer's key governs (a local chain)", async () => {
    const out = join(dir, "local.json");
    expect((await aidtrail(["deploy", "--rpc", rpc, "--out", out])).code).toBe(0);
    const officer = Wallet.createRandom().address;
    const deployer = await keystore("deployer", DEV_KEY);
    const granted = await aidtrail(["grant", "AUDITOR", officer, "--jurisdiction", "000000000000", "--rpc", rpc, "--deployment", out, "--keystore", deployer]);
    expect(granted.stdout).toMatch(/grant AUDITOR to .* over 000000000000: done in transaction 0x/);
    // A gateway's record log, registered for its jurisdiction before it is anchored; once only.
    const { defaultLogId } = await import("../server/config.ts");
    const register = () => aidtrail(["register-log", "000000000000", "--rpc", rpc, "--deployment", out, "--keystore", deployer]);
    expect((await register()).stdout).toMatch(new RegExp(`register log ${defaultLogId("000000000000")} for 000000000000: done in transaction 0x`));
    const again = await register();
    expect([again.code, again.stderr]).toEqual([2, expect.stringMatching(/已登记给 000000000000[\s\S]*is registered already, for 000000000000/)]);
  }, 30_000);
});
