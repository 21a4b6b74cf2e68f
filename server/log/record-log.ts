import { Level } from "level";
import type { Signer } from "ethers";
import { hexlify } from "ethers";
import { openRecord, publicView, type AidRecord, type StoredRecord } from "../records/record.ts";
import { open as openEnvelope, seal, type Envelope, type Keyring } from "../records/envelope.ts";
import { DEFAULT_MAX_RECORD_BYTES } from "../records/parse.ts";
import { ProofRangeError } from "../../kit/errors.ts";
import { RECORD_FORMAT, type Suite } from "../../kit/record.ts";
import { consistencyRanges, inclusionRanges } from "../../kit/proof.ts";
import { LogError } from "./errors.ts";
import { KEY, utf8, text, num, json, bytesOf, LAYOUT, hex, lacksEntry, present, storedTiles, readNodes } from "./store.ts";
import { auditLog, type AuditFinding } from "./audit.ts";
import { prepareBatch, unpack, type Prepared } from "./prepare.ts";
import { SealerPool } from "./sealer-pool.ts";
import { coalesced } from "../util/coalesce.ts";
import { appendLeaf, perfectParts } from "../../kit/compact-range.ts";
import { TileEdge, type TileId } from "./tiles.ts";
import { StoredTree } from "./stored-tree.ts";
import { ProofBuilder, type LeafProof } from "./proof-builder.ts";
import { LogIndexes } from "./indexes.ts";
import { Checkpoints, type Anchoring, type StoredCheckpoint } from "./checkpoints.ts";
import { rewrapRecords } from "./key-rotation.ts";

export type { Anchoring, StoredCheckpoint } from "./checkpoints.ts";
export type { LeafProof } from "./proof-builder.ts";

export interface RecordLogOptions {
  /** The log's identity, as anchored on chain (bytes32 hex). */
  logId: string;
  keyring: Keyring;
  maxRecordBytes?: number;
  /** Worker threads that hash and seal records; 0 (the default) does it on the appending thread. */
  workers?: number;
}

export interface Appended {
  recordId: string;
  revision: number;
  leafIndex: number;
  leafHash: string;
}

export interface RecordRevision extends LeafProof {
  /** The whole record when the caller may see personal data; the record as logged otherwise. */
  record: AidRecord | ReturnType<typeof publicView>;
}

export interface RecordProofs {
  recordId: string;
  revisions: (LeafProof & { revision: number })[];
  checkpoint: StoredCheckpoint | null;
}

export interface RecordLookup {
  recordId: string;
  revisions: RecordRevision[];
  checkpoint: StoredCheckpoint | null;
}

/**
 * The append-only, tamper-evident log of a gateway's off-chain records: an RFC 9162 Merkle tree
 * in LevelDB that stores every full subtree hash, so appends never recompute the tree and every
 * proof reads O(log n) nodes. A batch of records is one atomic, synced LevelDB write: a crash
 * leaves the log at the last complete batch, and an append that returned is on disk.
 *
 * This class appends (group commit, revision rules) and answers; its parts keep the rest: the key
 * layout (store.ts), tiles (tiles.ts, stored-tree.ts), proofs (proof-builder.ts), the secondary
 * indexes (indexes.ts), checkpoints (checkpoints.ts), hashing and sealing (prepare.ts and its
 * worker pool), the integrity check (audit.ts) and key rotation (key-rotation.ts).
 */
export class RecordLog {
  #size: number;
  #frontier: (Uint8Array | undefined)[];
  /** The partly filled tiles at the right edge: the ones the next append extends. */
  #edge: TileEdge;
  /** Key rotation runs one at a time. */
  #queue: Promise<unknown> = Promise.resolve();

  private readonly db: Level<string, Uint8Array>;
  private readonly options: Required<RecordLogOptions>;
  private readonly pool: SealerPool | null;
  readonly #tree: StoredTree;
  readonly #proofs: ProofBuilder;
  readonly #indexes: LogIndexes;
  readonly #checkpoints: Checkpoints;

