import { getAddress } from "ethers";
import type { NodeJsonRpcProvider } from "./rpc-provider.ts";

/** What the gateway reads of a mined transaction. */
export interface MinedReceipt {
  hash: string;
  blockNumber: number;
  /** 1 for success, 0 for a revert. */
  status: number;
  from: string;
}

/** Sent transactions, as the gateway waits for their receipts and reads them (a ledger receipt, not the citizen's receipt of an application). */
export class Transactions {
  readonly #provider: NodeJsonRpcProvider;

  constructor(provider: NodeJsonRpcProvider) {
    this.#provider = provider;
  }

  /**
   * The receipt of a sent transaction once it is mined, asked for at growing intervals up to a
   * quarter second. Rejects when there is none after `patienceMs`: a transaction the chain dropped
   * would otherwise hold the relayer for ever, where its next run sends it again.
   *
   * `after` is the wait for a transaction from the same account with a lower nonce: a chain mines an
   * account's transactions in nonce order, so until that one is mined this one cannot be, and is
   * not asked for; with twenty transactions in flight, asking for each spent the chain's time on
   * receipts it could not have (docs/performance.md).
   */
  async mined(hash: string, { after, patienceMs = 120_000 }: { after?: Promise<unknown>; patienceMs?: number } = {}): Promise<MinedReceipt> {
    const deadline = Date.now() + patienceMs;
    let waiting = after !== undefined;
    const ahead = after?.then(
      () => void (waiting = false),
      () => void (waiting = false),
    );
    for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
      const receipt = waiting ? null : await this.receipt(hash);
      if (receipt) return receipt;
      if (Date.now() >= deadline) throw new Error(`transaction ${hash} was not mined within ${patienceMs / 1000} s`);
      const pause = new Promise((resolve) => setTimeout(resolve, wait));
      await (waiting ? Promise.race([pause, ahead]) : pause);
    }
  }

  /**
   * The receipt of a transaction, null until it is mined. Read raw: ethers' receipt formats every
   * log, and on a chain before London (Besu's QBFT genesis, and so the simulator) also asks for the
   * transaction, whose receipt there has no effective gas price: two calls where one will do.
   */
  async receipt(hash: string): Promise<MinedReceipt | null> {
    const raw = (await this.#provider.send("eth_getTransactionReceipt", [hash])) as { transactionHash: string; blockNumber: string; status: string; from: string } | null;
    return raw && { hash: raw.transactionHash, blockNumber: Number(raw.blockNumber), status: Number(raw.status), from: getAddress(raw.from) };
  }
}
