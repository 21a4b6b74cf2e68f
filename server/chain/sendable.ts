import type { Block, Transaction } from "ethers";
import { AidtrailError } from "../../kit/errors.ts";

/**
 * Why the chain cannot take an officer's signed transaction now, by what no retry cures: a nonce
 * ahead of the account's next (it would wait for a gap only the officer can fill, and hold every
 * later ledger step of the gateway behind it), a type the chain does not take, more gas than a
 * block holds. Null when it can be sent. `next` is the account's next nonce, `latest` the chain's
 * latest block. The gateway refuses such a relay before logging anything; the relayer fails one
 * it owes from before (relayed while the chain was down) rather than retry it.
 */
export function unsendable(transaction: Transaction, next: number, latest: Block): AidtrailError | null {
  if (transaction.nonce > next) {
    return new AidtrailError("SIGNED_CALL_NONCE_AHEAD", `the transaction has nonce ${transaction.nonce}, but the account's next is ${next}: it would wait until nonces ${next} to ${transaction.nonce - 1} are used`, {
      hint: "ask for a new draft (it takes your account's next nonce) and sign that",
    });
  }
  if (transaction.type === 2 && latest.baseFeePerGas == null) {
    return new AidtrailError("SIGNED_CALL_TYPE_UNSUPPORTED", "the transaction is of type 2 (EIP-1559), which this chain does not take", { hint: "sign the draft's transaction unchanged: it is of the type the chain takes" });
  }
  if (transaction.gasLimit > latest.gasLimit) {
    return new AidtrailError("SIGNED_CALL_GAS_ABOVE_BLOCK", `the transaction asks for ${transaction.gasLimit} gas; a block holds ${latest.gasLimit}`, { hint: "sign the draft's transaction unchanged" });
  }
  return null;
}

/**
 * Whether a node's answer to a sent transaction refuses it for good (Geth's, Besu's and Hardhat's
 * wording): a retry would be refused the same. Anything else (no answer, a busy pool) is retried.
 */
export const refusedForGood = (message: string): boolean =>
  /insufficient funds|upfront cost exceeds account balance|doesn't have enough funds|intrinsic gas too low|exceeds block gas limit|invalid (chain ?id|sender|signature)|not supported|nonce too high|too far in (the )?future/i.test(message);
