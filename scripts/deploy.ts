/**
 * Deploys the aidtrail contracts to any JSON-RPC endpoint and writes the deployment file the
 * gateway and the command line read.
 *
 *   AIDTRAIL_DEPLOYER_KEY=0x... npx tsx scripts/deploy.ts --rpc http://127.0.0.1:8545 \
 *     [--council 0xA,0xB,0xC --threshold 2] [--chain-id 1337] [--out deployment.json]
 *
 * The deployer key comes from AIDTRAIL_DEPLOYER_KEY or from the file named by --key-file, never
 * from the command line, where it would stay in the shell history.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { getAddress, JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { deployAidtrail } from "../server/chain/deploy.ts";

const USAGE = `usage: deploy.ts --rpc URL [--council ADDR,ADDR,... --threshold M] [--chain-id N] [--out FILE] [--key-file FILE]
example: AIDTRAIL_DEPLOYER_KEY=0x... npx tsx scripts/deploy.ts --rpc http://127.0.0.1:8545 --council 0xA,0xB,0xC --threshold 2`;

function fail(message: string): never {
  console.error(`deploy: ${message}\n${USAGE}`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        rpc: { type: "string" },
        council: { type: "string" },
        threshold: { type: "string" },
        "chain-id": { type: "string" },
        out: { type: "string", default: "deployment.json" },
        "key-file": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
})();
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!values.rpc) fail("--rpc is required: the JSON-RPC URL of the chain to deploy to");

const key = (values["key-file"] ? readFileSync(values["key-file"], "utf8") : process.env.AIDTRAIL_DEPLOYER_KEY ?? "").trim();
if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
  fail("no deployer key: set AIDTRAIL_DEPLOYER_KEY or --key-file to a 32-byte hex private key");
}

let council: { members: string[]; threshold: number } | undefined;
if (values.council !== undefined) {
  const members = values.council.split(",").map((m) => {
    try {
      return getAddress(m.trim());
    } catch {
      fail(`--council member "${m}" is not an address`);
    }
  });
  const threshold = Number(values.threshold);
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > members.length) {
    fail(`--threshold must be a whole number from 1 to ${members.length}, the number of council members`);
  }
  council = { members, threshold };
} else if (values.threshold !== undefined) {
  fail("--threshold needs --council");
}

const provider = new JsonRpcProvider(values.rpc, undefined, { staticNetwork: true });
let chainId: bigint;
try {
  chainId = (await provider.getNetwork()).chainId;
} catch (error) {
  fail(`cannot reach ${values.rpc}: ${(error as Error).message}`);
}
if (values["chain-id"] !== undefined && BigInt(values["chain-id"]) !== chainId) {
  fail(`the endpoint serves chain ${chainId}, not ${values["chain-id"]}: check --rpc`);
}

// The nonce manager counts nonces locally: asking the node between back-to-back deployments can
// return a stale count from the provider's short request cache.
const deployer = new NonceManager(new Wallet(key, provider));
const { deployment } = await deployAidtrail(deployer, { council }).catch((error: { shortMessage?: string; message: string }) =>
  fail(`deployment failed: ${error.shortMessage ?? error.message}`),
);
writeFileSync(values.out, JSON.stringify(deployment, null, 2) + "\n");
console.log(`deployed aidtrail to chain ${deployment.chainId} at block ${deployment.deploymentBlock}; wrote ${values.out}`);
if (!council) console.log("governance is held by the deployer key: for local and test chains only; pass --council for a real one");
provider.destroy();
