import type { Node } from "../../kit/compact-range.ts";
import { LogError } from "./errors.ts";

/**
 * The log stores its perfect subtree hashes in tiles, as transparency-dev/Tessera does: a tile
 * holds four levels of a 16-leaf-wide subtree, so an append of 1,000 records writes about 70
 * LevelDB entries for the tree instead of 2,000, and a proof at 10^6 leaves reads five or six
 * small entries. Tile (level L, index T) holds the nodes at levels 4L..4L+3 over the level-4L
 * nodes [16T, 16T + 16); the node at level 4L+4 is the bottom of the tile above. (Tiles of eight
 * levels, 16 KiB each, made proofs half as fast for no faster appends: every read copies the tile.)
 *
 * A tile's bytes are its rows bottom up, each row its complete nodes left to right, 32 bytes
 * each. A tile with w nodes in its bottom row has ⌊w/2^r⌋ in row r, so its length tells w and the
 * layout: a tile is only ever extended on the right, never changed.
 */
export const TILE_HEIGHT = 4;
const WIDTH = 2 ** TILE_HEIGHT;
const HASH = 32;

export interface TileId {
  level: number;
  index: number;
}

/** Where a node lives: its tile, row within the tile, and place within the row. */
export interface Slot {
  tile: TileId;
  row: number;
  offset: number;
}

export function slotOf(node: Node): Slot {
  const row = node.level % TILE_HEIGHT;
  const rowWidth = WIDTH >> row;
  const index = Math.floor(node.index / rowWidth);
  return { tile: { level: (node.level - row) / TILE_HEIGHT, index }, row, offset: node.index - index * rowWidth };
}

/** Row starts (in hashes) for a tile of bottom width w, and its total, for every w. */
const LAYOUTS = Array.from({ length: WIDTH + 1 }, (_, w) => {
  const starts: number[] = [];
  let total = 0;
  for (let r = 0; r < TILE_HEIGHT; r++) {
    starts.push(total);
    total += Math.floor(w / 2 ** r);
  }
  return { starts, total };
});
const WIDTH_OF_TOTAL = new Map(LAYOUTS.map(({ total }, w) => [total, w]));

/** The bottom width of a stored tile, told by its length; undefined when no tile has that length. */
const widthOf = (tile: Uint8Array) => (tile.length % HASH === 0 ? WIDTH_OF_TOTAL.get(tile.length / HASH) : undefined);

/** The node at `row`, `offset` of a stored tile, or undefined if the tile does not hold it (or is not a tile). */
export function nodeIn(tile: Uint8Array, row: number, offset: number): Uint8Array | undefined {
  const w = widthOf(tile);
  if (w === undefined || offset >= Math.floor(w / 2 ** row)) return undefined;
  const at = (LAYOUTS[w]!.starts[row]! + offset) * HASH;
  return tile.subarray(at, at + HASH);
}

export function decodeTile(tile: Uint8Array): Uint8Array[][] | undefined {
  const w = widthOf(tile);
  if (w === undefined) return undefined;
  const { starts } = LAYOUTS[w]!;
  return starts.map((start, r) => Array.from({ length: Math.floor(w / 2 ** r) }, (_, i) => tile.slice((start + i) * HASH, (start + i + 1) * HASH)));
}

export function encodeTile(rows: readonly Uint8Array[][]): Uint8Array {
  return Buffer.concat(rows.flat());
}

interface EdgeTile {
  index: number;
  rows: Uint8Array[][];
  changed: boolean;
}

const emptyRows = () => Array.from({ length: TILE_HEIGHT }, (): Uint8Array[] => []);

/**
 * The rightmost tile of each tile level: the only tiles an append changes. Nodes are placed as
 * an append completes them, and the tiles they changed are handed out encoded, to be written in
 * the same batch as the records.
 */
export class TileEdge {
  private readonly tiles: Map<number, EdgeTile>;

  private constructor(tiles: Map<number, EdgeTile>) {
    this.tiles = tiles;
  }

  /** The edge of a tree of `size` leaves, its partly filled tiles read with `read`. */
  static async load(size: number, read: (tiles: TileId[]) => Promise<(Uint8Array | undefined)[]>): Promise<TileEdge> {
    const partial: TileId[] = [];
    for (let level = 0; 2 ** (level * TILE_HEIGHT) <= size; level++) {
      const bottom = Math.floor(size / 2 ** (level * TILE_HEIGHT));
      if (bottom % WIDTH !== 0) partial.push({ level, index: Math.floor(bottom / WIDTH) });
    }
    const stored = await read(partial);
    const tiles = new Map<number, EdgeTile>();
    partial.forEach((id, i) => {
      const rows = stored[i] && decodeTile(stored[i]);
      if (!rows) throw new LogError("LOG_CORRUPT", `the stored tree lacks tile ${id.level}/${id.index}, or it is not a tile`, { hint: "restore the data folder from a backup" });
      tiles.set(id.level, { index: id.index, rows, changed: false });
    });
    return new TileEdge(tiles);
  }

  /** A copy to place a batch's nodes in: kept if the batch is written, dropped if not. */
  copy(): TileEdge {
    return new TileEdge(new Map([...this.tiles].map(([level, t]) => [level, { index: t.index, rows: t.rows.map((row) => [...row]), changed: false }])));
  }

  /** Places a newly completed node; a tile it leaves behind full is added to `out`. Nodes come left to right within each level. */
  place(node: Node, hash: Uint8Array, out: Map<TileId, Uint8Array>): void {
    const { tile, row, offset } = slotOf(node);
    let edge = this.tiles.get(tile.level);
    if (!edge || edge.index !== tile.index) {
      if (edge?.changed) out.set({ level: tile.level, index: edge.index }, encodeTile(edge.rows));
      edge = { index: tile.index, rows: emptyRows(), changed: false };
      this.tiles.set(tile.level, edge);
    }
    if (edge.rows[row]!.length !== offset) throw new LogError("LOG_CORRUPT", `tree node ${node.level}/${node.index} does not extend its tile`, { hint: "restore the data folder from a backup" });
    edge.rows[row]!.push(hash);
    edge.changed = true;
  }

  /** Adds every tile changed since the copy was made, encoded, to `out`. */
  flush(out: Map<TileId, Uint8Array>): void {
    for (const [level, edge] of this.tiles) if (edge.changed) out.set({ level, index: edge.index }, encodeTile(edge.rows));
  }
}