  private constructor(
    db: Level<string, Uint8Array>,
    options: Required<RecordLogOptions>,
    pool: SealerPool | null,
    state: { size: number; frontier: (Uint8Array | undefined)[]; edge: TileEdge; checkpoints: Checkpoints },
  ) {
    this.db = db;
    this.options = options;
    this.pool = pool;
    this.#size = state.size;
    this.#frontier = state.frontier;
    this.#edge = state.edge;
    this.#tree = new StoredTree(db);
    this.#proofs = new ProofBuilder(this.#tree);
    this.#indexes = new LogIndexes(db);
    this.#checkpoints = state.checkpoints;
  }

  static async open(path: string, options: RecordLogOptions): Promise<RecordLog> {
    if (!/^0x[0-9a-f]{64}$/.test(options.logId)) {
      throw new LogError("LOG_CONFIG_INVALID", `log id ${options.logId} is not 0x and 64 lower-case hex digits`, { field: "logId" });
    }
    // A larger memtable flushes less often, and a larger block cache keeps more of the blocks
    // proofs read decompressed, for a bounded memory (the sizes: docs/performance.md).
    const db = new Level<string, Uint8Array>(path, { keyEncoding: "utf8", valueEncoding: "view", writeBufferSize: 64 * 2 ** 20, cacheSize: 64 * 2 ** 20 });
    await db.open();
    const storedId = await db.get(KEY.logId);
    if (storedId && text.decode(storedId) !== options.logId) {
      await db.close();
      throw new LogError("LOG_CONFIG_INVALID", `${path} holds log ${text.decode(storedId)}, not ${options.logId}`, {
        field: "logId",
        hint: "point the data folder at this log's own store, or configure its log id",
      });
    }
    const layout = await db.get(KEY.layout);
    if (layout && text.decode(layout) !== LAYOUT) {
      await db.close();
      // A store laid out as this version's but for its records' format holds records this version cannot read.
      const [tree, format = "1"] = text.decode(layout).split(";records/");
      throw tree === LAYOUT.split(";records/")[0] && format !== String(RECORD_FORMAT)
        ? new LogError("LOG_FORMAT_OLD", `${path} holds records of format ${format}, whose leaves carry personal fields in the clear; this version logs format ${RECORD_FORMAT}, each personal field a salted commitment (docs/records.md), and does not convert a log`, {
            hint: "start a new data folder (for the demo: delete .aidtrail and run npm start again)",
          })
        : new LogError("LOG_CONFIG_INVALID", `${path} stores its tree as ${text.decode(layout)}; this version reads ${LAYOUT}`, {
            hint: "open it with the version that wrote it, or start a new data folder",
          });
    }
    // A log keeps the suite it began with: records committed and sealed in one suite and read in another would fail every check.
    const suite = (await db.get(KEY.suite)) ?? (storedId && utf8.encode("standard"));
    if (suite && text.decode(suite) !== options.keyring.suite) {
      await db.close();
      throw new LogError("LOG_SUITE_CHANGED", `${path} holds a log of the ${text.decode(suite)} cryptographic suite; the deployment is configured for the ${options.keyring.suite} suite`, {
        field: "suite",
        hint: "a deployment chooses its suite once (docs/cryptography.md): use the deployment file the log was begun with, or start a new data folder and log",
      });
    }
    if (!storedId) {
      await db.batch(
        [
          { type: "put", key: KEY.logId, value: utf8.encode(options.logId) },
          { type: "put", key: KEY.layout, value: utf8.encode(LAYOUT) },
          { type: "put", key: KEY.suite, value: utf8.encode(options.keyring.suite) },
        ],
        { sync: true },
      );
    }
    const sizeBytes = await db.get(KEY.size);
    const size = sizeBytes ? num(sizeBytes) : 0;
    const readTiles = storedTiles(db);
    const frontier: (Uint8Array | undefined)[] = [];
    let edge: TileEdge;
    let checkpoints: Checkpoints;
    try {
      // The right-edge frontier is the perfect subtrees that make up the whole tree.
      const nodes = perfectParts(0, size);
      present(await readNodes(readTiles, nodes), nodes).forEach((hash, i) => {
        frontier[nodes[i]!.level] = hash;
      });
      edge = await TileEdge.load(size, readTiles);
      checkpoints = await Checkpoints.load(db);
    } catch (error) {
      await db.close();
      throw error;
    }
    const settings = { maxRecordBytes: DEFAULT_MAX_RECORD_BYTES, workers: 0, ...options };
    const pool = settings.workers > 0 ? SealerPool.create(settings.workers, settings.keyring, settings.maxRecordBytes) : null;
    return new RecordLog(db, settings, pool, { size, frontier, edge, checkpoints });
  }

