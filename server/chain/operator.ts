import { NonceManager, Wallet, type SigningKey } from "ethers";
import { Reading } from "./reading.ts";
import type { MinedReceipt, Transactions } from "./transactions.ts";
import type { NodeJsonRpcProvider } from "./rpc-provider.ts";
import { signCallTransaction, type CallTransaction } from "./sign-transaction.ts";

/**
 * The gateway's operator account: the relayer that sends every ledger step (an officer's own
 * transaction aside) and anchors the log. Its transactions are signed here with their next nonce,
 * behind one nonce manager, so that concurrent sends never race for a nonce.
 */
export class Operator {
  readonly address: string;
  /** The account behind its nonce manager: what the contracts are connected with and the log's checkpoints are signed by. */
  readonly signer: NonceManager;
  readonly #key: SigningKey;
  readonly #provider: NodeJsonRpcProvider;
  readonly #chainId: bigint;
  readonly #transactions: Transactions;

  constructor(key: string, provider: NodeJsonRpcProvider, chainId: bigint, transactions: Transactions) {
    const wallet = new Wallet(key, provider);
    this.address = wallet.address;
    this.signer = new NonceManager(wallet);
    this.#key = wallet.signingKey;
    this.#provider = provider;
    this.#chainId = chainId;
    this.#transactions = transactions;
  }

  /** The fee fields of the operator's transactions (see sign). */
  readonly #fees = new Reading(async (): Promise<CallTransaction["fees"]> => {
    const fee = await this.#provider.getFeeData();
    return fee.maxFeePerGas !== null ? { type: 2, maxFeePerGas: fee.maxFeePerGas, maxPriorityFeePerGas: fee.maxPriorityFeePerGas ?? 0n } : { type: 0, gasPrice: fee.gasPrice ?? 0n };
  }, 1000);

  readonly #blockGasLimit = new Reading(async () => (await this.#provider.getBlock("latest"))!.gasLimit, 1000);

  /** The latest block's gas limit, read up to a second ago: the most gas a transaction can be given and still be mined. */
  blockGasLimit(): Promise<bigint> {
    return this.#blockGasLimit.get();
  }

  /**
   * Signs a call from the operator account with its next nonce, without sending it (see
   * broadcast); a call the ledger would refuse throws from the gas estimate, with its reason. The
   * relayer sends every ledger step this way, so this does less than a contract's send: fees are
   * read once a second rather than with three calls per transaction, and the transaction is signed
   * by hand (see sign-transaction.ts). A caller that knows a bound on the gas the call takes may
   * give it and spare the node the estimate, which runs the whole call once more; a call that runs
   * out of it is mined as reverted.
   */
  async sign(call: { to: string; data: string }, gasBound?: bigint): Promise<{ hash: string; raw: string }> {
    // Fees that rose since they were read get the send refused (see broadcast), and the next
    // transaction waits for fresh ones.
    const fees = await this.#fees.get();
    const gasLimit = gasBound ?? (await this.#provider.estimateGas({ ...call, from: this.address }));
    // Taken and counted in one step: a send elsewhere (the anchorer's) between them would get the same nonce.
    const nonce = this.signer.getNonce("pending");
    this.signer.increment();
    return signCallTransaction(this.#key, { ...call, fees, nonce: await nonce, gasLimit, chainId: this.#chainId });
  }

  /**
   * Sends a call and resolves with its receipt once mined, for a call no other transaction in
   * flight bears on (the anchorer's: only it anchors its log, one anchoring at a time). Its gas is
   * estimated against the latest block, where ethers' send asks about the pending one twice (the
   * estimate, the nonce): the simulator answers that by running every transaction waiting to be
   * mined, which under intake costs it more CPU the longer its queue (docs/performance.md). A call
   * the ledger would refuse throws from the estimate, with its reason.
   */
  async transact(call: { to: string; data: string }): Promise<MinedReceipt> {
    const gas = BigInt(await this.#provider.send("eth_estimateGas", [{ from: this.address, ...call }, "latest"]));
    const { hash, raw } = await this.sign(call, gas);
    try {
      await this.broadcast(raw);
    } catch (error) {
      this.forgetNonce();
      throw error;
    }
    return this.#transactions.mined(hash);
  }

  /** After a send that failed: its nonce may not have reached the chain, so the next transaction asks the chain for it. */
  forgetNonce(): void {
    this.signer.reset();
  }

  /**
   * Sends a signed transaction as it is (ethers' broadcast recovers its signer from the signature
   * and asks for the block number again); ethers names the node's refusals (NONCE_EXPIRED for a
   * nonce already used).
   */
  async broadcast(raw: string): Promise<void> {
    try {
      await this.#provider.send("eth_sendRawTransaction", [raw]);
    } catch (error) {
      // Fees may have risen since they were read.
      this.#fees.forget();
      throw error;
    }
  }
}
