import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { JsonRpcProvider } from "ethers";

/**
 * anvil (Foundry's node, from npm): an EVM node independent of Hardhat's simulator, run as its
 * own process with the permissioned chain's fork (Berlin) and the same well-known development
 * accounts. It mines at once while a test sets its ledger up, then, told to, a block every two
 * seconds, as QBFT does: what a gateway meets on a real chain.
 */
export interface Anvil {
  rpcUrl: string;
  /** From now on a block every `seconds`, not one a transaction. */
  mineEvery(seconds: number): Promise<void>;
  /** From now on a block for each transaction, at once (anvil's default). */
  mineAtOnce(): Promise<void>;
  /** From now on a block only when evm_mine asks for one. */
  mineWhenTold(): Promise<void>;
  close(): Promise<void>;
}

const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };

/** The native binary of the installed @foundry-rs/anvil, for this machine. */
function binary(): string {
  const platform = `@foundry-rs/anvil-${process.platform}-${ARCH[process.arch] ?? process.arch}`;
  return join(dirname(createRequire(import.meta.url).resolve(`${platform}/package.json`)), "bin", "anvil");
}

export async function startAnvil(): Promise<Anvil> {
  const node = spawn(binary(), ["--hardfork", "berlin", "--port", "0", "--chain-id", "31337", "--accounts", "20"], { stdio: ["ignore", "pipe", "pipe"] });
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    let said = "";
    node.stdout.on("data", (chunk: Buffer) => {
      said += chunk.toString("utf8");
      const listening = /Listening on (127\.0\.0\.1:\d+)/.exec(said);
      if (listening) resolve(`http://${listening[1]}`);
    });
    node.once("exit", (code) => reject(new Error(`anvil exited with ${code} before it listened: ${said}`)));
    node.once("error", reject);
  });
  const send = async (calls: [string, unknown[]][]) => {
    const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
    for (const [method, params] of calls) await provider.send(method, params);
    provider.destroy();
  };
  // Its output is read on, so that a full pipe never stops it.
  node.stdout.resume();
  node.stderr.resume();
  return {
    rpcUrl,
    async mineEvery(seconds) {
      await send([["evm_setAutomine", [false]], ["evm_setIntervalMining", [seconds]]]);
    },
    async mineAtOnce() {
      await send([["evm_setIntervalMining", [0]], ["evm_setAutomine", [true]]]);
    },
    async mineWhenTold() {
      await send([["evm_setIntervalMining", [0]], ["evm_setAutomine", [false]]]);
    },
    async close() {
      if (node.exitCode !== null) return;
      const exited = new Promise((resolve) => node.once("exit", resolve));
      node.kill("SIGTERM");
      await exited;
    },
  };
}
