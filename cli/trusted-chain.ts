import { readFileSync } from "node:fs";
import { getAddress, type JsonRpcProvider, type TypedDataDomain } from "ethers";
import { readDeployment } from "../server/config.ts";
import type { Deployment } from "../server/chain/deploy.ts";
import { decisionDomain } from "../kit/decision.ts";
import { CliError } from "./gateway-client.ts";
import { connect } from "./options.ts";

/**
 * What an officer's tools hold a gateway's draft to before anything is signed: the deployment
 * file the officer was issued and trusts, and the chain itself, never the gateway's word. A
 * dishonest gateway could otherwise send the officer's exact call to another contract or chain
 * where the same key holds a role, or hand over a transaction the chain cannot take.
 */
export interface TrustedChain {
  chainId: number;
  deployment: Deployment;
  provider: JsonRpcProvider;
}

/** A transaction as a gateway drafts it (ethers' populated fields, numbers as strings or numbers). */
export interface DraftTransaction {
  from: string;
  to: string;
  data: string;
  chainId: string | number;
  nonce: number | string;
  value?: string | number | null;
  type?: number | null;
  gasLimit?: string | number | null;
}

export async function trustedChain(options: { rpc: string; deployment: string }): Promise<TrustedChain> {
  const { provider, chainId } = await connect(options.rpc);
  try {
    return { chainId, provider, deployment: readDeployment(options.deployment, (path) => readFileSync(path, "utf8"), chainId) };
  } catch (error) {
    provider.destroy();
    throw new CliError("DEPLOYMENT_UNTRUSTED", `${(error as Error).message}; nothing was signed`, "give the deployment file your office issued for this chain with --deployment (or AIDTRAIL_DEPLOYMENT)");
  }
}

/** Refuses to sign, saying why: what a gateway handed over is not what the officer asked for. */
export const refuse = (why: string): never => {
  throw new CliError("PAYLOAD_UNEXPECTED", `${why}; nothing was signed`, "report this gateway to your supervisor");
};

/**
 * Refuses a drafted transaction that is not for this chain, not to `contract` of the trusted
 * deployment, carries value, is of a type the chain does not take, has another nonce than
 * `nonce` (the account's next when not given) or more gas than a block holds.
 */
export async function checkTransaction(chain: TrustedChain, transaction: DraftTransaction, contract: "caseRegistry" | "fundLedger", nonce?: number): Promise<void> {
  const expectedTo = chain.deployment.contracts[contract];
  if (Number(transaction.chainId) !== chain.chainId) refuse(`the transaction is for chain ${transaction.chainId}, not chain ${chain.chainId} of your deployment`);
  if (!transaction.to || getAddress(transaction.to) !== getAddress(expectedTo)) refuse(`the transaction goes to ${transaction.to}, not to your deployment's ${contract} ${expectedTo}`);
  if (BigInt(transaction.value ?? 0) !== 0n) refuse(`the transaction would send ${transaction.value} wei; an officer's step sends none`);
  const latest = await chain.provider.getBlock("latest");
  const type = Number(transaction.type ?? 0);
  if (![0, 1, 2].includes(type) || (type === 2 && latest?.baseFeePerGas == null)) refuse(`the transaction is of type ${type}, which this chain does not take`);
  const next = nonce ?? (await chain.provider.getTransactionCount(transaction.from, "pending"));
  if (Number(transaction.nonce) !== next) {
    refuse(`the transaction has nonce ${transaction.nonce}, but your account's next is ${next} (another of your transactions may have gone out since the draft: run the step again)`);
  }
  if (latest && BigInt(transaction.gasLimit ?? 0) > latest.gasLimit) refuse(`the transaction asks for ${transaction.gasLimit} gas, more than a block holds (${latest.gasLimit})`);
}

/** Refuses a decision's EIP-712 domain that is not this deployment's case registry on this chain. */
export function checkDecisionDomain(chain: TrustedChain, domain: TypedDataDomain): void {
  const expected = decisionDomain(chain.chainId, chain.deployment.contracts.caseRegistry);
  const same =
    domain.name === expected.name &&
    domain.version === expected.version &&
    Number(domain.chainId) === chain.chainId &&
    typeof domain.verifyingContract === "string" &&
    getAddress(domain.verifyingContract) === getAddress(String(expected.verifyingContract)) &&
    domain.salt === undefined;
  if (!same) {
    refuse(`the decision is for ${domain.name} ${domain.version} on chain ${domain.chainId} at ${domain.verifyingContract}, not for your deployment's case registry ${expected.verifyingContract} on chain ${chain.chainId}`);
  }
}
