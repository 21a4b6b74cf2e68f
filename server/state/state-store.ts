import { Level } from "level";
import { coalesced } from "../util/coalesce.ts";

type BatchOperation = { type: "put"; key: string; value: string } | { type: "del"; key: string };

/**
 * The gateway's own working state, beside the record log: receipts, the outbox of ledger
 * transactions, idempotent responses. Nothing here is evidence; the record log and the chain
 * are. Values are JSON.
 */
export class StateStore {
  private readonly db: Level<string, string>;

  private constructor(db: Level<string, string>) {
    this.db = db;
  }

  static async open(path: string): Promise<StateStore> {
    const db = new Level<string, string>(path, { keyEncoding: "utf8", valueEncoding: "utf8" });
    await db.open();
    return new StateStore(db);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const value = await this.db.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  /** The values of `keys`, in their order, in one read. */
  async getMany<T>(keys: readonly string[]): Promise<(T | undefined)[]> {
    const values = await this.db.getMany(keys as string[]);
    return values.map((value) => (value === undefined ? undefined : (JSON.parse(value) as T)));
  }

  /** Writes all entries at once, synced: either all are on disk or none. */
  async put(entries: Record<string, unknown>): Promise<void> {
    await this.write(entries, []);
  }

  /**
   * Writes `entries` and deletes `deletions` at once, synced: all or none. Writes made while
   * another is on its way to disk go together as the next synced batch, in the order they were
   * made (a later write of a key wins, as it would alone): under intake load one fsync and one
   * trip through LevelDB's thread pool then serve a dozen writes instead of each its own.
   */
  async write(entries: Record<string, unknown>, deletions: readonly string[]): Promise<void> {
    await this.#write([
      ...Object.entries(entries).map(([key, value]) => ({ type: "put" as const, key, value: JSON.stringify(value) })),
      ...deletions.map((key) => ({ type: "del" as const, key })),
    ]);
  }

  readonly #write = coalesced(async (writes: BatchOperation[][]) => {
    await this.db.batch(writes.flat(), { sync: true });
    return writes.map(() => ({ status: "fulfilled", value: undefined }) as const);
  });

  /** Every key and value (JSON text) as they stood when this was called (LevelDB's snapshot), while writes go on. */
  entries(): AsyncIterable<[string, string]> {
    return this.db.iterator();
  }

  async delete(key: string): Promise<void> {
    await this.write({}, [key]);
  }

  /** Entries whose keys start with `prefix`, in key order; with `after`, only those whose keys sort after it. */
  async list<T>(prefix: string, after?: string): Promise<[string, T][]> {
    const entries: [string, T][] = [];
    const from = after && after >= prefix ? { gt: after } : { gte: prefix };
    for await (const [key, value] of this.db.iterator({ ...from, lt: prefix + "\uffff" })) entries.push([key, JSON.parse(value) as T]);
    return entries;
  }

  async close(): Promise<void> {
    await this.#write.settled();
    await this.db.close();
  }
}
