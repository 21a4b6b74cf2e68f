import type { Level } from "level";
import { foldParts, perfectParts, type Node } from "../../kit/compact-range.ts";
import type { Range } from "../../kit/proof.ts";
import { KEY, present, readNodes, tileNumber } from "./store.ts";
import { TILE_HEIGHT, type TileId } from "./tiles.ts";

/** Complete tiles above the bottom level never change and are few (about 4,200 at 10^6 leaves, 1 KiB each): proofs read them from memory. */
const CACHED_TILES = 16_384;
const FULL_TILE = (2 ** (TILE_HEIGHT + 1) - 2) * 32;

/** The tree's stored hashes, read out of their tiles through a cache of the complete upper tiles. */
export class StoredTree {
  readonly #db: Level<string, Uint8Array>;
  /** Complete upper tiles, by tileNumber; they never change. */
  readonly #tiles = new Map<number, Uint8Array>();

  constructor(db: Level<string, Uint8Array>) {
    this.#db = db;
  }

  /**
   * Reads tiles through the cache. The reads are synchronous: a lookup's few small reads cost
   * microseconds each from LevelDB's block cache or the page cache, less than a round trip through
   * the thread pool, whose workers also contend for LevelDB's lock (docs/performance.md).
   */
  #readTiles = async (tiles: TileId[]): Promise<(Uint8Array | undefined)[]> =>
    tiles.map((tile) => {
      const cached = this.#tiles.get(tileNumber(tile));
      if (cached) return cached;
      const read = this.#db.getSync(KEY.tile(tile));
      // Upper tiles only: the bottom level's tiles are as many as the leaves / 16.
      if (read && read.length === FULL_TILE && tile.level > 0 && this.#tiles.size < CACHED_TILES) this.#tiles.set(tileNumber(tile), read);
      return read;
    });

  /** The stored hashes of `nodes`, or the error naming the first the store lacks. */
  async nodes(nodes: readonly Node[]): Promise<Uint8Array[]> {
    return present(await readNodes(this.#readTiles, nodes), nodes);
  }

  /** Hashes of ranges, each folded from its stored perfect subtrees, in one batched read. */
  async hashRanges(ranges: readonly Range[]): Promise<Uint8Array[]> {
    const parts = ranges.map(([s, e]) => perfectParts(s, e));
    const stored = await this.nodes(parts.flat());
    let at = 0;
    return parts.map((group) => foldParts(group.map(() => stored[at++]!)));
  }
}
