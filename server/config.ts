import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { id, isHexString } from "ethers";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import type { Deployment } from "./chain/deploy.ts";
import { keyringFrom, type Keyring } from "./records/envelope.ts";
import type { HashKey } from "./records/keyed-hash.ts";
import { DEFAULT_MAX_RECORD_BYTES } from "./records/parse.ts";
import { AidtrailError } from "../kit/errors.ts";
import type { Division } from "./chain/domain.ts";
import { identityKey } from "./records/identity.ts";
import { SUITES } from "../kit/record.ts";

/** Everything a gateway needs to start, read and validated once. Secrets are held here and nowhere else. */
export interface GatewayConfig {
  host: string;
  port: number;
  dataDir: string;
  rpcUrl: string;
  chainId: number;
  deployment: Deployment;
  /** The 12-digit division code this gateway serves. */
  jurisdiction: string;
  logId: string;
  maxRecordBytes: number;
  /** How long a request that writes to the ledger waits for its transaction before answering with it pending. */
  ledgerWaitMs: number;
  /** Anchor at least this often while records wait, and at once when `anchorBatch` wait. */
  anchorIntervalMs: number;
  anchorBatch: number;
  /** Sign-in requests allowed per client address and minute: an office behind one address signs its officers in through it. */
  signInLimitPerMinute: number;
  /** Receipt checks (a citizen's case, payments and record) allowed per client address and minute: guessing a receipt's code is what it stops. */
  receiptLimitPerMinute: number;
  /** Express's `trust proxy` for a reverse proxy in front that terminates TLS (AIDTRAIL_TRUST_PROXY), unset for none. */
  trustProxy?: string;
  /** The bearer token /metrics answers (AIDTRAIL_METRICS_TOKEN): an operator's scraper, not the public. Unset, /metrics is off. */
  metricsToken?: string;
  /** The bearer token GET /v1/admin/backup answers (AIDTRAIL_BACKUP_TOKEN): the operator's backups. Unset, backups are off. */
  backupToken?: string;
  keyring: Keyring;
  identityKey: HashKey;
  /** Private key of the gateway's operator account: it anchors the log and relays transactions. */
  operatorKey: string;
  /** The names of divisions, by their 12-digit codes (AIDTRAIL_DIVISIONS): what the pages show where the ledger has codes. */
  divisions: Division[];
  /** The gateway's clock follows the ledger's behind the wall clock too (AIDTRAIL_CLOCK=ledger): the demo's, whose chain begins a year back. */
  followsLedgerClock: boolean;
}


export interface ConfigProblem {
  variable: string;
  message: string;
}

/** The configuration cannot start a gateway; `problems` lists every variable at fault, not only the first. */
export class ConfigError extends AidtrailError {
  override name = "ConfigError";
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super("CONFIG_INVALID", `the gateway configuration is invalid:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join("\n")}`, {
      hint: "set the variables named above (see docs/gateway.md, Configuration) and start again",
    });
    this.problems = problems;
  }
}

/** Secrets are given as VARIABLE or as VARIABLE_FILE (a path to a file holding it), never in the repository. */
const SECRETS = ["AIDTRAIL_MASTER_KEYS", "AIDTRAIL_IDENTITY_KEY", "AIDTRAIL_OPERATOR_KEY", "AIDTRAIL_METRICS_TOKEN", "AIDTRAIL_BACKUP_TOKEN"] as const;

const schema = z.object({
  AIDTRAIL_HOST: z.string().min(1).default("127.0.0.1"),
  AIDTRAIL_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  AIDTRAIL_DATA: z.string().min(1).default(".aidtrail"),
  AIDTRAIL_RPC_URL: z.url({ protocol: /^(https?|wss?)$/, error: "must be an http(s) or ws(s) URL of the chain's JSON-RPC endpoint" }),
  AIDTRAIL_CHAIN_ID: z.coerce.number({ error: "must be the chain id, a whole number" }).int().positive(),
  AIDTRAIL_DEPLOYMENT: z.string().min(1).optional(),
  AIDTRAIL_JURISDICTION: z.string().regex(/^\d{12}$/, "must be the 12-digit division code this gateway serves"),
  AIDTRAIL_LOG_ID: z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x and 64 lower-case hex digits").optional(),
  AIDTRAIL_MAX_RECORD_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(DEFAULT_MAX_RECORD_BYTES),
  AIDTRAIL_LEDGER_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  AIDTRAIL_ANCHOR_INTERVAL_MS: z.coerce.number().int().min(100).max(24 * 3600_000).default(60_000),
  AIDTRAIL_ANCHOR_BATCH: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  AIDTRAIL_SIGN_IN_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(30),
  AIDTRAIL_RECEIPT_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(20),
  AIDTRAIL_TRUST_PROXY: z.string().min(1).max(200).optional(),
  AIDTRAIL_DIVISIONS: z.string().min(1).optional(),
  AIDTRAIL_CLOCK: z.enum(["wall", "ledger"], { error: 'must be "wall" (the default) or "ledger" (a demo chain that begins in the past)' }).default("wall"),
  AIDTRAIL_METRICS_TOKEN: z.string().regex(/^[\x21-\x7e]{16,200}$/, "must be 16 to 200 printable ASCII characters: the bearer token Prometheus sends").optional(),
  AIDTRAIL_BACKUP_TOKEN: z.string().regex(/^[\x21-\x7e]{32,200}$/, "must be 32 to 200 printable ASCII characters: the bearer token `aidtrail backup` sends").optional(),
  AIDTRAIL_MASTER_KEYS: z.string({ error: 'is required: JSON {"current": "k1", "keys": {"k1": "<32 bytes, base64>"}}' }),
  AIDTRAIL_IDENTITY_KEY: z.string({ error: "is required: the deployment's shared identity key, 32 bytes or more, base64" }),
  AIDTRAIL_OPERATOR_KEY: z.string({ error: "is required: the operator account's private key, 0x and 64 hex digits" }),
});

