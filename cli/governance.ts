import { connect as contract, interfaceOf } from "../server/chain/contracts.ts";
import { readFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { getAddress, NonceManager } from "ethers";
import { ROLE_NAMES, type RoleName } from "../server/chain/domain.ts";
import { decodeRevert } from "../server/chain/reverts.ts";
import { roleId } from "../server/chain/roles.ts";
import { defaultLogId, readDeployment } from "../server/config.ts";
import { toAidtrailError } from "../server/chain/ledger-error.ts";
import { CliError } from "./gateway-client.ts";
import { openKeystore } from "./keystore.ts";
import { connect, deploymentOption, keystoreOption, rpcOption, run } from "./options.ts";

const ACCESS = interfaceOf("AidAccess");
const ANCHOR = interfaceOf("LogAnchor");

const role = (value: string): RoleName => {
  if (!(ROLE_NAMES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ROLE_NAMES.join(", ")}`);
  return value as RoleName;
};
const account = (value: string) => {
  try {
    return getAddress(value);
  } catch {
    throw new InvalidArgumentError("must be an account address, 0x and 40 hex digits");
  }
};

interface GovernanceOptions {
  rpc: string;
  deployment: string;
  keystore: string;
}

/**
 * A change of roles through governance. Where a council governs, the first member to ask proposes
 * it (and confirms it), each next member who asks for the same change confirms it, and the one who
 * brings it to the threshold executes it; where the deployer's key governs (local chains), it is
 * made at once.
 */
async function govern(options: GovernanceOptions, data: string, what: string, target: "aidAccess" | "logAnchor" = "aidAccess"): Promise<void> {
  const { provider, chainId } = await connect(options.rpc);
  try {
    const deployment = readDeployment(options.deployment, (path) => readFileSync(path, "utf8"), chainId);
    const key = await openKeystore(options.keystore);
    // Counted locally: a confirmation and an execution back to back would otherwise reuse a nonce
    // from the provider's short request cache.
    const member = new NonceManager(key.connect(provider));
    const say = (line: string): void => void process.stdout.write(line + "\n");
    try {
      if (!deployment.contracts.governanceCouncil) {
        if (getAddress(deployment.governance) !== key.address) {
          throw new CliError("GOVERNANCE_REQUIRED", `governance of this deployment is held by ${deployment.governance}, not by ${key.address}`, "sign with the governing key");
        }
        const receipt = await (await member.sendTransaction({ to: deployment.contracts[target], data })).wait();
        return say(`${what}: done in transaction ${receipt!.hash}`);
      }
      const council = contract("GovernanceCouncil", deployment.contracts.governanceCouncil, member);
      if (!(await council.isMember(key.address))) {
        throw new CliError("GOVERNANCE_REQUIRED", `${key.address} is not a member of the governance council ${deployment.contracts.governanceCouncil}`, "ask a council member to run this");
      }
      // The same change already proposed and not yet executed is confirmed, not proposed again.
      const executed = new Set((await council.queryFilter(council.filters.ProposalExecuted())).map((e) => e.args.proposalId));
      const open = (await council.queryFilter(council.filters.ProposalCreated())).find(
        (e) => getAddress(e.args.target) === getAddress(deployment.contracts[target]) && e.args.data === data && !executed.has(e.args.proposalId),
      );
      let proposalId: bigint;
      if (open) {
        proposalId = open.args.proposalId;
        if (await council.confirmedBy(proposalId, key.address)) say(`proposal ${proposalId}: you had confirmed it already`);
        else await (await council.confirm(proposalId)).wait();
      } else {
        const receipt = await (await council.propose(deployment.contracts[target], 0, data)).wait();
        proposalId = council.interface.parseLog(receipt!.logs.find((l) => l.address === deployment.contracts.governanceCouncil)!)!.args.proposalId as bigint;
      }
      const [count, threshold] = [await council.confirmations(proposalId), await council.threshold()];
      if (count < threshold) {
        return say(`${what}: proposal ${proposalId} has ${count} of ${threshold} confirmations; another council member runs the same command to confirm it`);
      }
      const receipt = await (await council.execute(proposalId)).wait();
      say(`${what}: proposal ${proposalId} confirmed by ${count} of ${threshold} and executed in transaction ${receipt!.hash}`);
    } catch (error) {
      if (decodeRevert(error)) throw toAidtrailError(error);
      throw error;
    }
  } finally {
    provider.destroy();
  }
}

const withChain = (command: Command) => command.addOption(rpcOption()).addOption(deploymentOption()).addOption(keystoreOption());

export const grantCommand = () =>
  withChain(
    new Command("grant")
      .argument("<role>", ROLE_NAMES.join(" | "), role)
      .argument("<account>", "the officer's account address", account)
      .requiredOption("--jurisdiction <code>", "the 12-digit division the role holds over", (value) => {
        if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("must be a 12-digit division code");
        return value;
      }),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail grant APPROVER 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --jurisdiction 440105000000 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(
      run(async (name: RoleName, who: string, options: GovernanceOptions & { jurisdiction: string }) =>
        govern(options, ACCESS.encodeFunctionData("grantScopedRole", [roleId(name), who, BigInt(options.jurisdiction)]), `grant ${name} to ${who} over ${options.jurisdiction}`),
      ),
    );

export const revokeCommand = () =>
  withChain(
    new Command("revoke")
      .argument("<role>", ROLE_NAMES.join(" | "), role)
      .argument("<account>", "the officer's account address", account),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail revoke APPROVER 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(run(async (name: RoleName, who: string, options: GovernanceOptions) => govern(options, ACCESS.encodeFunctionData("revokeRole", [roleId(name), who]), `revoke ${name} from ${who}`)));

export const registerLogCommand = () =>
  withChain(
    new Command("register-log")
      .argument("<jurisdiction>", "the 12-digit division code whose gateway keeps the log", (value) => {
        if (!/^\d{12}$/.test(value)) throw new InvalidArgumentError("must be a 12-digit division code");
        return value;
      })
      .option("--log-id <id>", "the log's id, as the gateway's AIDTRAIL_LOG_ID sets it (default: the gateway's own default for the jurisdiction)", (value) => {
        if (!/^0x[0-9a-f]{64}$/.test(value)) throw new InvalidArgumentError("must be 0x and 64 lower-case hex digits");
        return value;
      }),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail register-log 440105000000 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(
      run(async (jurisdiction: string, options: GovernanceOptions & { logId?: string }) => {
        const logId = options.logId ?? defaultLogId(jurisdiction);
        await govern(options, ANCHOR.encodeFunctionData("registerLog", [logId, BigInt(jurisdiction)]), `register log ${logId} for ${jurisdiction}`, "logAnchor");
      }),
    );
