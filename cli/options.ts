import { createInterface } from "node:readline/promises";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Option } from "commander";
import type { JsonRpcProvider } from "ethers";
import { CliError } from "./gateway-client.ts";
import { AidtrailError } from "../kit/errors.ts";

/** Options the commands share, each also read from the environment the gateway is configured by. */
export const gatewayOption = () => new Option("--gateway <url>", "the gateway's URL").env("AIDTRAIL_GATEWAY_URL").makeOptionMandatory();
export const keystoreOption = () =>
  new Option("--keystore <file>", "your ethers JSON keystore; its password from AIDTRAIL_KEYSTORE_PASSWORD(_FILE)").env("AIDTRAIL_KEYSTORE").makeOptionMandatory();
export const rpcOption = () => new Option("--rpc <url>", "a JSON-RPC endpoint of the chain").env("AIDTRAIL_RPC_URL").makeOptionMandatory();
export const deploymentOption = () =>
  new Option("--deployment <file>", "the deployment file `aidtrail deploy` wrote").env("AIDTRAIL_DEPLOYMENT").default(join(process.env.AIDTRAIL_DATA ?? ".aidtrail", "deployment.json"), "$AIDTRAIL_DATA/deployment.json");

/**
 * A secret as the gateway reads its own: from the file `NAME_FILE` names when it is set (its
 * trailing newline dropped), else from `NAME`; never from a flag, where it would stay in the
 * shell's history.
 */
export function secretFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env[`${name}_FILE`];
  if (file === undefined) return env[name];
  try {
    return readFileSync(file, "utf8").trimEnd();
  } catch (error) {
    throw new CliError("SECRET_UNREADABLE", `cannot read ${name}_FILE ${file}: ${(error as Error).message}`, `point ${name}_FILE at the file holding it`);
  }
}

/** A provider for `rpc` that answered, with its chain id; an endpoint that does not answer is a CliError. */
export async function connect(rpc: string): Promise<{ provider: JsonRpcProvider; chainId: number }> {
  // ethers is loaded when a command needs the chain, not for its --help (see bench/cli-startup.ts).
  const { JsonRpcProvider } = await import("ethers");
  const provider = new JsonRpcProvider(rpc, undefined, { staticNetwork: true });
  try {
    return { provider, chainId: Number((await provider.getNetwork()).chainId) };
  } catch (error) {
    provider.destroy();
    throw new CliError("CHAIN_UNREACHABLE", `cannot reach the chain at ${rpc}: ${(error as Error).message.split("\n")[0]}`, "give the URL of a node of the network with --rpc (or AIDTRAIL_RPC_URL)");
  }
}

/**
 * Runs a command's action; a typed error (the command's own, or a configuration or ledger error)
 * is printed with what to do, and ends the command with exit code 2 (1 is kept for "checked, and
 * it failed").
 */
export function run<A extends unknown[]>(action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args) => {
    try {
      await action(...args);
    } catch (error) {
      if (!(error instanceof AidtrailError)) throw error;
      // Chinese first where the error has it, then English.
      const zh = error.details.zh;
      if (zh) process.stderr.write(`aidtrail: ${zh.message}\n${zh.hint ? `  ${zh.hint}\n` : ""}`);
      process.stderr.write(`aidtrail: ${error.message}\n${error.hint ? `  ${error.hint}\n` : ""}`);
      process.exitCode = 2;
    }
  };
}

/** Asks on the terminal before anything is signed; with no terminal, refuses (scripts pass --yes). */
export async function confirmed(): Promise<boolean> {
  if (!process.stdin.isTTY) throw new CliError("NOT_SIGNED", "nothing was signed: there is no terminal to confirm on", "pass --yes to sign from a script");
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await prompt.question("Sign this? [y/N] ");
  prompt.close();
  return /^y(es)?$/i.test(answer.trim());
}
