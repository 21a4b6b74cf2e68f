import type { Level } from "level";
import { bytesOf, hex, indexesOf, KEY, num } from "./store.ts";

type Batch = ReturnType<Level<string, Uint8Array>["batch"]>;

/**
 * The log's secondary indexes, written in the same batch as the leaves they point at: leaf index
 * by leaf hash, each record's revisions as one list, each case's records.
 */
export class LogIndexes {
  readonly #db: Level<string, Uint8Array>;

  constructor(db: Level<string, Uint8Array>) {
    this.#db = db;
  }

  async leafIndexOf(hash: Uint8Array): Promise<number | null> {
    const bytes = await this.#db.get(KEY.leaf(hex(hash)));
    return bytes ? num(bytes) : null;
  }

  /** Leaf indexes of every revision of a record, first revision first: one read. */
  revisionIndexes(recordId: string): number[] {
    const list = this.#db.getSync(KEY.revisions(recordId));
    return list ? indexesOf(list) : [];
  }

  /** The revision lists of several records, in one read. */
  async revisionLists(recordIds: readonly string[]): Promise<number[][]> {
    return (await this.#db.getMany(recordIds.map(KEY.revisions))).map((list) => (list ? indexesOf(list) : []));
  }

  /** Leaf indexes of every record about a case, oldest first. */
  async caseLeafIndexes(caseId: string): Promise<number[]> {
    const indexes: number[] = [];
    for await (const value of this.#db.values(KEY.caseLeaves(caseId))) indexes.push(num(value));
    return indexes;
  }

  /** Adds a leaf to the indexes of its hash and of its case, in `batch`. */
  putLeaf(batch: Batch, leafIndex: number, position: Uint8Array, leafHash: string, caseId: string | null | undefined): void {
    batch.put(KEY.leaf(leafHash), position);
    if (caseId) batch.put(KEY.caseLeaf(caseId, leafIndex), position);
  }

  /** A record's revision list as it stands once `batch` is written. */
  putRevisions(batch: Batch, recordId: string, indexes: readonly number[]): void {
    batch.put(KEY.revisions(recordId), bytesOf(indexes.join(",")));
  }
}
