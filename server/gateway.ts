import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { join } from "node:path";
import { hexlify } from "ethers";
import type { Logger } from "pino";
import { Anchorer } from "./sync/anchorer.ts";
import { SignIn } from "./auth/sign-in.ts";
import { ChainClient } from "./chain/client.ts";
import { jurisdictionCode } from "./chain/domain.ts";
import { ConfigError, type GatewayConfig } from "./config.ts";
import { AidtrailError } from "../kit/errors.ts";
import { webPages } from "./http/web.ts";
import { Indexer } from "./sync/indexer.ts";
import { createApp } from "./http/app.ts";
import { sweepIdempotency } from "./http/idempotency.ts";
import { rememberingRoles } from "./http/officers.ts";
import { authRouter } from "./http/routes/auth.ts";
import { casesRouter } from "./http/routes/cases.ts";
import { fundsRouter } from "./http/routes/funds.ts";
import { proofsRouter } from "./http/routes/proofs.ts";
import { citizenRouter } from "./http/routes/citizen.ts";
import { worklistRouter } from "./http/routes/worklist.ts";
import { auditRouter } from "./http/routes/audit.ts";
import { noticesRouter } from "./http/routes/notices.ts";
import { ledgerRouter } from "./http/routes/ledger.ts";
import { RecordLog } from "./log/record-log.ts";
import { Relayer } from "./sync/relayer.ts";
import { LogAuditor } from "./sync/log-auditor.ts";
import { PendingApplications } from "./cases/pending-applications.ts";
import { failedEntries, pendingEntries, type OutboxEntry } from "./sync/outbox.ts";
import { StateStore } from "./state/state-store.ts";
import { adminRouter } from "./http/routes/admin.ts";

export interface RunningGateway {
  url: string;
  chain: ChainClient;
  log: RecordLog;
  state: StateStore;
  anchorer: Anchorer;
  relayer: Relayer;
  indexer: Indexer;
  close(): Promise<void>;
}

export interface GatewayTuning {
  anchorIntervalMs?: number;
  anchorBatch?: number;
  relayIntervalMs?: number;
  indexIntervalMs?: number;
  ledgerWaitMs?: number;
  /** How often the whole record log is audited in the background (six hours unless told). */
  auditIntervalMs?: number;
}

const VERSION = "0.1.0";
const CHAIN_VARIABLES = { rpcUrl: "AIDTRAIL_RPC_URL", chainId: "AIDTRAIL_CHAIN_ID", deployment: "AIDTRAIL_DEPLOYMENT", operatorKey: "AIDTRAIL_OPERATOR_KEY" } as const;

