import { Option } from "commander";
import { CliError } from "./gateway-client.ts";

/** Options the commands share, each also read from the environment the gateway is configured by. */
export const gatewayOption = () => new Option("--gateway <url>", "the gateway's URL").env("AIDTRAIL_GATEWAY_URL").makeOptionMandatory();
export const keystoreOption = () =>
  new Option("--keystore <file>", "your ethers JSON keystore; its password from AIDTRAIL_KEYSTORE_PASSWORD(_FILE)").env("AIDTRAIL_KEYSTORE").makeOptionMandatory();
export const rpcOption = () => new Option("--rpc <url>", "a JSON-RPC endpoint of the chain").env("AIDTRAIL_RPC_URL").makeOptionMandatory();

/**
 * Runs a command's action; a CliError is printed with what to do, and ends the command with exit
 * code 2 (1 is kept for "checked, and it failed").
 */
export function run<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      process.stderr.write(`aidtrail: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ""}`);
      process.exitCode = 2;
    }
  };
}
