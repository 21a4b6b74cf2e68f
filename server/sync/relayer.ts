import { BackgroundJob } from "../util/background-job.ts";
import type { Logger } from "pino";
import type { ChainClient, MinedReceipt } from "../chain/client.ts";
import { decodeRevert, unencodable } from "../chain/reverts.ts";
import { toAidtrailError } from "../chain/ledger-error.ts";
import { applicationsGas, applicationsPerTransaction, membersOf, units, type Owed } from "./batching.ts";
import { Sender } from "./sender.ts";
import { pendingEntries, sentTransactionKey, settle, type OutboxEntry } from "./outbox.ts";
import type { StateStore } from "../state/state-store.ts";
import type { RecordLog } from "../log/record-log.ts";
import { AidtrailError } from "../../kit/errors.ts";

/** How long a debt may wait for its record to reach the log before it is dropped as never logged. */
const LOGGING_GRACE_MS = 60_000;
/**
 * Transactions of applications sent and not yet answered, at most. A chain that mines on a period
 * (QBFT's block period, a second or more) takes several in one block; waiting for each receipt
 * before the next send put one batch in a block: 50 applications a second on 2-second blocks
 * with batches of 100. Ten batches a block carry 1,000 applications a second on 2-second blocks,
 * given a block gas limit that fits their gas (see applicationsGas).
 */
const APPLICATIONS_IN_FLIGHT = 10;

/**
 * While transactions are in flight, what has been owed since is sent at least this often, whether
 * or not the oldest has been found mined: half a block period of QBFT's shortest, so that a batch
 * owed just after a block is sent in time for the next.
 */
const OWED_POLL_MS = 500;

/** What became of an owed entry in a run: its new state, or "unreachable" (still owed). */
type Outcome = Partial<OutboxEntry> | "unreachable";

/**
 * Sends the ledger transactions the outbox holds, in order: applications in batches through the
 * operator account, officers' signed transactions as they were signed. A revert is final for its entry
 * (recorded with its code); a chain that does not answer stops the run, to be retried, and never
 * loses an entry. The nonce manager is reset after a failed send, so a nonce that was never used
 * is used again.
 */
export class Relayer {
  readonly #job = new BackgroundJob(() => this.#run());
  readonly #sender: Sender;

  private readonly state: StateStore;
  private readonly log: RecordLog;
  private readonly chain: ChainClient;
  private readonly logger: Logger;
  private readonly answered: (entry: OutboxEntry) => void;

  /** `answered` is told of each entry the ledger has answered (done or failed) once that is stored. */
  constructor(
    state: StateStore,
    log: RecordLog,
    chain: ChainClient,
    logger: Logger,
    answered: (entry: OutboxEntry) => void = () => undefined,
  ) {
    this.state = state;
    this.log = log;
    this.chain = chain;
    this.#sender = new Sender(state, chain);
    this.logger = logger;
    this.answered = answered;
  }

  /** Sends what is owed; a call during a run gets that run. */
  runOnce(): Promise<void> {
    return this.#job.run();
  }

