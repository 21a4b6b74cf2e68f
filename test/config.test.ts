import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../server/config.ts";

const masterKey = randomBytes(32).toString("base64");
const identityKey = randomBytes(32).toString("base64");
const operatorKey = "0x" + randomBytes(32).toString("hex");
const deployment = {
  chainId: 31337,
  suite: "standard",
  deploymentBlock: 3,
  deployer: "0x" + "11".repeat(20),
  governance: "0x" + "11".repeat(20),
  contracts: {
    aidAccess: "0x" + "21".repeat(20),
    assistanceStandards: "0x" + "22".repeat(20),
    caseRegistry: "0x" + "23".repeat(20),
    fundLedger: "0x" + "24".repeat(20),
    logAnchor: "0x" + "25".repeat(20),
    governanceCouncil: null,
  },
};
const files: Record<string, string> = {
  "/etc/aidtrail/deployment.json": JSON.stringify(deployment),
  "/run/secrets/operator": operatorKey + "\n",
  // As the national statistical code list writes it: a byte-order mark, a header, CRLF lines.
  "/etc/aidtrail/divisions.csv": "\uFEFFcode,name,parent\r\n440000000000,广东省,\r\n440105000000,海珠区,440000000000\r\n",
  "/etc/aidtrail/bad-divisions.csv": "code,name,parent\n440000000000,广东省,\n4401050,海珠区,440000000000\n",
};
const readFile = (path: string) => {
  if (path in files) return files[path]!;
  throw Object.assign(new Error("no such file"), { code: "ENOENT" });
};
const env = {
  AIDTRAIL_RPC_URL: "http://127.0.0.1:8545",
  AIDTRAIL_CHAIN_ID: "31337",
  AIDTRAIL_DEPLOYMENT: "/etc/aidtrail/deployment.json",
  AIDTRAIL_JURISDICTION: "440105000000",
  AIDTRAIL_MASTER_KEYS: JSON.stringify({ current: "k1", keys: { k1: masterKey } }),
  AIDTRAIL_IDENTITY_KEY: identityKey,
  AIDTRAIL_OPERATOR_KEY: operatorKey,
};

function problems(overrides: Record<string, string | undefined>): string[] {
  try {
    loadConfig({ ...env, ...overrides }, readFile);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const secret of [masterKey, identityKey, operatorKey]) expect(message).not.toContain(secret);
    return (error as ConfigError).problems.map((p) => `${p.variable}: ${p.message}`);
  }
  throw new Error("expected the configuration to be refused");
}