type Env = Record<string, string | undefined>;

/**
 * Reads the gateway's configuration from `env` (and the files secrets point to), checks all of
 * it, and either returns it whole or throws one ConfigError naming every problem. Messages
 * never repeat a secret's value.
 */
export function loadConfig(env: Env = process.env, readFile: (path: string) => string = (p) => readFileSync(p, "utf8")): GatewayConfig {
  const problems: ConfigProblem[] = [];
  const input: Env = { ...env };
  for (const name of SECRETS) {
    const file = env[`${name}_FILE`];
    if (file === undefined) continue;
    if (env[name] !== undefined) {
      problems.push({ variable: name, message: `is set both directly and through ${name}_FILE: keep one` });
      continue;
    }
    try {
      input[name] = readFile(file).trim();
    } catch (error) {
      problems.push({ variable: `${name}_FILE`, message: `cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"}): check the path ${file}` });
    }
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ variable: String(issue.path[0]), message: issue.message.startsWith("is ") || issue.message.startsWith("must ") ? issue.message : `is invalid: ${issue.message}` });
    }
  }
  const reported = new Set(problems.map((p) => p.variable));

  // Secrets and the deployment are checked even when other variables are wrong, so one start reports everything.
  const secret = <T>(variable: string, read: (value: string) => T): T | undefined => {
    const value = input[variable];
    if (value === undefined || reported.has(variable)) return undefined;
    try {
      return read(value);
    } catch (error) {
      problems.push({ variable, message: error instanceof AidtrailError ? error.message : "is malformed" });
      return undefined;
    }
  };
  const masterKeys = secret("AIDTRAIL_MASTER_KEYS", (value) => {
    let json: unknown;
    try {
      json = JSON.parse(value);
    } catch {
      throw new AidtrailError("CONFIG_INVALID", 'must be JSON: {"current": "k1", "keys": {"k1": "<32 bytes, base64>"}}');
    }
    const shape = z.object({ current: z.string(), keys: z.record(z.string(), z.string()) }).safeParse(json);
    if (!shape.success) throw new AidtrailError("CONFIG_INVALID", 'must be {"current": "<key id>", "keys": {"<key id>": "<32 bytes, base64>"}}');
    // Checked as a keyring of either suite: the deployment, read below, says which it is.
    keyringFrom(shape.data, "standard");
    return shape.data;
  });
  const identityKeyBytes = secret("AIDTRAIL_IDENTITY_KEY", (value) => {
    const key = Buffer.from(value, "base64");
    if (key.length < 32) throw new AidtrailError("CONFIG_INVALID", `must be at least 32 bytes of base64; it decodes to ${key.length}`);
    return new Uint8Array(key);
  });
  const operatorKey = secret("AIDTRAIL_OPERATOR_KEY", (value) => {
    if (!isHexString(value, 32)) throw new AidtrailError("CONFIG_INVALID", "must be 0x and 64 hex digits");
    return value;
  });
  if (!parsed.success) throw new ConfigError(problems);
  const v = parsed.data;
  const dataDir = resolve(v.AIDTRAIL_DATA);
  const deploymentPath = v.AIDTRAIL_DEPLOYMENT ?? join(dataDir, "deployment.json");
  let deployment: Deployment | undefined;
  try {
    deployment = readDeployment(deploymentPath, readFile, v.AIDTRAIL_CHAIN_ID);
  } catch (error) {
    problems.push({ variable: "AIDTRAIL_DEPLOYMENT", message: (error as Error).message });
  }

  let divisions: Division[] = [];
  if (v.AIDTRAIL_DIVISIONS) {
    try {
      divisions = readDivisions(v.AIDTRAIL_DIVISIONS, readFile);
    } catch (error) {
      problems.push({ variable: "AIDTRAIL_DIVISIONS", message: (error as Error).message });
    }
  }

  if (problems.length > 0 || !masterKeys || !identityKeyBytes || !operatorKey || !deployment) throw new ConfigError(problems);
  return {
    host: v.AIDTRAIL_HOST,
    port: v.AIDTRAIL_PORT,
    dataDir,
    rpcUrl: v.AIDTRAIL_RPC_URL,
    chainId: v.AIDTRAIL_CHAIN_ID,
    deployment,
    jurisdiction: v.AIDTRAIL_JURISDICTION,
    logId: v.AIDTRAIL_LOG_ID ?? defaultLogId(v.AIDTRAIL_JURISDICTION),
    maxRecordBytes: v.AIDTRAIL_MAX_RECORD_BYTES,
    ledgerWaitMs: v.AIDTRAIL_LEDGER_WAIT_MS,
    anchorIntervalMs: v.AIDTRAIL_ANCHOR_INTERVAL_MS,
    anchorBatch: v.AIDTRAIL_ANCHOR_BATCH,
    signInLimitPerMinute: v.AIDTRAIL_SIGN_IN_LIMIT,
    receiptLimitPerMinute: v.AIDTRAIL_RECEIPT_LIMIT,
    trustProxy: v.AIDTRAIL_TRUST_PROXY,
    metricsToken: v.AIDTRAIL_METRICS_TOKEN,
    backupToken: v.AIDTRAIL_BACKUP_TOKEN,
    keyring: keyringFrom(masterKeys, deployment.suite),
    identityKey: identityKey(identityKeyBytes, deployment.suite),
    operatorKey,
    divisions,
    followsLedgerClock: v.AIDTRAIL_CLOCK === "ledger",
  };
}