  get size(): number {
    return this.#size;
  }

  get logId(): string {
    return this.options.logId;
  }

  /**
   * Every key and value of the log's store, as they stood when this was called (LevelDB's
   * snapshot, taken as the iterator is made), while appends go on: what a backup copies.
   */
  entries(): AsyncIterable<[string, Uint8Array]> {
    return this.db.iterator();
  }

  /** The cryptographic suite of the log's records: its keyring's, the same since the log began. */
  get suite(): Suite {
    return this.options.keyring.suite;
  }

  /**
   * Appends records atomically, all or none, and returns where each landed. Hashing and sealing
   * happen before the append takes its turn, so they overlap the previous append's disk write.
   */
  append(records: readonly AidRecord[]): Promise<Appended[]> {
    let prepared: Promise<Prepared[]>;
    try {
      prepared = this.pool
        ? this.pool.prepare(records)
        : Promise.resolve(unpack(records, prepareBatch(records, this.options.keyring, this.options.maxRecordBytes)));
    } catch (error) {
      return Promise.reject(error);
    }
    // Its group looks at it a turn of the event loop later; a refusal until then is not unhandled.
    prepared.catch(() => undefined);
    return this.#commit(prepared);
  }

  /**
   * Group commit (see coalesced): the appends made while one write is on its way to disk are
   * written together, in the order they were made, in one synced LevelDB batch. Each append is
   * still all or nothing: one that is refused is left out of the group, and the others go on.
   * Reads need no lock: stored nodes never change.
   */
  readonly #commit = coalesced((group: Promise<Prepared[]>[]) => this.#commitGroup(group));

  async #commitGroup(group: Promise<Prepared[]>[]): Promise<PromiseSettledResult<Appended[]>[]> {
    const outcomes: PromiseSettledResult<Appended[]>[] = [];
    const refuse = (i: number, reason: unknown) => (outcomes[i] = { status: "rejected", reason });
    const prepared = await Promise.allSettled(group);
    // The stored revisions of every record in the group, in one read: a read per append is a
    // turn of the event loop each, which under load held the whole group back.
    const ids = [...new Set(prepared.flatMap((p) => (p.status === "fulfilled" ? p.value.map(({ record }) => record.recordId) : [])))];
    const stored = await this.#indexes.revisionLists(ids);
    /** The leaf indexes of each record's revisions as they will stand once this group is written; NaN until a joining revision has its leaf. */
    const revisions = new Map(ids.map((id, i) => [id, stored[i]!]));
    const accepted: { ticket: number; ready: Prepared[] }[] = [];
    prepared.forEach((outcome, ticket) => {
      try {
        if (outcome.status === "rejected") throw outcome.reason;
        this.#assertNew(outcome.value, revisions);
        accepted.push({ ticket, ready: outcome.value });
      } catch (error) {
        refuse(ticket, error);
      }
    });
    if (accepted.length === 0) return outcomes;

