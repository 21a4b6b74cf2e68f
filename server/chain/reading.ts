/**
 * A value read from the chain (fees, the block gas limit), used for up to `maxAgeMs` after it was
 * read and then read again in the background while the old reading is still used: the relayer
 * signs its transactions one after another, and waiting for the read, which a simulator mining a
 * block holds for up to half a second, held every send behind it. Only the first use waits.
 */
export class Reading<T> {
  #known: { readAt: number; value: T } | null = null;
  /** The read under way, if any: uses that find the reading stale start one, not one each. */
  #reading: Promise<T> | null = null;

  private readonly read: () => Promise<T>;

  private readonly maxAgeMs: number;

  constructor(
    read: () => Promise<T>,
    maxAgeMs: number,
  ) {
    this.read = read;

    this.maxAgeMs = maxAgeMs;
  }

  async get(): Promise<T> {
    const known = this.#known;
    if (!known) return this.#read();
    if (Date.now() - known.readAt > this.maxAgeMs) this.#read().catch(() => undefined);
    return known.value;
  }

  /** Drops the reading, so that the next use waits for a new one (the chain refused what it said). */
  forget(): void {
    this.#known = null;
  }

  #read(): Promise<T> {
    this.#reading ??= this.read()
      .then((value) => {
        this.#known = { readAt: Date.now(), value };
        return value;
      })
      .finally(() => (this.#reading = null));
    return this.#reading;
  }
}
