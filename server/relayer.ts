import { BackgroundJob } from "./background-job.ts";
import { isError, Transaction, type TransactionReceipt } from "ethers";
import type { Logger } from "pino";
import type { ChainClient } from "./chain/client.ts";
import { decodeRevert } from "./chain/reverts.ts";
import { toAidtrailError } from "./http/errors.ts";
import { ledgerMethod, pendingEntries, settle, type OperatorCall, type OutboxEntry } from "./state/outbox.ts";
import type { StateStore } from "./state/state-store.ts";
import type { RecordLog } from "./log/record-log.ts";
import { AidtrailError } from "./verify/errors.ts";

/** How long a debt may wait for its record to reach the log before it is dropped as never logged. */
const LOGGING_GRACE_MS = 60_000;

/**
 * Sends the ledger transactions the outbox holds, in order: operator calls through the operator
 * account, officers' signed transactions as they were signed. A revert is final for its entry
 * (recorded with its code); a chain that does not answer stops the run, to be retried, and never
 * loses an entry. The nonce manager is reset after a failed send, so a nonce that was never used
 * is used again.
 */
export class Relayer {
  readonly #job = new BackgroundJob(() => this.#run());

  constructor(
    private readonly state: StateStore,
    private readonly log: RecordLog,
    private readonly chain: ChainClient,
    private readonly logger: Logger,
  ) {}

  /** Sends what is owed; a call during a run gets that run. */
  runOnce(): Promise<void> {
    return this.#job.run();
  }

  async #run(): Promise<void> {
    for (const [key, entry] of await pendingEntries(this.state)) {
      if ((await this.log.revisionIndexes(entry.recordId)).length === 0) {
        if (Date.now() - entry.owedAt > LOGGING_GRACE_MS) {
          await settle(this.state, key, { ...entry, state: "failed", error: { code: "RECORD_NOT_LOGGED", message: `record ${entry.recordId} never reached the log` } });
        }
        continue;
      }
      const outcome = await this.#send(entry);
      if (outcome === "unreachable") {
        await settle(this.state, key, { ...entry, attempts: entry.attempts + 1 });
        return;
      }
      await settle(this.state, key, { ...entry, attempts: entry.attempts + 1, ...outcome });
    }
  }

  async #send(entry: OutboxEntry): Promise<Partial<OutboxEntry> | "unreachable"> {
    try {
      const receipt = entry.kind === "signed" ? await this.#broadcast(entry.args[0] as string) : await this.#sendAsOperator(entry);
      this.logger.info({ caseId: entry.caseId, call: entry.kind, transaction: receipt.hash }, "on the ledger");
      return { state: "done", transactionHash: receipt.hash, blockNumber: receipt.blockNumber };
    } catch (error) {
      this.chain.operator.reset();
      if (decodeRevert(error) || error instanceof AidtrailError) {
        const known = toAidtrailError(error);
        this.logger.warn({ caseId: entry.caseId, call: entry.kind, code: known.code }, "the ledger refused a transaction");
        return { state: "failed", error: { code: known.code, message: known.message } };
      }
      this.logger.warn({ caseId: entry.caseId, message: (error as Error).message.split("\n")[0] }, "the chain did not take a transaction; retrying later");
      return "unreachable";
    }
  }

  async #sendAsOperator(entry: OutboxEntry): Promise<TransactionReceipt> {
    const call = await ledgerMethod(this.chain, entry.kind as OperatorCall).populateTransaction(...entry.args);
    const receipt = await this.chain.sendAsOperator({ to: call.to, data: call.data });
    if (receipt.status === 0) await this.#refusal(receipt, { from: receipt.from, ...call });
    return receipt;
  }

  /**
   * Why a mined transaction reverted: a mined revert carries no reason, and the call run again
   * just before its block gives it. Throws in every case.
   */
  async #refusal(receipt: TransactionReceipt, call: { from: string; to: string | null; data: string }): Promise<never> {
    await this.chain.provider.call({ ...call, blockTag: receipt.blockNumber - 1 });
    throw new AidtrailError("LEDGER_REVERTED", `the ledger refused transaction ${receipt.hash} in block ${receipt.blockNumber}`, { hint: "see the transaction's trace on the chain" });
  }

  /**
   * Sends an officer's signed transaction as it is. Sent again after a crash, it is the same
   * transaction: the chain either knows it already or mined it, and its receipt is what counts.
   */
  async #broadcast(raw: string): Promise<TransactionReceipt> {
    const transaction = Transaction.from(raw);
    // Only signed transactions enter the outbox, so each has its hash.
    const { from, to, data, nonce } = transaction;
    const hash = transaction.hash!;
    if (!(await this.chain.provider.getTransactionReceipt(hash))) {
      try {
        await this.chain.provider.broadcastTransaction(raw);
      } catch (error) {
        if (!isError(error, "NONCE_EXPIRED") || (await this.chain.provider.getTransactionReceipt(hash))) throw error;
        throw new AidtrailError("SIGNED_CALL_NONCE_USED", `the officer's account ${from} used nonce ${nonce} for another transaction before this one was sent`, {
          hint: "ask the gateway for a new request and sign that",
        });
      }
    }
    const receipt = await this.chain.receiptOf(hash);
    if (receipt.status === 0) await this.#refusal(receipt, { from: from!, to, data });
    return receipt;
  }

  start(intervalMs: number): void {
    this.#job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#job.stop();
  }
}