  async #run(): Promise<void> {
    // Whether the chain answered each application transaction in flight, oldest first.
    const inFlight: Promise<boolean>[] = [];
    try {
      // While transactions are in flight the run takes what has been owed since, so that a chain
      // mining on a period gets new batches in its next block, not once the run's last
      // transaction is mined. An entry whose record is not in the log yet is looked at again.
      let last: string | undefined;
      let notLogged: Owed[] = [];
      for (;;) {
        const fresh = await pendingEntries(this.state, last);
        last = fresh.at(-1)?.[0] ?? last;
        const owed = [...notLogged, ...fresh];
        notLogged = [];
        if (owed.length > 0 && !(await this.#relay(owed, inFlight, notLogged))) return;
        if (inFlight.length === 0) {
          if (fresh.length === 0) return;
        } else if (!(await this.#oldestOrPause(inFlight))) {
          return;
        }
        // A gateway shutting down under intake would otherwise never see the run end.
        if (this.#stopping) return;
      }
    } finally {
      await Promise.all(inFlight.splice(0));
    }
  }

  /**
   * Waits for the oldest transaction in flight to be answered (taking it off `inFlight`), or for
   * OWED_POLL_MS, whichever is first; false when the chain did not answer, and the run should stop.
   * Waiting for the oldest alone held what was owed meanwhile until it was found mined, up to two
   * seconds on a simulator mining a block a second under intake: two seconds of cases sent at once,
   * their sends held in turn behind the next block, and the ledger falling behind.
   */
  async #oldestOrPause(inFlight: Promise<boolean>[]): Promise<boolean> {
    const oldest = inFlight[0]!;
    let timer: NodeJS.Timeout | undefined;
    const paused = new Promise<"paused">((resolve) => (timer = setTimeout(resolve, OWED_POLL_MS, "paused")));
    const first = await Promise.race([oldest, paused]);
    clearTimeout(timer);
    if (first === "paused") return true;
    inFlight.shift();
    return first;
  }

  /**
   * Sends what is `owed`, as the transactions that carry it (see units): applications with up to
   * APPLICATIONS_IN_FLIGHT transactions in flight (their answers pushed to `inFlight`), every other
   * step once the ledger has answered what was sent before it. Units whose records are not in the
   * log yet go to `notLogged`. False when the chain did not answer, and the run should stop.
   */
  async #relay(owed: Owed[], inFlight: Promise<boolean>[], notLogged: Owed[]): Promise<boolean> {
    let blockGasLimit: bigint;
    try {
      blockGasLimit = await this.chain.operator.blockGasLimit();
    } catch (error) {
      // Nothing was sent: what is owed, applications or not, waits for the next run.
      this.logger.warn({ owed: owed.length, message: (error as Error).message.split("\n")[0] }, "could not read the chain's block gas limit; retrying later");
      return false;
    }
    for (const unit of units(owed, applicationsPerTransaction(blockGasLimit), blockGasLimit)) {
      const logged = await this.#logged(unit, notLogged);
      if (logged.length === 0) continue;
      if (logged[0]![1].kind !== "submitApplication") {
        if ((await Promise.all(inFlight.splice(0))).includes(false)) return false;
        if (!(await this.#settle(logged, [await this.#send(logged[0]!)]))) return false;
        continue;
      }
      if (inFlight.length === APPLICATIONS_IN_FLIGHT && !(await inFlight.shift()!)) return false;
      const { sent, outcomes } = await this.#sendApplications(logged);
      inFlight.push(
        outcomes
          .then((o) => this.#settle(logged, o))
          .catch((error: unknown) => {
            // Still owed, with its transaction recorded: the next run finds it.
            this.logger.error({ applications: logged.length, message: (error as Error).message }, "could not store the ledger's answer");
            return false;
          }),
      );
      if (!sent) return false;
    }
    return true;
  }

  /** Stores what became of `logged`; false when the chain did not answer, and the run should stop. */
  async #settle(logged: Owed[], outcomes: Outcome[]): Promise<boolean> {
    await this.#store(
      logged.map(([key, entry], j): Owed => {
        const outcome = outcomes[j]!;
        return [key, { ...entry, attempts: entry.attempts + 1, ...(outcome === "unreachable" ? {} : outcome) }];
      }),
    );
    return !outcomes.includes("unreachable");
  }

  /** Writes entries' new states (see settle), then tells `answered` of each the ledger has answered. */
  async #store(entries: Owed[]): Promise<void> {
    await settle(this.state, entries);
    for (const [, entry] of entries) if (entry.state !== "pending") this.answered(entry);
  }

  /**
   * The entries whose records are in the log; one whose record never arrived within the grace is
   * settled as failed, and the others, still on their way to the log, go to `notYet`.
   */
  async #logged(entries: Owed[], notYet: Owed[]): Promise<Owed[]> {
    const logged: Owed[] = [];
    const lost: Owed[] = [];
    for (const [key, entry] of entries) {
      if ((await this.log.revisionIndexes(entry.recordId)).length > 0) logged.push([key, entry]);
      else if (Date.now() - entry.owedAt > LOGGING_GRACE_MS) lost.push([key, { ...entry, state: "failed", error: { code: "RECORD_NOT_LOGGED", message: `record ${entry.recordId} never reached the log` } }]);
      else notYet.push([key, entry]);
    }
    if (lost.length > 0) await this.#store(lost);
    return logged;
  }

