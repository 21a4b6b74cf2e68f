import { AidtrailError } from "../../kit/errors.ts";
import type { Deployment } from "./deploy.ts";
import { NodeJsonRpcProvider } from "./rpc-provider.ts";

/** What the chain client is connected with: the gateway's settings for its chain. */
export interface ChainSettings {
  rpcUrl: string;
  chainId: number;
  deployment: Deployment;
  operatorKey: string;
  /** The gateway's clock follows the ledger's behind the wall clock too (see LedgerClock): a demo chain that begins in the past. */
  followsLedgerClock?: boolean;
}

export const settingInvalid = (field: keyof ChainSettings, message: string, cause?: unknown) => new AidtrailError("CHAIN_SETTING_INVALID", message, { field, kind: "invalid" }, cause);

/**
 * A provider for the settings' endpoint, once it is checked to serve the configured chain and the
 * deployment's contracts; a setting that does not hold is a CHAIN_SETTING_INVALID naming it
 * (`field`).
 */
export async function openConnection(settings: ChainSettings): Promise<{ provider: NodeJsonRpcProvider; chainId: bigint }> {
  // ethers holds each call a while by default to batch it with others; every intake makes two
  // calls (role check, dry run) in sequence, so a shorter stall answers intake sooner and takes
  // more cases a second (docs/performance.md).
  // A mined transaction is looked for every quarter second, not ethers' four: on a chain that mines
  // a block a second or two, an anchoring otherwise waited up to four seconds more for its receipt.
  const provider = new NodeJsonRpcProvider(settings.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1, batchStallTime: 1, pollingInterval: 250 });
  try {
    let chainId: bigint;
    try {
      chainId = BigInt(await provider.send("eth_chainId", []));
    } catch (error) {
      throw settingInvalid("rpcUrl", `cannot reach ${settings.rpcUrl}: ${(error as Error).message}`, error);
    }
    if (chainId !== BigInt(settings.chainId)) throw settingInvalid("chainId", `is ${settings.chainId}, but ${settings.rpcUrl} serves chain ${chainId}`);
    const missing: string[] = [];
    for (const [name, address] of Object.entries(settings.deployment.contracts)) {
      if (address && (await provider.getCode(address)) === "0x") missing.push(`${name} (${address})`);
    }
    if (missing.length > 0) throw settingInvalid("deployment", `names contracts the chain does not have: ${missing.join(", ")}`);
    return { provider, chainId };
  } catch (error) {
    provider.destroy();
    throw error;
  }
}
