import { writeFileSync } from "node:fs";
import { Command, InvalidArgumentError, Option } from "commander";
import { SUITES, type Suite } from "../kit/record.ts";
import { CliError } from "./gateway-client.ts";
import { connect, rpcOption, run, secretFromEnv } from "./options.ts";

/**
 * The deployer's key: from a keystore, or from AIDTRAIL_DEPLOYER_KEY or AIDTRAIL_DEPLOYER_KEY_FILE
 * (`secretFromEnv`).
 */
async function deployerKey(keystore: string | undefined): Promise<string> {
  if (keystore) return (await (await import("./keystore.ts")).openKeystore(keystore)).privateKey;
  const key = (secretFromEnv("AIDTRAIL_DEPLOYER_KEY") ?? "").trim();
  if (!/^(0x)?[0-9a-fA-F]{64}$/.test(key)) {
    throw new CliError("DEPLOYER_KEY_MISSING", "no deployer key", "pass --keystore, or set AIDTRAIL_DEPLOYER_KEY (or AIDTRAIL_DEPLOYER_KEY_FILE) to a 32-byte hex private key");
  }
  return key;
}

/** The council's members as given; their checksums are checked when the deployment runs (see deployCommand). */
const members = (value: string) =>
  value.split(",").map((m) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(m.trim())) throw new InvalidArgumentError(`council member "${m}" is not an address`);
    return m.trim();
  });

export const deployCommand = () =>
  new Command("deploy")
    .addOption(rpcOption())
    .option("--keystore <file>", "the deployer's JSON keystore (or AIDTRAIL_DEPLOYER_KEY / AIDTRAIL_DEPLOYER_KEY_FILE)")
    .option("--council <addresses>", "comma-separated members of an M-of-N council to hold governance", members)
    .option("--threshold <m>", "confirmations the council needs", (value) => {
      if (!/^[1-9]\d*$/.test(value)) throw new InvalidArgumentError("must be a whole number from 1");
      return Number(value);
    })
    .option("--chain-id <id>", "refuse to deploy unless the endpoint serves this chain")
    .addOption(new Option("--suite <suite>", "the cryptography of every gateway of the deployment, chosen once (docs/cryptography.md)").choices(SUITES).default("standard"))
    .option("--out <file>", "where to write the deployment file", "deployment.json")
    .addHelpText("after", "\nExample:\n  AIDTRAIL_DEPLOYER_KEY_FILE=deployer.key npx aidtrail deploy --rpc http://127.0.0.1:8545 --council 0xA…,0xB…,0xC… --threshold 2 --chain-id 1337\n")
    .action(
      run(async (options: { rpc: string; keystore?: string; council?: string[]; threshold?: number; chainId?: string; suite: Suite; out: string }) => {
        if (options.threshold !== undefined && !options.council) throw new CliError("REQUEST_INVALID", "--threshold needs --council", "name the council's members with --council");
        if (options.council && (options.threshold === undefined || options.threshold > options.council.length)) {
          throw new CliError("REQUEST_INVALID", `--threshold must be a whole number from 1 to ${options.council.length}, the number of council members`, "give --threshold M with M of the --council members");
        }
        // ethers and the contracts are loaded to deploy, not for --help.
        const [{ getAddress, NonceManager, Wallet }, { deployAidtrail }] = await Promise.all([import("ethers"), import("../server/chain/deploy.ts")]);
        const councilMembers = options.council?.map((m) => {
          try {
            return getAddress(m);
          } catch {
            throw new CliError("REQUEST_INVALID", `council member "${m}" is not an address: its checksum is wrong`, "copy the address as the member's wallet shows it, or write it in lower case");
          }
        });
        const key = await deployerKey(options.keystore);
        const { provider, chainId } = await connect(options.rpc);
        try {
          if (options.chainId !== undefined && Number(options.chainId) !== chainId) {
            throw new CliError("REQUEST_INVALID", `the endpoint serves chain ${chainId}, not ${options.chainId}`, "check --rpc");
          }
          // The nonce manager counts nonces locally: asking the node between back-to-back deployments
          // can return a stale count from the provider's short request cache.
          const deployer = new NonceManager(new Wallet(key, provider));
          const council = councilMembers ? { members: councilMembers, threshold: options.threshold! } : undefined;
          const { deployment } = await deployAidtrail(deployer, { council, suite: options.suite }).catch((error: { shortMessage?: string; message: string }) => {
            throw new CliError("DEPLOYMENT_FAILED", `deployment failed: ${error.shortMessage ?? error.message}`, "check the deployer account's balance and the chain");
          });
          writeFileSync(options.out, JSON.stringify(deployment, null, 2) + "\n");
          process.stdout.write(`deployed aidtrail to chain ${deployment.chainId} at block ${deployment.deploymentBlock}, its gateways of the ${deployment.suite} cryptographic suite; wrote ${options.out}\n`);
          if (!council) process.stdout.write("governance is held by the deployer key: for local and test chains only; pass --council for a real one\n");
        } finally {
          provider.destroy();
        }
      }),
    );