  /**
   * Applications in one submitApplications transaction: resolves once it is sent (`sent`: false
   * when the chain did not take it), with what became of each once the ledger answers. The ledger
   * takes a batch all or none, so when it refuses one the batch is sent again case by case: the
   * refused application fails on its own, with its code, and the others go through.
   */
  async #sendApplications(entries: Owed[]): Promise<{ sent: boolean; outcomes: Promise<Outcome[]> }> {
    let mined: Promise<MinedReceipt>;
    try {
      ({ mined } = await this.#sender.operatorTransaction(entries, this.chain.applicationsCall(entries.map(([, entry]) => entry.args)), applicationsGas(entries.length, entries.reduce((members, [, entry]) => members + membersOf(entry), 0))));
    } catch (error) {
      // A node that mines as it takes a transaction (the simulator) may answer the send with the
      // refusal; a batch that cannot be encoded holds an application that never will be: either
      // way each is sent on its own, and only the one at fault fails.
      if (decodeRevert(error) || unencodable(error)) return { sent: true, outcomes: this.#caseByCase(entries) };
      return { sent: false, outcomes: Promise.resolve(this.#unanswered(entries, error)) };
    }
    const outcomes = mined.then(
      (receipt): Outcome[] | Promise<Outcome[]> => {
        if (receipt.status === 0) return this.#caseByCase(entries);
        this.logger.info({ applications: entries.length, transaction: receipt.hash }, "on the ledger");
        return entries.map(() => ({ state: "done", transactionHash: receipt.hash, blockNumber: receipt.blockNumber }));
      },
      (error) => this.#unanswered(entries, error),
    );
    return { sent: true, outcomes };
  }

  #unanswered(entries: Owed[], error: unknown): Outcome[] {
    this.logger.warn({ applications: entries.length, message: (error as Error).message.split("\n")[0] }, "the chain did not take a transaction; retrying later");
    return entries.map(() => "unreachable");
  }

  /** Applications whose batch the ledger refused, each now owed a transaction of its own. */
  async #caseByCase(entries: Owed[]): Promise<Outcome[]> {
    const refused = entries[0]![1].sentAs;
    for (const [, entry] of entries) delete entry.sentAs;
    if (refused) await this.state.write({}, [sentTransactionKey(refused)]);
    const outcomes: Outcome[] = [];
    for (const entry of entries) {
      const outcome = await this.#send(entry);
      outcomes.push(outcome);
      if (outcome === "unreachable") break;
    }
    return entries.map((_, j) => outcomes[j] ?? "unreachable");
  }

  async #send([key, entry]: Owed): Promise<Outcome> {
    try {
      const receipt =
        entry.kind === "signed" ? await this.#sender.broadcast(entry.args[0] as string) : entry.kind === "decide" ? await this.#sender.operatorCall([key, entry], this.chain.decisionCall(entry.args)) : await this.#sender.operatorCall([key, entry], this.chain.applicationsCall([entry.args]));
      this.logger.info({ caseId: entry.caseId, call: entry.kind, transaction: receipt.hash }, "on the ledger");
      return { state: "done", transactionHash: receipt.hash, blockNumber: receipt.blockNumber };
    } catch (error) {
      if (decodeRevert(error) || error instanceof AidtrailError) {
        const known = toAidtrailError(error);
        this.logger.warn({ caseId: entry.caseId, call: entry.kind, code: known.code }, "the ledger refused a transaction");
        return { state: "failed", error: { code: known.code, message: known.message } };
      }
      if (unencodable(error)) {
        const message = `the ledger call cannot be encoded, so no retry can send it: ${(error as Error).message.split("\n")[0]}`;
        this.logger.error({ caseId: entry.caseId, call: entry.kind, message }, "a ledger step taken out of the queue");
        return { state: "failed", error: { code: "RELAY_CALL_UNENCODABLE", message } };
      }
      this.logger.warn({ caseId: entry.caseId, message: (error as Error).message.split("\n")[0] }, "the chain did not take a transaction; retrying later");
      return "unreachable";
    }
  }

  start(intervalMs: number): void {
    this.#stopping = false;
    this.#job.start(intervalMs);
  }

  /** Stops the timer and waits for the run in progress, which ends once what it has sent is answered. */
  stop(): Promise<void> {
    this.#stopping = true;
    return this.#job.stop();
  }

  #stopping = false;
}
