import { BackgroundJob } from "./background-job.ts";
import { isError, Transaction } from "ethers";
import type { Logger } from "pino";
import type { ChainClient, MinedReceipt } from "./chain/client.ts";
import { decodeRevert } from "./chain/reverts.ts";
import { toAidtrailError } from "./http/errors.ts";
import { operatorCall, pendingEntries, settle, type OperatorCall, type OutboxEntry } from "./state/outbox.ts";
import type { StateStore } from "./state/state-store.ts";
import type { RecordLog } from "./log/record-log.ts";
import { AidtrailError } from "./verify/errors.ts";

/** How long a debt may wait for its record to reach the log before it is dropped as never logged. */
const LOGGING_GRACE_MS = 60_000;
/**
 * Applications sent in one transaction at most: bench:gas measures 12.5 million gas for 100
 * (125,261 each, against 154,964 for one alone), within a 30-million block gas limit.
 */
const APPLICATION_BATCH = 100;
/**
 * The gas a batch of applications is given, instead of an estimate that would run the batch once
 * more on the node: above what bench:gas measures (154,964 for one alone), and within the block
 * gas limit for a full batch. A batch that ran out would be mined as reverted, then sent case by
 * case with estimates, so a bound too low costs time, never a case.
 */
const applicationsGas = (count: number) => 100_000n + 180_000n * BigInt(count);

/**
 * Sends the ledger transactions the outbox holds, in order: operator calls through the operator
 * account, officers' signed transactions as they were signed. A revert is final for its entry
 * (recorded with its code); a chain that does not answer stops the run, to be retried, and never
 * loses an entry. The nonce manager is reset after a failed send, so a nonce that was never used
 * is used again.
 */
export class Relayer {
  readonly #job = new BackgroundJob(() => this.#run());

  /** `answered` is told of each entry the ledger has answered (done or failed) once that is stored. */
  constructor(
    private readonly state: StateStore,
    private readonly log: RecordLog,
    private readonly chain: ChainClient,
    private readonly logger: Logger,
    private readonly answered: (entry: OutboxEntry) => void = () => undefined,
  ) {}

  /** Sends what is owed; a call during a run gets that run. */
  runOnce(): Promise<void> {
    return this.#job.run();
  }

  async #run(): Promise<void> {
    const owed = await pendingEntries(this.state);
    for (let i = 0; i < owed.length; ) {
      // Applications owed one after another go to the ledger together; every other call alone.
      let end = i + 1;
      while (end < owed.length && end - i < APPLICATION_BATCH && owed[i]![1].kind === "submitApplication" && owed[end]![1].kind === "submitApplication") end++;
      const logged = await this.#logged(owed.slice(i, end));
      i = end;
      if (logged.length === 0) continue;
      const outcomes = logged.length > 1 ? await this.#sendApplications(logged.map(([, entry]) => entry)) : [await this.#send(logged[0]![1])];
      const settled = logged.map(([key, entry], j): [string, OutboxEntry] => {
        const outcome = outcomes[j]!;
        return [key, { ...entry, attempts: entry.attempts + 1, ...(outcome === "unreachable" ? {} : outcome) }];
      });
      await settle(this.state, settled);
      for (const [, entry] of settled) if (entry.state !== "pending") this.answered(entry);
      if (outcomes.includes("unreachable")) return;
    }
  }

  /** The entries whose records are in the log; one whose record never arrived within the grace is settled as failed. */
  async #logged(entries: [string, OutboxEntry][]): Promise<[string, OutboxEntry][]> {
    const logged: [string, OutboxEntry][] = [];
    const lost: [string, OutboxEntry][] = [];
    for (const [key, entry] of entries) {
      if ((await this.log.revisionIndexes(entry.recordId)).length > 0) logged.push([key, entry]);
      else if (Date.now() - entry.owedAt > LOGGING_GRACE_MS) lost.push([key, { ...entry, state: "failed", error: { code: "RECORD_NOT_LOGGED", message: `record ${entry.recordId} never reached the log` } }]);
    }
    if (lost.length > 0) {
      await settle(this.state, lost);
      for (const [, entry] of lost) this.answered(entry);
    }
    return logged;
  }

  /**
   * Applications in one submitApplications transaction. The ledger takes a batch all or none, so
   * when it refuses one the batch is sent again case by case: the refused application fails on
   * its own, with its code, and the others go through.
   */
  async #sendApplications(entries: OutboxEntry[]): Promise<(Partial<OutboxEntry> | "unreachable")[]> {
    try {
      const receipt = await this.chain.sendAsOperator(this.chain.applicationsCall(entries.map((entry) => entry.args)), applicationsGas(entries.length));
      if (receipt.status === 0) throw new AidtrailError("LEDGER_REVERTED", `the ledger refused transaction ${receipt.hash}`);
      this.logger.info({ applications: entries.length, transaction: receipt.hash }, "on the ledger");
      return entries.map(() => ({ state: "done", transactionHash: receipt.hash, blockNumber: receipt.blockNumber }));
    } catch (error) {
      this.chain.operator.reset();
      if (!decodeRevert(error) && !(error instanceof AidtrailError)) {
        this.logger.warn({ applications: entries.length, message: (error as Error).message.split("\n")[0] }, "the chain did not take a transaction; retrying later");
        return entries.map(() => "unreachable");
      }
    }
    const outcomes: (Partial<OutboxEntry> | "unreachable")[] = [];
    for (const entry of entries) {
      const outcome = await this.#send(entry);
      outcomes.push(outcome);
      if (outcome === "unreachable") break;
    }
    return entries.map((_, j) => outcomes[j] ?? "unreachable");
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

  async #sendAsOperator(entry: OutboxEntry): Promise<MinedReceipt> {
    const call = operatorCall(this.chain, entry.kind as OperatorCall, entry.args);
    const receipt = await this.chain.sendAsOperator(call);
    if (receipt.status === 0) await this.#refusal(receipt, { from: receipt.from, ...call });
    return receipt;
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
  async #broadcast(raw: string): Promise<MinedReceipt> {
    const transaction = Transaction.from(raw);
    // Only signed transactions enter the outbox, so each has its hash.
    const { from, to, data, nonce } = transaction;
    const hash = transaction.hash!;
    if (!(await this.chain.receipt(hash))) {
      try {
        await this.chain.provider.broadcastTransaction(raw);
      } catch (error) {
        if (!isError(error, "NONCE_EXPIRED") || (await this.chain.receipt(hash))) throw error;
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