    const frontier = [...this.#frontier];
    const edge = this.#edge.copy();
    const tiles = new Map<TileId, Uint8Array>();
    // A chained batch: each put crosses to LevelDB with its key and value as arguments, cheaper
    // for the appending thread than an array batch, whose every operation is an object LevelDB's
    // binding must read three properties from.
    const batch = this.db.batch();
    let size = this.#size;
    const results = accepted.map(({ ready }) =>
      ready.map(({ record, leaf, stored }) => {
        const index = size++;
        for (const { node, hash } of appendLeaf(frontier, index, leaf)) edge.place(node, hash, tiles);
        const position = bytesOf(String(index));
        const leafHash = hex(leaf);
        batch.put(KEY.entry(index), stored);
        this.#indexes.putLeaf(batch, index, position, leafHash, record.caseId);
        revisions.get(record.recordId)![record.revision] = index;
        return { recordId: record.recordId, revision: record.revision, leafIndex: index, leafHash };
      }),
    );
    for (const recordId of new Set(accepted.flatMap(({ ready }) => ready.map((p) => p.record.recordId)))) {
      this.#indexes.putRevisions(batch, recordId, revisions.get(recordId)!);
    }
    edge.flush(tiles);
    for (const [tile, value] of tiles) batch.put(KEY.tile(tile), value);
    batch.put(KEY.size, bytesOf(String(size)));
    try {
      await batch.write({ sync: true });
    } catch (error) {
      for (const { ticket } of accepted) refuse(ticket, error);
      return outcomes;
    }
    this.#size = size;
    this.#frontier = frontier;
    this.#edge = edge;
    accepted.forEach(({ ticket }, i) => (outcomes[ticket] = { status: "fulfilled", value: results[i]! }));
    return outcomes;
  }