/** Starts a gateway from its configuration: chain, record log, anchorer, sign-in and HTTP. */
export async function startGateway(config: GatewayConfig, logger: Logger, tuning: GatewayTuning = {}): Promise<RunningGateway> {
  const chain = await ChainClient.connect(config).catch((error: unknown) => {
    // A chain setting that does not hold is told by the variable that set it.
    if (error instanceof AidtrailError && error.code === "CHAIN_SETTING_INVALID") throw new ConfigError([{ variable: CHAIN_VARIABLES[error.field as keyof typeof CHAIN_VARIABLES], message: error.message }]);
    throw error;
  });
  const log = await RecordLog.open(join(config.dataDir, "records"), { logId: config.logId, keyring: config.keyring, maxRecordBytes: config.maxRecordBytes });
  const state = await StateStore.open(join(config.dataDir, "state"));
  // What was appended since the last clean audit is checked before anything is served.
  const auditor = new LogAuditor(log, state, logger);
  await auditor.atStart();
  // Applications owed from before a restart still hold their applicant until the ledger answers.
  const pending = new PendingApplications();
  for (const [, entry] of await pendingEntries(state)) if (entry.kind === "submitApplication") pending.claim(entry.args);
  const relayer = new Relayer(state, log, chain, logger, (entry) => {
    if (entry.kind === "submitApplication") pending.release(entry.args);
  });
  const indexer = new Indexer(state, chain, config.deployment.deploymentBlock, logger);
  const anchorer = new Anchorer(log, chain.anchor, chain.operator, chain.operator.signer, {
    intervalMs: tuning.anchorIntervalMs ?? config.anchorIntervalMs,
    batchSize: tuning.anchorBatch ?? config.anchorBatch,
    logger,
    clock: chain.clock,
  });
  const url = `http://${config.host}:${config.port}`;
  // An officer whose role was confirmed in the last ten minutes keeps working through a chain outage.
  const roles = rememberingRoles({ hasScopedRole: (role, account, jurisdiction) => chain.roles.hasScopedRole(role, account, jurisdiction), scopeOf: chain.access.scopeOf }, 10 * 60_000);
  const ledgerWaitMs = tuning.ledgerWaitMs ?? config.ledgerWaitMs;
  const signIn = new SignIn({
    domain: config.host,
    uri: url,
    chainId: config.chainId,
    jurisdiction: config.jurisdiction,
    // Sessions end with the process: officers sign in again after a restart.
    tokenSecret: randomBytes(32),
  });
  const app = createApp({
    readiness: async () => ({ chain: await chain.readiness(), log: await logReadiness(log, chain, config.jurisdiction), audit: auditor.readiness() }),
    warnings: async () => relayWarnings(await failedEntries(state)),
    logger,
    maxBodyBytes: config.maxRecordBytes + 64 * 1024,
    trustProxy: config.trustProxy,
    metricsToken: config.metricsToken,
    gauges: [
      { name: "aidtrail_anchor_pending_records", help: "records appended and not yet covered by an anchored checkpoint", read: () => anchorer.pending() },
      {
        name: "aidtrail_anchor_age_seconds",
        help: "seconds since the latest anchored checkpoint was signed",
        read: async () => {
          const latest = await log.latestAnchored();
          if (!latest) throw new Error("nothing anchored yet");
          return (Date.now() - Date.parse(latest.time)) / 1000;
        },
      },
      { name: "aidtrail_outbox_pending", help: "ledger steps owed to the chain and not yet on it", read: async () => (await pendingEntries(state)).length },
      { name: "aidtrail_relay_failures", help: "ledger steps that failed, refused by the ledger or never sendable: officers' steps that did not happen", read: async () => (await failedEntries(state)).length },
      { name: "aidtrail_indexer_lag_blocks", help: "blocks of the chain not yet indexed", read: async () => Math.max(0, (await chain.provider.getBlockNumber()) - (await indexer.indexedTo())) },
    ],
    version: VERSION,
    // Sealed with the identity key, which is the gateway's secret and never in its state.
    idempotency: { state, signIn, access: roles, secret: config.identityKey },
    // Express tries each router's routes in turn: the public proof lookups, the most asked for,
    // come first rather than after every officers' route, each a matching that costs them CPU.
    routers: [
      proofsRouter(log),
      authRouter(signIn, chain.access, config.signInLimitPerMinute),
      casesRouter({ chain, roles, log, state, identityKey: config.identityKey, pending, relayer, anchorer, ledgerWaitMs, jurisdiction: config.jurisdiction }, signIn),
      fundsRouter({ chain, indexer, roles, log, state, relayer, ledgerWaitMs, jurisdiction: config.jurisdiction }, signIn),
      citizenRouter({ chain, indexer, log, state, identityKey: config.identityKey }, config.receiptLimitPerMinute),
      auditRouter({ chain, indexer, roles, log, state, deployment: config.deployment, jurisdiction: config.jurisdiction, anchorer }, signIn),
      noticesRouter({ indexer, state }),
      worklistRouter({ chain, indexer, state, roles }, signIn),
      ledgerRouter(chain, config.divisions, config.deployment),
      adminRouter({ log, state, jurisdiction: config.jurisdiction }, config.backupToken),
    ],
    pages: webPages(),
  });
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, config.host, () => resolve(s));
    s.on("error", reject);
  });
  const address = server.address();
  const listening = typeof address === "object" && address ? `http://${config.host}:${address.port}` : url;
  anchorer.start();
  relayer.start(tuning.relayIntervalMs ?? 5_000);
  indexer.start(tuning.indexIntervalMs ?? 2_000);
  auditor.start(tuning.auditIntervalMs ?? 6 * 3600_000);
  // Kept answers past their day are forgotten at start and every hour.
  const sweep = () => void sweepIdempotency(state).catch((error: unknown) => logger.warn({ message: (error as Error).message }, "could not forget expired idempotent answers"));
  sweep();
  const sweeping = setInterval(sweep, 3600_000).unref();
  logger.info({ url: listening, jurisdiction: config.jurisdiction, logId: config.logId }, "gateway listening");
  return {
    url: listening,
    chain,
    log,
    state,
    anchorer,
    relayer,
    indexer,
    async close() {
      clearInterval(sweeping);
      await auditor.stop();
      await relayer.stop();
      await anchorer.stop();
      await indexer.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await log.close();
      await state.close();
      chain.close();
    },
  };
}

/**
 * What /readyz warns of without being unready: ledger steps that failed, each an officer's step
 * that did not happen and that someone must take again or explain; the latest three named.
 */
function relayWarnings(failed: [string, OutboxEntry][]): Record<string, string> {
  if (failed.length === 0) return {};
  const latest = failed.slice(-3).reverse().map(([, e]) => `${e.caseId} ${e.error?.code ?? "failed"}: ${e.error?.message ?? ""}`);
  return { relay: `${failed.length} ledger step${failed.length === 1 ? "" : "s"} failed; latest: ${latest.join("; ")}` };
}

/** "ok" when the record log still has the root the chain anchored for it, otherwise what is wrong. */
async function logReadiness(log: RecordLog, chain: ChainClient, jurisdiction: string): Promise<string> {
  try {
    const head = await chain.anchor.head(log.logId);
    if (!head.registered || jurisdictionCode(head.jurisdiction) !== jurisdiction) {
      return `not registered: governance registers log ${log.logId} for jurisdiction ${jurisdiction} before it is anchored (LogAnchor.registerLog)`;
    }
    const size = Number(head.treeSize);
    if (size === 0) return "ok";
    if (size > log.size) return `behind the chain: the chain anchors ${size} records, the log holds ${log.size}`;
    return hexlify(await log.root(size)) === head.root ? "ok" : `diverged: the log's root at ${size} is not the anchored one`;
  } catch (error) {
    return `unknown: ${(error as Error).message.split("\n")[0]}`;
  }
}
