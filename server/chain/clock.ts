/**
 * The time the gateway stamps on what it writes: the wall clock, or the ledger's when the latest
 * block seen is ahead of it. Records and ledger steps are then told on one time line, and stage
 * times counted from records (the equalization figures) agree with those counted from the ledger
 * (the case trail). On a real chain the ledger's clock is the validators' wall clock, a block
 * behind this one, so this is the wall clock; on a demo chain whose clock was moved on, records
 * made after the move carry the ledger's date, as the steps they go with do.
 */
export class LedgerClock {
  /** How far the ledger's clock has been seen to run ahead of the wall clock, in ms; never negative. */
  #aheadMs = 0;

  /** Takes note of a block's time, in seconds, as read now. */
  observe(blockTime: number): void {
    this.#aheadMs = Math.max(this.#aheadMs, blockTime * 1000 - Date.now());
  }

  /** The time now, in ms. */
  now(): number {
    return Date.now() + this.#aheadMs;
  }

  /**
   * Whether a time a client sent back (a draft's) lies within the last `ms` by the wall clock and
   * not ahead of now by this one, allowing a minute of skew: a draft made before the ledger's clock
   * moved on is as old as the wall clock says.
   */
  within(iso: string, ms: number): boolean {
    const time = Date.parse(iso);
    return time >= Date.now() - ms && time <= this.now() + 60_000;
  }

  /** The time now, as a record's `createdAt`. */
  iso(): string {
    return new Date(this.now()).toISOString();
  }
}
