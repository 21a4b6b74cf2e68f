import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeRlp, Wallet, ZeroHash } from "ethers";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { roleId } from "../server/chain/roles.ts";
import { aidtrail } from "./helpers/cli.ts";
import { DEV_KEYS, localGateway } from "./helpers/local-gateway.ts";

/*
 * The Besu QBFT kit (deploy/besu/, docs/deploy-besu.md): Besu cannot run here, so what is checked
 * is what it would be started from, read back by independent parsers.
 */

const dir = mkdtempSync(join(tmpdir(), "aidtrail-besu-"));
const validators = Array.from({ length: 4 }, () => Wallet.createRandom().address);
const ENODES = Array.from({ length: 4 }, (_, i) => `enode://${"ab".repeat(64)}@172.16.239.${11 + i}:30303`);

describe("aidtrail besu genesis", () => {
  it("writes a QBFT genesis for the validators: Berlin and no later fork, free gas, a block every 2 s, 100 M gas a block, no account funded", async () => {
    const out = join(dir, "genesis.json");
    const written = await aidtrail(["besu", "genesis", "--validators", validators.join(","), "--chain-id", "4401", "--out", out]);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe(`wrote ${out}: chain 4401, 4 validators, a block every 2 s, Berlin, free gas\n`);
    const genesis = JSON.parse(readFileSync(out, "utf8"));
    expect(genesis.config).toMatchObject({ chainId: 4401, berlinBlock: 0, zeroBaseFee: true, qbft: { blockperiodseconds: 2 } });
    for (const later of ["londonBlock", "shanghaiTime", "cancunTime", "pragueTime"]) expect(genesis.config).not.toHaveProperty(later);
    expect(BigInt(genesis.gasLimit)).toBe(100_000_000n);
    expect(genesis.alloc).toEqual({});
    // QBFT's extra data: 32 zero bytes, the validators, no vote, round 0, no seals.
    expect(decodeRlp(genesis.extraData)).toEqual([ZeroHash, validators.map((v) => v.toLowerCase()), [], "0x", []]);
  });

  it("refuses fewer than four validators, or one that is not an address, writing nothing", async () => {
    const three = await aidtrail(["besu", "genesis", "--validators", validators.slice(0, 3).join(","), "--chain-id", "4401", "--out", join(dir, "three.json")]);
    expect([three.code, three.stderr]).toEqual([2, expect.stringContaining("QBFT needs at least 4 validators to tolerate one that fails; 3 given")]);
    const bad = await aidtrail(["besu", "genesis", "--validators", "0x12,0x34,0x56,0x78", "--chain-id", "4401"]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('"0x12" is not an address')]);
  });
});

describe("aidtrail besu allowlist", () => {
  let local: Awaited<ReturnType<typeof localGateway>>;
  const enodes = join(dir, "enodes.txt");
  beforeAll(async () => {
    local = await localGateway();
    writeFileSync(enodes, `# the province's four validators\n${ENODES.join("\n")}\n`);
  }, 120_000);
  afterAll(async () => local?.close());

  const allowlist = async () => {
    const out = join(dir, "permissions_config.toml");
    const made = await aidtrail(["besu", "allowlist", "--rpc", local.rpcUrl, "--deployment", join(local.env.AIDTRAIL_DATA, "deployment.json"), "--enodes", enodes, "--out", out]);
    expect(made.code, made.stderr).toBe(0);
    return { text: readFileSync(out, "utf8"), toml: parseToml(readFileSync(out, "utf8")) as { "accounts-allowlist": string[]; "nodes-allowlist": string[] } };
  };

  it("names the deployer and every account holding a role on chain, each with its roles, and the nodes", async () => {
    const { text, toml } = await allowlist();
    const address = (key: string) => new Wallet(key).address;
    // Every account localGateway granted a role, and governance (the deployer, on a local chain).
    const expected = [DEV_KEYS.governance, DEV_KEYS.operator, DEV_KEYS.caseworker, DEV_KEYS.reviewer, DEV_KEYS.approver1, DEV_KEYS.approver2, DEV_KEYS.finance, DEV_KEYS.budgetChecker, DEV_KEYS.bank, DEV_KEYS.auditor].map(address);
    expect([...toml["accounts-allowlist"]].sort()).toEqual([...new Set(expected)].sort());
    expect(toml["nodes-allowlist"]).toEqual(ENODES);
    expect(text).toContain(`"${address(DEV_KEYS.approver1)}", # APPROVER over 440105000000; SPECIAL_CATEGORY_READER over 440105000000`);
    expect(text).toContain(`"${address(DEV_KEYS.governance)}", # GOVERNANCE over 000000000000; deployer; governance`);
  });

  it("drops an account whose role was revoked, once made again", async () => {
    const auditor = new Wallet(DEV_KEYS.auditor).address;
    await (await local.contracts.access.revokeRole(roleId("AUDITOR"), auditor)).wait();
    expect((await allowlist()).toml["accounts-allowlist"]).not.toContain(auditor);
  });

  it("refuses a nodes file with a line that is not an enode URL", async () => {
    const badNodes = join(dir, "bad-enodes.txt");
    writeFileSync(badNodes, `${ENODES[0]}\n172.16.239.12:30303\n`);
    const made = await aidtrail(["besu", "allowlist", "--rpc", local.rpcUrl, "--deployment", join(local.env.AIDTRAIL_DATA, "deployment.json"), "--enodes", badNodes, "--out", join(dir, "never.toml")]);
    expect([made.code, made.stderr]).toEqual([2, expect.stringContaining('"172.16.239.12:30303" is not an enode URL')]);
  });
});

describe("deploy/besu/docker-compose.yml", () => {
  const compose = parseYaml(readFileSync("deploy/besu/docker-compose.yml", "utf8"), { merge: true }) as {
    services: Record<string, { command: string[]; volumes: string[]; environment?: Record<string, string> }>;
  };

  it("runs four validators, each with its own key, the genesis and the allowlist, free gas and local permissioning", () => {
    const nodes = Object.entries(compose.services).filter(([name]) => name.startsWith("node"));
    expect(nodes.map(([name]) => name)).toEqual(["node1", "node2", "node3", "node4"]);
    for (const [name, node] of nodes) {
      expect(node.volumes).toEqual(expect.arrayContaining(["./genesis.json:/config/genesis.json:ro", "./permissions_config.toml:/config/permissions_config.toml:ro", `./keys/${name}:/keys:ro`]));
      expect(node.command).toEqual(expect.arrayContaining(["--min-gas-price=0", "--permissions-accounts-config-file-enabled", "--permissions-nodes-config-file-enabled", "--node-private-key-file=/keys/key"]));
    }
  });

  it("gives the gateway its secrets as files, none of them in the compose file", () => {
    const gateway = compose.services.gateway!;
    for (const secret of ["OPERATOR_KEY", "MASTER_KEYS", "IDENTITY_KEY", "METRICS_TOKEN"]) {
      expect(gateway.environment![`AIDTRAIL_${secret}_FILE`]).toMatch(/^\/run\/secrets\//);
      expect(gateway.environment).not.toHaveProperty(`AIDTRAIL_${secret}`);
    }
    expect(readFileSync(".gitignore", "utf8")).toMatch(/^deploy\/besu\/keys\/$/m);
    expect(readFileSync(".gitignore", "utf8")).toMatch(/^deploy\/besu\/secrets\/$/m);
  });
});