describe("gateway configuration", () => {
  it("loads a complete configuration with defaults for the rest", () => {
    const config = loadConfig(env, readFile);
    expect(config).toMatchObject({ host: "127.0.0.1", port: 8080, chainId: 31337, jurisdiction: "440105000000", maxRecordBytes: 1024 * 1024, signInLimitPerMinute: 30, operatorKey });
    expect(config.deployment.contracts.logAnchor).toBe(deployment.contracts.logAnchor);
    expect(config.logId).toMatch(/^0x[0-9a-f]{64}$/);
    expect(config.keyring.current).toBe("k1");
    expect(config.dataDir.endsWith(".aidtrail")).toBe(true);
  });

  it("reads the divisions' names from a CSV of code, name and parent, and names the line at fault in one that is not", () => {
    expect(loadConfig(env, readFile).divisions).toEqual([]);
    expect(loadConfig({ ...env, AIDTRAIL_DIVISIONS: "/etc/aidtrail/divisions.csv" }, readFile).divisions).toEqual([
      { code: "440000000000", name: "广东省", parent: null },
      { code: "440105000000", name: "海珠区", parent: "440000000000" },
    ]);
    expect(problems({ AIDTRAIL_DIVISIONS: "/etc/aidtrail/bad-divisions.csv" })).toEqual(['AIDTRAIL_DIVISIONS: /etc/aidtrail/bad-divisions.csv line 3 is not "code,name,parent" (a 12-digit code, a name of at most 50 characters, the parent\'s code or nothing)']);
    expect(problems({ AIDTRAIL_DIVISIONS: "/etc/aidtrail/none.csv" })).toEqual(["AIDTRAIL_DIVISIONS: cannot read the division list /etc/aidtrail/none.csv"]);
  });

  it("takes a sign-in limit for offices that sign many officers in through one address, a whole number of at least one", () => {
    expect(loadConfig({ ...env, AIDTRAIL_SIGN_IN_LIMIT: "600" }, readFile).signInLimitPerMinute).toBe(600);
    expect(problems({ AIDTRAIL_SIGN_IN_LIMIT: "0" })[0]).toMatch(/^AIDTRAIL_SIGN_IN_LIMIT: /);
    expect(problems({ AIDTRAIL_SIGN_IN_LIMIT: "many" })[0]).toMatch(/^AIDTRAIL_SIGN_IN_LIMIT: /);
  });

  it("keeps the wall clock unless told the ledger's clock leads it behind as well (a demo chain begun in the past), and refuses any other clock", () => {
    expect(loadConfig(env, readFile).followsLedgerClock).toBe(false);
    expect(loadConfig({ ...env, AIDTRAIL_CLOCK: "ledger" }, readFile).followsLedgerClock).toBe(true);
    expect(problems({ AIDTRAIL_CLOCK: "chain" })).toEqual(['AIDTRAIL_CLOCK: must be "wall" (the default) or "ledger" (a demo chain that begins in the past)']);
  });

  it("reads a secret from the file its _FILE variable names", () => {
    const config = loadConfig({ ...env, AIDTRAIL_OPERATOR_KEY: undefined, AIDTRAIL_OPERATOR_KEY_FILE: "/run/secrets/operator" }, readFile);
    expect(config.operatorKey).toBe(operatorKey);
  });

  it("names every problem at once, each with its variable", () => {
    expect(
      problems({ AIDTRAIL_RPC_URL: "ftp://x", AIDTRAIL_CHAIN_ID: "abc", AIDTRAIL_JURISDICTION: "4401", AIDTRAIL_IDENTITY_KEY: undefined }),
    ).toEqual([
      "AIDTRAIL_RPC_URL: must be an http(s) or ws(s) URL of the chain's JSON-RPC endpoint",
      "AIDTRAIL_CHAIN_ID: must be the chain id, a whole number",
      "AIDTRAIL_JURISDICTION: must be the 12-digit division code this gateway serves",
      "AIDTRAIL_IDENTITY_KEY: is required: the deployment's shared identity key, 32 bytes or more, base64",
    ]);
  });

  it("refuses malformed secrets without repeating them", () => {
    expect(problems({ AIDTRAIL_MASTER_KEYS: "k1=abc" })).toEqual([
      'AIDTRAIL_MASTER_KEYS: must be JSON: {"current": "k1", "keys": {"k1": "<32 bytes, base64>"}}',
    ]);
    expect(problems({ AIDTRAIL_MASTER_KEYS: JSON.stringify({ current: "k1", keys: { k1: randomBytes(16).toString("base64") } }) })[0]).toMatch(/16 bytes, not 32/);
    expect(problems({ AIDTRAIL_IDENTITY_KEY: randomBytes(8).toString("base64") })).toEqual(["AIDTRAIL_IDENTITY_KEY: must be at least 32 bytes of base64; it decodes to 8"]);
    expect(problems({ AIDTRAIL_OPERATOR_KEY: "0x1234" })).toEqual(["AIDTRAIL_OPERATOR_KEY: must be 0x and 64 hex digits"]);
    expect(problems({ AIDTRAIL_OPERATOR_KEY_FILE: "/run/secrets/operator" })).toEqual([
      "AIDTRAIL_OPERATOR_KEY: is set both directly and through AIDTRAIL_OPERATOR_KEY_FILE: keep one",
    ]);
    expect(problems({ AIDTRAIL_OPERATOR_KEY: undefined, AIDTRAIL_OPERATOR_KEY_FILE: "/run/secrets/missing" })[0]).toMatch(
      /AIDTRAIL_OPERATOR_KEY_FILE: cannot be read \(ENOENT\)/,
    );
  });

  it("refuses a deployment file that is missing, malformed or for another chain", () => {
    expect(problems({ AIDTRAIL_DEPLOYMENT: "/nowhere.json" })[0]).toMatch(/cannot read the deployment file \/nowhere.json/);
    files["/etc/aidtrail/other.json"] = JSON.stringify({ ...deployment, chainId: 1337 });
    expect(problems({ AIDTRAIL_DEPLOYMENT: "/etc/aidtrail/other.json" })[0]).toMatch(/on chain 1337, but AIDTRAIL_CHAIN_ID is 31337/);
    files["/etc/aidtrail/bad.json"] = JSON.stringify({ ...deployment, contracts: { ...deployment.contracts, caseRegistry: "nope" } });
    expect(problems({ AIDTRAIL_DEPLOYMENT: "/etc/aidtrail/bad.json" })[0]).toMatch(/contracts.caseRegistry/);
    const { suite: _suite, ...unsuited } = deployment;
    files["/etc/aidtrail/unsuited.json"] = JSON.stringify(unsuited);
    expect(problems({ AIDTRAIL_DEPLOYMENT: "/etc/aidtrail/unsuited.json" })[0]).toMatch(/suite must name the deployment's cryptographic suite, standard or national/);
    files["/etc/aidtrail/sm.json"] = JSON.stringify({ ...deployment, suite: "sm" });
    expect(problems({ AIDTRAIL_DEPLOYMENT: "/etc/aidtrail/sm.json" })[0]).toMatch(/suite must name/);
  });

  it("takes the cryptographic suite from the deployment file: its keyring seals, and its identity key hashes, in that suite", () => {
    expect([loadConfig(env, readFile).keyring.suite, loadConfig(env, readFile).identityKey.suite]).toEqual(["standard", "standard"]);
    files["/etc/aidtrail/national.json"] = JSON.stringify({ ...deployment, suite: "national" });
    const national = loadConfig({ ...env, AIDTRAIL_DEPLOYMENT: "/etc/aidtrail/national.json" }, readFile);
    expect([national.deployment.suite, national.keyring.suite, national.identityKey.suite]).toEqual(["national", "national", "national"]);
  });
});