  /**
   * Refuses a record whose revision is already logged or earlier in the same group, or that skips
   * a revision; on success the revisions join `revisions` (see #commitGroup, which holds every
   * record's stored revisions), and on refusal none of the append's do. A leaf equal to a logged
   * one needs no check of its own: the leaf is the canonical record, so it carries the same
   * record id and revision, which this refuses.
   */
  #assertNew(prepared: readonly Prepared[], revisions: Map<string, number[]>): void {
    const counts = new Map<string, number>();
    for (const { record } of prepared) {
      const count = counts.get(record.recordId) ?? revisions.get(record.recordId)!.length;
      const name = `${record.recordId} revision ${record.revision}`;
      if (record.revision < count) {
        throw new LogError("RECORD_EXISTS", `${name} is already in the log`, { field: "revision", hint: "append a correction as the next revision" });
      }
      if (record.revision > count) throw new LogError("RECORD_REVISION_GAP", `${name} follows no revision ${record.revision - 1}`, { field: "revision" });
      counts.set(record.recordId, count + 1);
    }
    for (const [id, count] of counts) {
      const list = revisions.get(id)!;
      while (list.length < count) list.push(Number.NaN);
    }
  }

  #checkSize(size: number, field: string): void {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.#size) {
      throw new ProofRangeError(`${field} ${size} is outside 0..${this.#size}, the log's size`, field);
    }
  }

  /** The RFC 9162 root of the first `size` leaves (any past size). */
  async root(size = this.#size): Promise<Uint8Array> {
    this.#checkSize(size, "treeSize");
    const [hash] = await this.#tree.hashRanges([[0, size]]);
    return hash!;
  }

  async inclusionProof(index: number, size = this.#size): Promise<Uint8Array[]> {
    this.#checkSize(size, "treeSize");
    if (!Number.isSafeInteger(index) || index < 0 || index >= size) {
      throw new ProofRangeError(`leaf index ${index} is outside a tree of ${size} leaves`, "leafIndex");
    }
    return this.#tree.hashRanges(inclusionRanges(index, size));
  }

  async consistencyProof(oldSize: number, newSize = this.#size): Promise<Uint8Array[]> {
    this.#checkSize(newSize, "newSize");
    if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > newSize) {
      throw new ProofRangeError(`old size ${oldSize} is outside 0..${newSize}`, "oldSize");
    }
    return this.#tree.hashRanges(consistencyRanges(oldSize, newSize));
  }

  async leafHash(index: number): Promise<Uint8Array> {
    this.#checkIndex(index);
    const [hash] = await this.#tree.hashRanges([[index, index + 1]]);
    return hash!;
  }

  /** The leaf hashes of [start, end), in one read. */
  async leafHashes(start: number, end: number): Promise<Uint8Array[]> {
    this.#checkSize(end, "end");
    return this.#tree.nodes(Array.from({ length: Math.max(0, end - start) }, (_, i) => ({ level: 0, index: start + i })));
  }

  /** The record at leaf `index`, its personal fields opened. */
  async record(index: number): Promise<AidRecord> {
    return this.open(await this.stored(index));
  }

  /** A stored record already read, its personal fields opened with the log's keyring. */
  open(stored: StoredRecord): AidRecord {
    return openRecord(stored, this.options.keyring);
  }

  /** Seals bytes that go with the log's records (a document's content) under its keyring, as personal fields are; `context` must be given again to open them. */
  sealBytes(bytes: Uint8Array, context: string): Envelope {
    return seal(bytes, this.options.keyring, context);
  }

  /** Bytes sealed by sealBytes, opened. */
  openBytes(envelope: Envelope, context: string): Buffer {
    return openEnvelope(envelope, this.options.keyring, context);
  }

  async stored(index: number): Promise<StoredRecord> {
    this.#checkIndex(index);
    const bytes = await this.db.get(KEY.entry(index));
    if (!bytes) throw lacksEntry(index);
    return json<StoredRecord>(bytes);
  }

  #checkIndex(index: number): void {
    if (!Number.isSafeInteger(index) || index < 0 || index >= this.#size) {
      throw new ProofRangeError(`leaf index ${index} is outside a log of ${this.#size} leaves`, "leafIndex");
    }
  }

  indexOfLeafHash(hash: Uint8Array): Promise<number | null> {
    return this.#indexes.leafIndexOf(hash);
  }

  /** Leaf indexes of every revision of a record, first revision first: one read. */
  async revisionIndexes(recordId: string): Promise<number[]> {
    return this.#indexes.revisionIndexes(recordId);
  }

  /** Leaf indexes of every revision of a record, or the error that it is not in the log. */
  async #loggedRevisions(recordId: string): Promise<number[]> {
    const indexes = await this.revisionIndexes(recordId);
    if (indexes.length === 0) throw new LogError("RECORD_NOT_FOUND", `no record ${recordId} is in this log`, { field: "recordId" });
    return indexes;
  }

  /** Leaf indexes of every record about a case (its application revisions, decisions, objections, reads), oldest first. */
  caseLeafIndexes(caseId: string): Promise<number[]> {
    return this.#indexes.caseLeafIndexes(caseId);
  }

  /** Signs a checkpoint of the current size with the log key and keeps it. */
  async signCheckpoint(logKey: Signer, time = new Date()): Promise<StoredCheckpoint> {
    const size = this.#size;
    return this.#checkpoints.sign({ logId: this.logId, suite: this.suite, treeSize: size, root: hexlify(await this.root(size)), time: time.toISOString() }, logKey);
  }

  checkpointAt(size: number): Promise<StoredCheckpoint | null> {
    return this.#checkpoints.at(size);
  }

  /** Records that the checkpoint of `size` is anchored on chain; it becomes the one proofs are made to. */
  recordAnchoring(size: number, anchoring: Anchoring): Promise<void> {
    return this.#checkpoints.recordAnchoring(size, anchoring);
  }

  /** Every checkpoint anchored on chain, in increasing size. */
  anchoredCheckpoints(): Promise<StoredCheckpoint[]> {
    return this.#checkpoints.anchored(this.#size);
  }

  /** The hashes of the perfect subtrees left of leaf `start`: with the leaves from `start` on, they rebuild every later root. */
  async leftOf(start: number): Promise<Uint8Array[]> {
    this.#checkSize(start, "start");
    return this.#tree.nodes(perfectParts(0, start));
  }

  /** The latest anchored checkpoint, held in memory: every lookup asks for it. */
  async latestAnchored(): Promise<StoredCheckpoint | null> {
    return this.#checkpoints.latestAnchored;
  }

  /**
   * A record and all its revisions, each with its inclusion proof to the latest anchored
   * checkpoint (none for revisions appended since). Personal fields are opened only if `decrypt`.
   */
  async lookup(recordId: string, { decrypt }: { decrypt: boolean }): Promise<RecordLookup> {
    const indexes = await this.#loggedRevisions(recordId);
    const checkpoint = this.#checkpoints.latestAnchored;
    return { recordId, revisions: await this.#revisions(indexes, checkpoint, decrypt), checkpoint };
  }

  /** The record at one leaf, found by its index, with its proof to the latest anchored checkpoint. */
  async lookupLeaf(leafIndex: number, { decrypt }: { decrypt: boolean }): Promise<RecordLookup> {
    this.#checkIndex(leafIndex);
    const checkpoint = this.#checkpoints.latestAnchored;
    const [revision] = await this.#revisions([leafIndex], checkpoint, decrypt);
    return { recordId: revision!.record.recordId, revisions: [revision!], checkpoint };
  }

  /** The record whose leaf hash is `hash`, as `lookupLeaf` gives it. */
  async lookupLeafHash(hash: Uint8Array, options: { decrypt: boolean }): Promise<RecordLookup> {
    const leafIndex = await this.indexOfLeafHash(hash);
    if (leafIndex === null) throw new LogError("RECORD_NOT_FOUND", `no record with leaf hash ${hexlify(hash)} is in this log`, { field: "leafHash" });
    return this.lookupLeaf(leafIndex, options);
  }

  /** Records at leaves, each with its leaf hash and its proof to `checkpoint`. */
  async #revisions(indexes: readonly number[], checkpoint: StoredCheckpoint | null, decrypt: boolean): Promise<RecordRevision[]> {
    const entries = indexes.map((leafIndex) => this.db.getSync(KEY.entry(leafIndex)));
    const proofs = await this.#proofs.proofsOf(indexes, checkpoint?.treeSize ?? 0);
    return indexes.map((leafIndex, i) => {
      if (!entries[i]) throw lacksEntry(leafIndex);
      const stored = json<StoredRecord>(entries[i]);
      return { ...proofs[i]!, record: decrypt ? this.open(stored) : publicView(stored) };
    });
  }

  /**
   * Each revision of a record with its leaf hash and its proof to the latest anchored checkpoint,
   * as a public proof lookup gives them: the record itself is not read.
   */
  async proofs(recordId: string): Promise<RecordProofs> {
    const indexes = await this.#loggedRevisions(recordId);
    const checkpoint = this.#checkpoints.latestAnchored;
    // Revisions have no gaps, so a revision's number is its place in the list.
    return { recordId, checkpoint, revisions: (await this.#proofs.proofsOf(indexes, checkpoint?.treeSize ?? 0)).map((proof, revision) => ({ revision, ...proof })) };
  }

  /**
   * Re-reads every record and every stored hash, as an auditor would (see auditLog); from `from`,
   * only the records appended since that size.
   */
  audit(from = 0): Promise<AuditFinding[]> {
    return auditLog({ db: this.db, size: this.#size, keyring: this.options.keyring, anchored: () => this.latestAnchored(), root: (size) => this.root(size) }, from);
  }

  /** Re-wraps every record's data key under the keyring's current master key (see rewrapRecords). */
  async rewrapAll(): Promise<number> {
    const run = this.#queue.then(() => rewrapRecords(this.db, this.#size, this.options.keyring));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.#commit.settled();
    await this.#queue;
    await this.pool?.close();
    await this.db.close();
  }
}