/**
 * The division names of a CSV file in the national statistical code list's form: one division a
 * line, its 12-digit code, its name, its parent's code (empty for a province), a header line
 * first. Every line is checked; the first fault is named with its line number.
 */
export function readDivisions(path: string, readFile: (path: string) => string): Division[] {
  let text: string;
  try {
    text = readFile(path);
  } catch {
    throw new AidtrailError("CONFIG_INVALID", `cannot read the division list ${path}`);
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, from_line: 2, relax_column_count: true, trim: true });
  } catch (error) {
    throw new AidtrailError("CONFIG_INVALID", `${path} is not CSV: ${(error as Error).message}`);
  }
  return rows.map(([code = "", name = "", parent = ""], i) => {
    if (!/^\d{12}$/.test(code) || name === "" || name.length > 50 || !/^(\d{12})?$/.test(parent)) {
      throw new AidtrailError("CONFIG_INVALID", `${path} line ${i + 2} is not "code,name,parent" (a 12-digit code, a name of at most 50 characters, the parent's code or nothing)`);
    }
    return { code, name, parent: parent || null };
  });
}

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  suite: z.enum(SUITES, { error: `must name the deployment's cryptographic suite, ${SUITES.join(" or ")}` }),
  deploymentBlock: z.number().int().min(0),
  deployer: address,
  governance: address,
  contracts: z.object({
    aidAccess: address,
    assistanceStandards: address,
    caseRegistry: address,
    fundLedger: address,
    logAnchor: address,
    governanceCouncil: address.nullable(),
  }),
});

/**
 * The id of a county gateway's record log unless AIDTRAIL_LOG_ID names another: what governance
 * registers on the log anchor for the jurisdiction (LogAnchor.registerLog) before it is anchored.
 */
export const defaultLogId = (jurisdiction: string): string => id(`aidtrail records ${jurisdiction}`);

/** A deployment file written by `aidtrail deploy`, checked for shape and for the configured chain. */
export function readDeployment(path: string, readFile: (path: string) => string, chainId: number): Deployment {
  let text: string;
  try {
    text = readFile(path);
  } catch {
    throw new AidtrailError("CONFIG_INVALID", `cannot read the deployment file ${path}: deploy with "npx aidtrail deploy" or set AIDTRAIL_DEPLOYMENT`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AidtrailError("CONFIG_INVALID", `${path} is not JSON`);
  }
  const parsed = deploymentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AidtrailError("CONFIG_INVALID", `${path} is not a deployment file: ${issue.path.join(".") || "(top)"} ${issue.message}`);
  }
  if (parsed.data.chainId !== chainId) {
    throw new AidtrailError("CONFIG_INVALID", `${path} is a deployment on chain ${parsed.data.chainId}, but AIDTRAIL_CHAIN_ID is ${chainId}`);
  }
  return parsed.data;
}
