import type { Level } from "level";
import type { Signer } from "ethers";
import { checkpointText, type Checkpoint, type SignedCheckpoint } from "../../kit/checkpoint.ts";
import { LogError } from "./errors.ts";
import { bytesOf, json, KEY, num } from "./store.ts";

/** Where and when a checkpoint was anchored on chain. */
export interface Anchoring {
  chainId: number;
  anchor: string;
  transactionHash: string;
  blockNumber: number;
}

export interface StoredCheckpoint extends SignedCheckpoint {
  anchoring: Anchoring | null;
}

/** The log's signed checkpoints and which of them are anchored on chain; the latest anchored one held in memory. */
export class Checkpoints {
  readonly #db: Level<string, Uint8Array>;
  #anchored: StoredCheckpoint | null;

  private constructor(db: Level<string, Uint8Array>, anchored: StoredCheckpoint | null) {
    this.#db = db;
    this.#anchored = anchored;
  }

  static async load(db: Level<string, Uint8Array>): Promise<Checkpoints> {
    const anchored = await db.get(KEY.anchored);
    const checkpoints = new Checkpoints(db, null);
    checkpoints.#anchored = anchored ? await checkpoints.at(num(anchored)) : null;
    return checkpoints;
  }

  /** Signs a checkpoint with the log key and keeps it. */
  async sign(body: Checkpoint, logKey: Signer): Promise<StoredCheckpoint> {
    const checkpoint: StoredCheckpoint = {
      ...body,
      signer: await logKey.getAddress(),
      signature: await logKey.signMessage(checkpointText(body)),
      anchoring: null,
    };
    await this.#db.put(KEY.checkpoint(body.treeSize), bytesOf(checkpoint), { sync: true });
    return checkpoint;
  }

  async at(size: number): Promise<StoredCheckpoint | null> {
    const bytes = await this.#db.get(KEY.checkpoint(size));
    return bytes ? json<StoredCheckpoint>(bytes) : null;
  }

  /** Records that the checkpoint of `size` is anchored on chain; it becomes the one proofs are made to. */
  async recordAnchoring(size: number, anchoring: Anchoring): Promise<void> {
    const checkpoint = await this.at(size);
    if (!checkpoint) throw new LogError("CHECKPOINT_UNKNOWN", `no checkpoint of size ${size} was signed`, { field: "treeSize" });
    await this.#db.batch(
      [
        { type: "put", key: KEY.checkpoint(size), value: bytesOf({ ...checkpoint, anchoring }) },
        { type: "put", key: KEY.anchored, value: bytesOf(String(size)) },
      ],
      { sync: true },
    );
    this.#anchored = { ...checkpoint, anchoring };
  }

  /** Every checkpoint of at most `size` anchored on chain, in increasing size. */
  async anchored(size: number): Promise<StoredCheckpoint[]> {
    const found: StoredCheckpoint[] = [];
    for await (const value of this.#db.values({ gte: KEY.checkpoint(0), lte: KEY.checkpoint(size) })) {
      const checkpoint = json<StoredCheckpoint>(value);
      if (checkpoint.anchoring) found.push(checkpoint);
    }
    return found;
  }

  /** The latest anchored checkpoint: every lookup asks for it. */
  get latestAnchored(): StoredCheckpoint | null {
    return this.#anchored;
  }
}
