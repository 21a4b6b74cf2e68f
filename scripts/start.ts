/**
 * `npm start`: the embedded demo. Starts a local chain (Hardhat's simulator, served over
 * JSON-RPC), deploys the contracts and a demo province on first start, starts the gateway, writes
 * demo.json, and prints what to try. A second start reuses the data folder: the chain is rebuilt
 * by replaying its journal of transactions. Folder: .aidtrail/, or AIDTRAIL_DATA.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { network } from "hardhat";
import { loadConfig } from "../server/config.ts";
import { beginJournal, genesisOf, journalingProxy, readJournal, replayJournal } from "../demo/journal.ts";
import { DEMO_GOVERNANCE_KEY, DEMO_JURISDICTIONS, DEMO_METRICS_TOKEN, DEMO_OPERATOR_KEY, demoDivisionsCsv, seedDemo, type DemoAccount, type DemoBudget } from "../demo/seed.ts";
import { seedHistory, type DemoReceipt } from "../demo/history.ts";
import { writeKeystores, KEYSTORE_PASSWORD } from "../demo/keystores.ts";
import { addMonths, periodAt, startOf } from "../server/funds/periods.ts";
import { Programme } from "../server/chain/domain.ts";
import { startGateway } from "../server/gateway.ts";
import { createLogger } from "../server/logger.ts";
import { AidtrailError } from "../kit/errors.ts";

const dataDir = resolve(process.env.AIDTRAIL_DATA ?? ".aidtrail");
const journalPath = join(dataDir, "chain-journal.jsonl");
const demoPath = join(dataDir, "demo.json");
const secretsPath = join(dataDir, "demo-secrets.json");
const host = "127.0.0.1";

function stop(message: string): never {
  console.error(`aidtrail demo: ${message}`);
  process.exit(2);
}

mkdirSync(dataDir, { recursive: true });
const journal = readJournal(journalPath);
const firstStart = journal.length === 0;
const genesis = genesisOf(journal);
if (firstStart && existsSync(join(dataDir, "records"))) {
  stop(`${dataDir} holds a record log but no chain journal, so its chain cannot be rebuilt. Move the folder away, or set AIDTRAIL_DATA to a new one.`);
}
if (!firstStart && (!existsSync(demoPath) || !existsSync(secretsPath))) {
  stop(`${dataDir} has a chain journal but not its demo.json and demo-secrets.json. Move the folder away, or set AIDTRAIL_DATA to a new one.`);
}

if (!firstStart && genesis === null) {
  stop(`${dataDir} holds a chain journal of an earlier version, which does not say when its chain began. Move the folder away, or set AIDTRAIL_DATA to a new one.`);
}

console.log(firstStart ? `starting a new demo in ${dataDir}: a county's year, seeded month by month` : `restarting the demo in ${dataDir}: replaying ${journal.length - 1} blocks`);
// A new demo's chain begins at 08:00 on the first of the month a year back (China Standard Time), and lives that year.
const firstPeriod = addMonths(periodAt(Math.floor(Date.now() / 1000)), -12);
const chain = await network.createServer(
  { network: "hardhat", override: { initialDate: new Date((firstStart ? startOf(firstPeriod) + 8 * 3600 : genesis!) * 1000) } },
  host,
  0,
);
const { port: chainPort } = await chain.listen();
const chainUrl = `http://${host}:${chainPort}`;
try {
  await replayJournal(chainUrl, journal);
} catch (error) {
  stop(`${(error as Error).message}. The journal in ${journalPath} does not rebuild the chain; move ${dataDir} away to start afresh.`);
}
if (firstStart) await beginJournal(chainUrl, journalPath);
const proxy = await journalingProxy(chainUrl, journalPath, host, Number(process.env.AIDTRAIL_RPC_PORT ?? 8545));

type Demo = {
  gatewayUrl: string;
  rpcUrl: string;
  chainId: number;
  contracts: Record<string, string | null>;
  jurisdictions: typeof DEMO_JURISDICTIONS;
  accounts: (DemoAccount & { keystore: string })[];
  keystorePassword: string;
  budgets: DemoBudget[];
  citizenReceipt: DemoReceipt & { url: string };
  note: string;
};
let accounts: DemoAccount[];
let budgets: DemoBudget[];
let citizenReceipt: DemoReceipt | null = null;
const provider = new JsonRpcProvider(proxy.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
if (firstStart) {
  const governance = new NonceManager(new Wallet(DEMO_GOVERNANCE_KEY, provider));
  const fiscalYears = [...new Set([Math.floor(firstPeriod / 100), Math.floor(periodAt(Math.floor(Date.now() / 1000)) / 100)])];
  const seeded = await seedDemo(governance, fiscalYears);
  accounts = seeded.accounts;
  budgets = seeded.budgets;
  writeFileSync(join(dataDir, "deployment.json"), JSON.stringify(seeded.deployment, null, 2) + "\n");
  const secrets = {
    note: "demo secrets, made for this folder: never use them for real data",
    masterKeys: { current: "demo-1", keys: { "demo-1": randomBytes(32).toString("base64") } },
    identityKey: randomBytes(32).toString("base64"),
  };
  writeFileSync(secretsPath, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
} else {
  const earlier = JSON.parse(readFileSync(demoPath, "utf8")) as Demo;
  ({ accounts, budgets, citizenReceipt } = earlier);
}
const secrets = JSON.parse(readFileSync(secretsPath, "utf8")) as { masterKeys: object; identityKey: string };
const divisionsPath = join(dataDir, "divisions.csv");
writeFileSync(divisionsPath, demoDivisionsCsv());

const config = loadConfig({
  AIDTRAIL_DATA: dataDir,
  AIDTRAIL_HOST: host,
  AIDTRAIL_PORT: process.env.AIDTRAIL_PORT ?? "8080",
  AIDTRAIL_RPC_URL: proxy.url,
  AIDTRAIL_CHAIN_ID: "31337",
  AIDTRAIL_JURISDICTION: DEMO_JURISDICTIONS.county.code,
  AIDTRAIL_MASTER_KEYS: JSON.stringify(secrets.masterKeys),
  AIDTRAIL_IDENTITY_KEY: secrets.identityKey,
  AIDTRAIL_OPERATOR_KEY: DEMO_OPERATOR_KEY,
  AIDTRAIL_DIVISIONS: divisionsPath,
  // The demo's chain lives a year from its past: records are dated by its clock (see LedgerClock).
  AIDTRAIL_CLOCK: "ledger",
  // The demo's scraper token is public, as its keys are; a real gateway's is a secret of its own.
  AIDTRAIL_METRICS_TOKEN: process.env.AIDTRAIL_METRICS_TOKEN ?? DEMO_METRICS_TOKEN,
});
// A data folder the gateway refuses (one of an earlier record format, say) is told in its words, with what to do.
const gateway = await startGateway(config, createLogger(process.env.AIDTRAIL_LOG_LEVEL ?? "warn")).catch((error: unknown) => {
  if (error instanceof AidtrailError) stop(`${error.message}${error.hint ? `: ${error.hint}` : ""}`);
  throw error;
});
if (firstStart) {
  const started = Date.now();
  citizenReceipt = await seedHistory({ gatewayUrl: gateway.url, chain: provider, caseRegistry: config.deployment.contracts.caseRegistry, accounts, budgets, progress: (line) => console.log(`  ${line}`) });
  // Anchored at once, not at the next minute: the banner's receipt is checked against the anchored root.
  await gateway.anchorer.anchorOnce();
  console.log(`a year seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
provider.destroy();
const keystores = await writeKeystores(join(dataDir, "keystores"), accounts);
const receiptUrl = `${gateway.url}/web/citizen.html#${encodeURIComponent(citizenReceipt!.qr)}`;

const demo: Demo = {
  gatewayUrl: gateway.url,
  rpcUrl: proxy.url,
  chainId: 31337,
  contracts: config.deployment.contracts,
  jurisdictions: DEMO_JURISDICTIONS,
  accounts: accounts.map((a) => ({ ...a, keystore: keystores[a.name]! })),
  keystorePassword: KEYSTORE_PASSWORD,
  budgets,
  citizenReceipt: { ...citizenReceipt!, url: receiptUrl },
  note: "DEMO KEYS ONLY: these private keys are public (Hardhat's development keys); never give them a role on a real chain",
};
writeFileSync(demoPath, JSON.stringify(demo, null, 2) + "\n");

const dibaoNow = budgets.filter((b) => b.programme === Programme.Dibao).at(-1)!;
const officerLines = demo.accounts.filter((a) => a.name !== "gateway operator").map((a) => `    ${a.name.padEnd(42)} ${a.keystore}`).join("\n");
console.log(`
aidtrail demo is running: 海珠区, a year of dibao, extreme-poverty support and temporary assistance
  pages       ${gateway.url}/web/   (intake, notice board, review and approval, finance, settlement, citizen, auditor, supervisor)
  gateway     ${gateway.url}          (API: ${gateway.url}/v1/openapi.json)
  chain       ${proxy.url}    (chain id 31337)
  demo.json   ${demoPath}    (demo keys only)

A citizen's receipt: a year of payments, on a phone or here
  ${receiptUrl}
  (case number ${citizenReceipt!.caseNumber}, code ${citizenReceipt!.code})

Sign in on the pages with an officer's keystore file, password "${KEYSTORE_PASSWORD}":
${officerLines}

From the command line, every step is the officer's own transaction, signed with their keystore:
  npx aidtrail sign-call <step> --gateway ${gateway.url} --rpc ${proxy.url} --keystore <file>   (object, revise, activate, pay, payout-run, …;
  every draft is checked against ${join(dataDir, "deployment.json")} and the chain before it is signed)
  This year's dibao budget is the county's allocation ${dibaoNow.allocationId} (海珠区); standards, set by the city:
  1,200 yuan a person a month urban, 900 rural. Demo only, to move past public notice or into the
  next month: npm run demo:advance -- 8   (days; the chain's clock moves, and a restart replays it)
  The gateway's operator holds LOG_OPERATOR only: it relays and anchors.
  npx aidtrail status --gateway ${gateway.url}
Stop with Ctrl-C; npm start again picks up where you left off.`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, async () => {
    await gateway.close();
    proxy.server.closeAllConnections();
    proxy.server.close();
    await chain.close();
    process.exit(0);
  });
}
