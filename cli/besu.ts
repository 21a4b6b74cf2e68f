import { readFileSync, writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { readDeployment } from "../server/config.ts";
import { CliError } from "./gateway-client.ts";
import { connect, deploymentOption, rpcOption, run } from "./options.ts";

/*
 * The files a province's Besu QBFT network starts from (docs/deploy-besu.md): `genesis` before the
 * chain exists, `allowlist` from the deployment on it after every change of roles.
 */

const addresses = (value: string) =>
  value.split(",").map((a) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(a.trim())) throw new InvalidArgumentError(`"${a}" is not an address`);
    return a.trim();
  });

/** The enode URLs of a file, one a line (`besu public-key export` and the node's host and port); # starts a comment. */
function enodes(file: string): string[] {
  const lines = readFileSync(file, "utf8").split("\n").map((l) => l.replace(/#.*/, "").trim()).filter(Boolean);
  const bad = lines.find((l) => !/^enode:\/\/[0-9a-f]{128}@[^:\s]+:\d+$/.test(l));
  if (bad) throw new CliError("REQUEST_INVALID", `${file}: "${bad}" is not an enode URL (enode://<128 hex digits>@<host>:<port>)`, "list each node's enode URL on a line of its own");
  return lines;
}

const genesis = () =>
  new Command("genesis")
    .description("write the genesis of a province's QBFT chain: its validators, Berlin, free gas, a block every 2 seconds")
    .requiredOption("--validators <addresses>", "the four (or more) validators' addresses, comma-separated: each node's key, made on its own machine", addresses)
    .requiredOption("--chain-id <id>", "the chain's id", (value) => {
      if (!/^[1-9]\d{0,9}$/.test(value)) throw new InvalidArgumentError("must be a whole number from 1");
      return Number(value);
    })
    .option("--out <file>", "where to write it", "genesis.json")
    .action(
      run(async (options: { validators: string[]; chainId: number; out: string }) => {
        const { qbftGenesis } = await import("../server/chain/besu.ts");
        if (options.validators.length < 4) throw new CliError("REQUEST_INVALID", `QBFT needs at least 4 validators to tolerate one that fails; ${options.validators.length} given`, "give four validators' addresses with --validators");
        writeFileSync(options.out, JSON.stringify(qbftGenesis({ chainId: options.chainId, validators: options.validators }), null, 2) + "\n");
        process.stdout.write(`wrote ${options.out}: chain ${options.chainId}, ${options.validators.length} validators, a block every 2 s, Berlin, free gas\n`);
      }),
    );

const allowlist = () =>
  new Command("allowlist")
    .description("write Besu's permissions_config.toml from the deployment on chain: the deployer, the council, every account that holds a role, and the nodes")
    .addOption(rpcOption())
    .addOption(deploymentOption())
    .requiredOption("--enodes <file>", "the network's nodes, an enode URL a line")
    .option("--out <file>", "where to write it", "permissions_config.toml")
    .action(
      run(async (options: { rpc: string; deployment: string; enodes: string; out: string }) => {
        const nodes = enodes(options.enodes);
        const { permittedAccounts, permissionsToml } = await import("../server/chain/besu.ts");
        const { provider, chainId } = await connect(options.rpc);
        try {
          const deployment = readDeployment(options.deployment, (path) => readFileSync(path, "utf8"), chainId);
          const accounts = await permittedAccounts(provider, deployment);
          writeFileSync(options.out, permissionsToml(accounts, nodes));
          process.stdout.write(`wrote ${options.out}: ${accounts.length} accounts, ${nodes.length} nodes; reload it on every node (perm_reloadPermissionsFromFile)\n`);
        } finally {
          provider.destroy();
        }
      }),
    );

export const besuCommand = () => new Command("besu").addCommand(genesis()).addCommand(allowlist());
