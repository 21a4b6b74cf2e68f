import { connect as contract, interfaceOf } from "../server/chain/contracts.ts";
import { readFileSync } from "node:fs";
import { getAddress, NonceManager } from "ethers";
import type { RoleName } from "../server/chain/domain.ts";
import { decodeRevert } from "../server/chain/reverts.ts";
import { roleId } from "../server/chain/roles.ts";
import { defaultLogId, readDeployment } from "../server/config.ts";
import { toAidtrailError } from "../server/chain/ledger-error.ts";
import { CliError } from "./gateway-client.ts";
import { openKeystore } from "./keystore.ts";
import { connect } from "./options.ts";

const ACCESS = interfaceOf("AidAccess");
const ANCHOR = interfaceOf("LogAnchor");

export interface GovernanceOptions {
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

/** An account as given, checksummed: a mixed-case address whose checksum is wrong is refused. */
function checksummed(who: string): string {
  try {
    return getAddress(who);
  } catch {
    throw new CliError("REQUEST_INVALID", `${who} is not an account address: its checksum is wrong`, "copy the address as the officer's wallet shows it, or write it in lower case");
  }
}

/** Grants role `name` to `who` over `jurisdiction`, through governance. */
export async function grant(name: RoleName, who: string, options: GovernanceOptions & { jurisdiction: string }): Promise<void> {
  const account = checksummed(who);
  await govern(options, ACCESS.encodeFunctionData("grantScopedRole", [roleId(name), account, BigInt(options.jurisdiction)]), `grant ${name} to ${account} over ${options.jurisdiction}`);
}

/** Revokes role `name` from `who`, through governance. */
export async function revoke(name: RoleName, who: string, options: GovernanceOptions): Promise<void> {
  const account = checksummed(who);
  await govern(options, ACCESS.encodeFunctionData("revokeRole", [roleId(name), account]), `revoke ${name} from ${account}`);
}

/** Registers a county gateway's record log for `jurisdiction` on the log anchor, through governance. */
export async function registerLog(jurisdiction: string, options: GovernanceOptions & { logId?: string }): Promise<void> {
  const logId = options.logId ?? defaultLogId(jurisdiction);
  await govern(options, ANCHOR.encodeFunctionData("registerLog", [logId, BigInt(jurisdiction)]), `register log ${logId} for ${jurisdiction}`, "logAnchor");
}
