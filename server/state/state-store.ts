import { Level } from "level";

/**
 * The gateway's own working state, beside the record log: receipts, the outbox of ledger
 * transactions, idempotent responses. Nothing here is evidence; the record log and the chain
 * are. Values are JSON.
 */
export class StateStore {
  private constructor(private readonly db: Level<string, string>) {}

  static async open(path: string): Promise<StateStore> {
    const db = new Level<string, string>(path, { keyEncoding: "utf8", valueEncoding: "utf8" });
    await db.open();
    return new StateStore(db);
  }

  async get<T>(key: string): Promise<T | undefined> {
    const value = await this.db.get(key);
    return value === undefined ? undefined : (JSON.parse(value) as T);
  }

  /** Writes all entries at once, synced: either all are on disk or none. */
  async put(entries: Record<string, unknown>): Promise<void> {
    await this.write(entries, []);
  }

  /** Writes `entries` and deletes `deletions` at once, synced: all or none. */
  async write(entries: Record<string, unknown>, deletions: readonly string[]): Promise<void> {
    await this.db.batch(
      [
        ...Object.entries(entries).map(([key, value]) => ({ type: "put" as const, key, value: JSON.stringify(value) })),
        ...deletions.map((key) => ({ type: "del" as const, key })),
      ],
      { sync: true },
    );
  }

  async delete(key: string): Promise<void> {
    await this.db.del(key, { sync: true });
  }

  /** Entries whose keys start with `prefix`, in key order. */
  async list<T>(prefix: string): Promise<[string, T][]> {
    const entries: [string, T][] = [];
    for await (const [key, value] of this.db.iterator({ gte: prefix, lt: prefix + "\uffff" })) entries.push([key, JSON.parse(value) as T]);
    return entries;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
