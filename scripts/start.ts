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
import { DEMO_GOVERNANCE_KEY, DEMO_JURISDICTIONS, DEMO_METRICS_TOKEN, DEMO_OPERATOR_KEY, demoDivisionsCsv, seedDemo, type DemoAccount } from "../demo/seed.ts";
import { startGateway } from "../server/gateway.ts";
import { createLogger } from "../server/logger.ts";

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

console.log(firstStart ? `starting a new demo in ${dataDir}` : `restarting the demo in ${dataDir}: replaying ${journal.length - 1} blocks`);
const chain = await network.createServer(
  { network: "hardhat", override: firstStart ? {} : { initialDate: new Date(genesis! * 1000) } },
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

type Demo = { gatewayUrl: string; rpcUrl: string; chainId: number; contracts: Record<string, string | null>; jurisdictions: typeof DEMO_JURISDICTIONS; accounts: DemoAccount[]; note: string };
let accounts: DemoAccount[];
if (firstStart) {
  const provider = new JsonRpcProvider(proxy.url, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const governance = new NonceManager(new Wallet(DEMO_GOVERNANCE_KEY, provider));
  const seeded = await seedDemo(governance);
  provider.destroy();
  accounts = seeded.accounts;
  writeFileSync(join(dataDir, "deployment.json"), JSON.stringify(seeded.deployment, null, 2) + "\n");
  const secrets = {
    note: "demo secrets, made for this folder: never use them for real data",
    masterKeys: { current: "demo-1", keys: { "demo-1": randomBytes(32).toString("base64") } },
    identityKey: randomBytes(32).toString("base64"),
  };
  writeFileSync(secretsPath, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
} else {
  accounts = (JSON.parse(readFileSync(demoPath, "utf8")) as Demo).accounts;
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
  // The demo's scraper token is public, as its keys are; a real gateway's is a secret of its own.
  AIDTRAIL_METRICS_TOKEN: process.env.AIDTRAIL_METRICS_TOKEN ?? DEMO_METRICS_TOKEN,
});
const gateway = await startGateway(config, createLogger(process.env.AIDTRAIL_LOG_LEVEL ?? "warn"));

const demo: Demo = {
  gatewayUrl: gateway.url,
  rpcUrl: proxy.url,
  chainId: 31337,
  contracts: config.deployment.contracts,
  jurisdictions: DEMO_JURISDICTIONS,
  accounts,
  note: "DEMO KEYS ONLY: these private keys are public (Hardhat's development keys); never give them a role on a real chain",
};
writeFileSync(demoPath, JSON.stringify(demo, null, 2) + "\n");

console.log(`
aidtrail demo is running
  gateway     ${gateway.url}          (API: ${gateway.url}/v1/openapi.json)
  chain       ${proxy.url}    (chain id 31337)
  accounts    ${demoPath}    (demo keys only)
  pages       ${gateway.url}/web/   (intake, notice board, review and approval, finance, settlement, citizen, auditor, supervisor)

Try, in the browser: an officer's keystore from their key in demo.json (its password from the environment),
  AIDTRAIL_KEYSTORE_PASSWORD=demo npx aidtrail keystore caseworker.json --demo-account caseworker
  then ${gateway.url}/web/intake.html: sign in with it (password: demo), take a case in, print its receipt;
  its QR code opens the case at ${gateway.url}/web/citizen.html. Reviewer and approvers decide it at
  ${gateway.url}/web/decisions.html, each with their own keystore ("reviewer", "county approver 1", "county approver 2").
Or from the command line:
  curl ${gateway.url}/readyz
  Every other step is the officer's own transaction, signed with their key from demo.json: with a keystore,
  npx aidtrail sign-call <step> --gateway ${gateway.url} --rpc ${proxy.url} --keystore <file>   (object, revise, activate, pay, payout-run, …;
  every draft is checked against ${join(dataDir, "deployment.json")} and the chain before it is signed)
  The budget to pay from is the county's allocation 3 (海珠区); dibao standards, set by the city:
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
