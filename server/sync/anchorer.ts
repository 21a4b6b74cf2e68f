import { BackgroundJob } from "../util/background-job.ts";
import { hexlify, type Signer } from "ethers";
import type { Logger } from "pino";
import type { LogAnchor } from "../../types/ethers-contracts/index.js";
import type { Operator } from "../chain/operator.ts";
import type { RecordLog, StoredCheckpoint } from "../log/record-log.ts";
import { AidtrailError } from "../../kit/errors.ts";

export interface AnchorerOptions {
  /** Anchor at least this often while records wait. */
  intervalMs: number;
  /** Anchor at once when this many records wait. */
  batchSize: number;
  logger: Logger;
  /** The time checkpoints are signed at, in ms (the gateway's clock, which knows the ledger's: see LedgerClock); the wall clock if not given. */
  clock?: { now(): number };
}

/**
 * Checkpoints the record log and anchors the checkpoints on chain, on a schedule and when enough
 * records wait. Intake never waits for it: records are durable in the log before anyone is told
 * they were taken, and a chain that is down or slow only delays anchoring, which catches up when
 * the chain returns. A crash between anchoring and noting it is reconciled from the chain.
 */
export class Anchorer {
  readonly #job = new BackgroundJob(
    () => this.#anchor(),
    (error: unknown) => {
      const code = error instanceof AidtrailError ? error.code : "ANCHOR_FAILED";
      this.options.logger.warn({ code, message: (error as Error).message }, "anchoring failed; the next run retries");
    },
  );

  private readonly log: RecordLog;
  private readonly anchor: LogAnchor;
  private readonly operator: Pick<Operator, "transact">;
  private readonly logKey: Signer;
  private readonly options: AnchorerOptions;

  /**
   * `anchor` is read through, `operator` sends the anchoring (the gateway's operator account; see
   * Operator.transact).
   */
  constructor(
    log: RecordLog,
    anchor: LogAnchor,
    operator: Pick<Operator, "transact">,
    logKey: Signer,
    options: AnchorerOptions,
  ) {
    this.log = log;
    this.anchor = anchor;
    this.operator = operator;
    this.logKey = logKey;
    this.options = options;
  }

  /** Records appended but not yet covered by an anchored checkpoint. */
  async pending(): Promise<number> {
    const anchored = await this.log.latestAnchored();
    return this.log.size - (anchored?.treeSize ?? 0);
  }

  /**
   * Anchors the log as it stands, unless nothing waits. One run at a time: a call during a run
   * gets that run's result.
   */
  anchorOnce(): Promise<StoredCheckpoint | null> {
    return this.#job.run();
  }

  async #anchor(): Promise<StoredCheckpoint | null> {
    const onChain = await this.#reconcile();
    if (this.log.size === onChain) return null;
    const checkpoint = await this.log.signCheckpoint(this.logKey, new Date(this.options.clock?.now() ?? Date.now()));
    const proof = (await this.log.consistencyProof(onChain, checkpoint.treeSize)).map(hexlify);
    const data = this.anchor.interface.encodeFunctionData("anchor", [this.log.logId, checkpoint.treeSize, checkpoint.root, proof]);
    const receipt = await this.operator.transact({ to: this.anchor.target as string, data });
    if (receipt.status !== 1) {
      throw new AidtrailError("ANCHOR_FAILED", `anchoring checkpoint ${checkpoint.treeSize} failed in transaction ${receipt.hash}`, { hint: "the next run retries" });
    }
    await this.log.recordAnchoring(checkpoint.treeSize, await this.#anchoring(receipt.hash, receipt.blockNumber));
    this.options.logger.info({ treeSize: checkpoint.treeSize, transaction: receipt.hash }, "checkpoint anchored");
    return (await this.log.checkpointAt(checkpoint.treeSize))!;
  }

  /**
   * The size anchored on chain, after making the log agree with it: a checkpoint anchored by a
   * run that crashed before noting it is noted now; a chain root the log does not have means the
   * log's history differs from what was anchored, and anchoring stops.
   */
  async #reconcile(): Promise<number> {
    const head = await this.anchor.head(this.log.logId);
    const size = Number(head.treeSize);
    if (size === 0) return 0;
    if (size > this.log.size || hexlify(await this.log.root(size)) !== head.root) {
      throw new AidtrailError("LOG_DIVERGED", `the chain anchors log ${this.log.logId} at size ${size} with root ${head.root}, which this log does not have`, {
        hint: "stop the gateway and restore its data folder from a backup that includes every anchored record",
      });
    }
    const noted = await this.log.latestAnchored();
    if ((noted?.treeSize ?? 0) < size) {
      if (!(await this.log.checkpointAt(size))) {
        throw new AidtrailError("LOG_DIVERGED", `the chain anchors size ${size}, but this log never signed a checkpoint of that size`, {
          hint: "another gateway anchors this log id: give each gateway its own AIDTRAIL_LOG_ID",
        });
      }
      const [event] = await this.anchor.queryFilter(this.anchor.filters.CheckpointAnchored(this.log.logId, size));
      await this.log.recordAnchoring(size, await this.#anchoring(event?.transactionHash ?? "0x", event?.blockNumber ?? 0));
    }
    return size;
  }

  async #anchoring(transactionHash: string, blockNumber: number) {
    const network = await this.anchor.runner!.provider!.getNetwork();
    return { chainId: Number(network.chainId), anchor: await this.anchor.getAddress(), transactionHash, blockNumber };
  }

  /** Tells the anchorer records were appended; it anchors at once when enough wait. */
  async notify(): Promise<void> {
    if ((await this.pending()) >= this.options.batchSize) this.#job.kick();
  }

  start(): void {
    this.#job.start(this.options.intervalMs);
  }

  stop(): Promise<void> {
    return this.#job.stop();
  }
}
