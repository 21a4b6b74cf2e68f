import { isError, Transaction } from "ethers";
import type { ChainClient, MinedReceipt } from "../chain/client.ts";
import { refusedForGood, unsendable } from "../chain/sendable.ts";
import type { StateStore } from "../state/state-store.ts";
import { AidtrailError } from "../../kit/errors.ts";
import type { Owed } from "./batching.ts";
import { sentTransactionKey } from "./outbox.ts";

/**
 * How the relayer's transactions reach the chain: the operator's own, each signed, recorded against
 * the entries it carries and only then sent, one at a time so that nonces arrive in order; and an
 * officer's signed transaction, sent as it is. Either, found mined after a crash, is not sent twice.
 */
export class Sender {
  private readonly state: StateStore;
  private readonly chain: ChainClient;

  constructor(state: StateStore, chain: ChainClient) {
    this.state = state;
    this.chain = chain;
  }

  /**
   * One step in an operator transaction of its own, its gas estimated: a decision, or an
   * application of a batch the ledger refused (see the relayer's case-by-case sending).
   */
  async operatorCall(owed: Owed, call: { to: string; data: string }): Promise<MinedReceipt> {
    const receipt = await (await this.operatorTransaction([owed], call)).mined;
    if (receipt.status === 0) await this.#refusal(receipt, { from: receipt.from, ...call });
    return receipt;
  }

  /**
   * Sends the operator's transaction for `entries`; resolves once it is sent, with its receipt to
   * come. The transaction is signed, then recorded against the entries, then sent: when its
   * answer is lost (a crash, a chain that stops answering) the next run finds it mined, or sends
   * it again as it was, with its nonce, instead of a second transaction that the ledger would
   * refuse (the case already exists, the payout was already made) and that would have the step
   * reported as failed. Only when its nonce went to another transaction meanwhile, so that it can
   * never be mined, is a new one signed. Transactions are sent one at a time, so that their
   * nonces reach the chain in order.
   */
  async operatorTransaction(entries: Owed[], call: { to: string; data: string }, gasBound?: bigint): Promise<{ mined: Promise<MinedReceipt> }> {
    const turn = this.#sending.then(async (): Promise<{ mined: Promise<MinedReceipt> }> => {
      const recorded = entries[0]![1].sentAs;
      if (recorded && entries.every(([, entry]) => entry.sentAs === recorded)) {
        const raw = await this.state.get<string>(sentTransactionKey(recorded));
        const receipt = raw && (await this.#mined(raw, recorded));
        if (receipt) return { mined: Promise.resolve(receipt) };
      }
      const mined = this.chain.transactions.mined(await this.#recordAndSend(entries, call, gasBound), { after: this.#unmined[0] });
      // Its caller handles a failure once the send has resolved; until then, it is not unhandled.
      const answered = mined.catch(() => undefined);
      this.#unmined.push(answered);
      void answered.then(() => this.#unmined.splice(this.#unmined.indexOf(answered), 1));
      return { mined };
    });
    this.#sending = turn.catch(() => undefined);
    return turn;
  }

  /** The last transaction's turn to be sent (see operatorTransaction). */
  #sending: Promise<unknown> = Promise.resolve();

  /**
   * The waits for the transactions sent and not yet found mined, oldest first. A transaction's
   * receipt is not looked for before the oldest of them is found (see ChainClient.receiptOf); then
   * every one waiting is looked for at once, as a block mines many.
   */
  readonly #unmined: Promise<unknown>[] = [];

  /** Signs the call, records it against `entries` in place of what was recorded for them, and sends it; resolves with its hash. */
  async #recordAndSend(entries: Owed[], call: { to: string; data: string }, gasBound?: bigint): Promise<string> {
    const replaced = [...new Set(entries.flatMap(([, entry]) => (entry.sentAs ? [sentTransactionKey(entry.sentAs)] : [])))];
    try {
      const { hash, raw } = await this.chain.operator.sign(call, gasBound);
      for (const [, entry] of entries) entry.sentAs = hash;
      await this.state.write({ [sentTransactionKey(hash)]: raw, ...Object.fromEntries(entries) }, replaced);
      await this.chain.operator.broadcast(raw);
      return hash;
    } catch (error) {
      this.chain.operator.forgetNonce();
      throw error;
    }
  }

  /**
   * Why a mined transaction reverted: a mined revert carries no reason, and the call run again
   * just before its block gives it. Throws in every case.
   */
  async #refusal(receipt: MinedReceipt, call: { from: string; to: string | null; data: string }): Promise<never> {
    await this.chain.provider.call({ ...call, blockTag: receipt.blockNumber - 1 });
    throw new AidtrailError("LEDGER_REVERTED", `the ledger refused transaction ${receipt.hash} in block ${receipt.blockNumber}`, { hint: "see the transaction's trace on the chain" });
  }

  /**
   * Sends an officer's signed transaction as it is. Sent again after a crash, it is the same
   * transaction: the chain either knows it already or mined it, and its receipt is what counts.
   */
  async broadcast(raw: string): Promise<MinedReceipt> {
    const transaction = Transaction.from(raw);
    // Only signed transactions enter the outbox, so each has its hash.
    const { from, to, data, nonce } = transaction;
    // One the chain cannot take (taken while it did not answer) fails now, and holds nothing back.
    const [next, latest] = await Promise.all([this.chain.provider.getTransactionCount(from!, "pending"), this.chain.provider.getBlock("latest")]);
    const refusal = latest && !(await this.chain.transactions.receipt(transaction.hash!)) ? unsendable(transaction, next, latest) : null;
    if (refusal) throw refusal;
    const receipt = await this.#mined(raw, transaction.hash!);
    if (!receipt) {
      throw new AidtrailError("SIGNED_CALL_NONCE_USED", `the officer's account ${from} used nonce ${nonce} for another transaction before this one was sent`, {
        hint: "ask the gateway for a new request and sign that",
      });
    }
    if (receipt.status === 0) await this.#refusal(receipt, { from: from!, to, data });
    return receipt;
  }

  /**
   * The receipt of a signed transaction: found if it was mined, otherwise once it is sent as it is
   * and mined. Null when its nonce went to another transaction first, so it never will be.
   */
  async #mined(raw: string, hash: string): Promise<MinedReceipt | null> {
    const known = await this.chain.transactions.receipt(hash);
    if (known) return known;
    try {
      await this.chain.operator.broadcast(raw);
    } catch (error) {
      if (isError(error, "NONCE_EXPIRED")) return this.chain.transactions.receipt(hash);
      const message = (error as Error).message;
      if (refusedForGood(message)) throw new AidtrailError("SIGNED_CALL_REFUSED_BY_NODE", `the chain refused the transaction: ${message.split("\n")[0]}`, { hint: "ask for a new draft and sign that" });
      // Still waiting in the node's pool (geth: "already known", Besu: "Known transaction").
      if (!/already known|known transaction/i.test(message)) throw error;
    }
    return this.chain.transactions.mined(hash);
  }
}
