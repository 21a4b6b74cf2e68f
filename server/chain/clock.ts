/**
 * The time the gateway stamps on what it writes: the wall clock, or the ledger's when the latest
 * block seen is ahead of it. Records and ledger steps are then told on one time line, and stage
 * times counted from records (the equalization figures) agree with those counted from the ledger
 * (the case trail). On a real chain the ledger's clock is the validators' wall clock, a block
 * behind this one, so this is the wall clock; on a demo chain whose clock was moved on, records
 * made after the move carry the ledger's date, as the steps they go with do.
 *
 * A clock that `followsLedger` (the demo's, whose chain begins a year back and is brought up to
 * date month by month) keeps the ledger's time behind the wall clock as well as ahead: each new
 * block seen sets how far the ledger's clock is from the wall clock. On a real chain it must not:
 * a head that has not moved for a while would put records in the past.
 */
export class LedgerClock {
  /** How far the ledger's clock has been seen to run from the wall clock, in ms: never negative unless the clock follows the ledger. */
  #offsetMs = 0;
  /** The latest block time seen, in seconds. */
  #latestBlock = -Infinity;

  readonly followsLedger: boolean;

  constructor(followsLedger = false) {
    this.followsLedger = followsLedger;
  }

  /** Takes note of a block's time, in seconds, as read now. */
  observe(blockTime: number): void {
    if (!this.followsLedger) {
      this.#offsetMs = Math.max(this.#offsetMs, blockTime * 1000 - Date.now());
    } else if (blockTime > this.#latestBlock) {
      this.#offsetMs = blockTime * 1000 - Date.now();
    }
    this.#latestBlock = Math.max(this.#latestBlock, blockTime);
  }

  /** The time now, in ms. */
  now(): number {
    return Date.now() + this.#offsetMs;
  }

  /**
   * Whether a time a client sent back (a draft's) lies within the last `ms` by the wall clock and
   * not ahead of now by this one, allowing a minute of skew: a draft made before the ledger's clock
   * moved on is as old as the wall clock says. A clock that follows the ledger counts by its own time.
   */
  within(iso: string, ms: number): boolean {
    const time = Date.parse(iso);
    return time >= (this.followsLedger ? this.now() : Date.now()) - ms && time <= this.now() + 60_000;
  }

  /** The time now, as a record's `createdAt`. */
  iso(): string {
    return new Date(this.now()).toISOString();
  }
}
