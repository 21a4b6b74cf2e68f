import { Command, InvalidArgumentError } from "commander";
import { ROLE_NAMES, type RoleName } from "../server/chain/domain.ts";
import type { GovernanceOptions } from "./governance-steps.ts";
import { deploymentOption, keystoreOption, rpcOption, run } from "./options.ts";

/** The governance steps, and ethers and the contracts with them, loaded to take a step, not for --help. */
const steps = () => import("./governance-steps.ts");

const role = (value: string): RoleName => {
  if (!(ROLE_NAMES as readonly string[]).includes(value)) throw new InvalidArgumentError(`must be one of ${ROLE_NAMES.join(", ")}`);
  return value as RoleName;
};
const account = (value: string) => {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new InvalidArgumentError("must be an account address, 0x and 40 hex digits");
  return value;
};

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
      run(async (name: RoleName, who: string, options: GovernanceOptions & { jurisdiction: string }) => (await steps()).grant(name, who, options)),
    );

export const revokeCommand = () =>
  withChain(
    new Command("revoke")
      .argument("<role>", ROLE_NAMES.join(" | "), role)
      .argument("<account>", "the officer's account address", account),
  )
    .addHelpText("after", "\nExample:\n  npx aidtrail revoke APPROVER 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --rpc http://127.0.0.1:8545 --keystore council-member.json\n")
    .action(run(async (name: RoleName, who: string, options: GovernanceOptions) => (await steps()).revoke(name, who, options)));

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
      run(async (jurisdiction: string, options: GovernanceOptions & { logId?: string }) => (await steps()).registerLog(jurisdiction, options)),
    );
