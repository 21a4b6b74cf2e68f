import type { Level } from "level";
import type { Node } from "../../kit/compact-range.ts";
import { LogError } from "./errors.ts";
import { RECORD_FORMAT } from "../../kit/record.ts";
import { nodeIn, slotOf, TILE_HEIGHT, type TileId } from "./tiles.ts";

/*
 * How the record log lies in LevelDB: its key layout, and reading the tree's stored nodes out of
 * their tiles.
 */

const pad = (n: number) => n.toString(16).padStart(13, "0");
/** The LevelDB key layout (documented in docs/records.md). */
export const KEY = {
  size: "m:size",
  anchored: "m:anchored",
  logId: "m:logId",
  layout: "m:layout",
  suite: "m:suite",
  tile: (t: TileId) => `t:${t.level.toString().padStart(2, "0")}:${pad(t.index)}`,
  entry: (i: number) => `e:${pad(i)}`,
  /** By the leaf hash as `hex` gives it. */
  leaf: (hashHex: string) => `h:${hashHex.slice(2)}`,
  revisions: (recordId: string) => `r:${recordId}`,
  caseLeaf: (caseId: string, index: number) => `k:${caseId}:${pad(index)}`,
  /** The range of every caseLeaf key of a case. */
  caseLeaves: (caseId: string) => ({ gte: `k:${caseId}:`, lt: `k:${caseId};` }),
  checkpoint: (size: number) => `c:${pad(size)}`,
};
export const utf8 = new TextEncoder();
export const text = new TextDecoder();
export const num = (bytes: Uint8Array) => Number(text.decode(bytes));
export const json = <T>(bytes: Uint8Array) => JSON.parse(text.decode(bytes)) as T;
/** Buffer.from, as its small buffers share one allocation: an append writes two for each record. */
export const bytesOf = (value: unknown): Uint8Array => Buffer.from(typeof value === "string" ? value : JSON.stringify(value));
/** The tree in tiles of TILE_HEIGHT levels; each record's revisions in one list; records of the kit's format. */
export const LAYOUT = `tiles/${TILE_HEIGHT};revision-lists;records/${RECORD_FORMAT}`;
export const indexesOf = (bytes: Uint8Array) => text.decode(bytes).split(",").map(Number);
/** 0x-hex, as ethers' hexlify gives it, at a tenth of its cost: a proof is twenty hashes. */
export const hex = (bytes: Uint8Array) => "0x" + Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("hex");
export const RESTORE = { hint: "run the audit; restore the data folder from a backup" };
export const lacks = (node: Node) => new LogError("LOG_CORRUPT", `the stored tree lacks node ${node.level}/${node.index}`, RESTORE);
export const lacksEntry = (index: number) => new LogError("LOG_CORRUPT", `the log lacks its entry ${index}`, RESTORE);
/** The hashes read for `nodes`, each one there, or the error naming the first that is not. */
export const present = (hashes: (Uint8Array | undefined)[], nodes: readonly Node[]): Uint8Array[] =>
  hashes.map((hash, i) => {
    if (!hash) throw lacks(nodes[i]!);
    return hash;
  });

export type TileReader = (tiles: TileId[]) => Promise<(Uint8Array | undefined)[]>;

/** Tiles as LevelDB stores them, past any cache. */
export const storedTiles =
  (db: Level<string, Uint8Array>): TileReader =>
  (tiles) =>
    db.getMany(tiles.map(KEY.tile));

/** A tile as one number, for maps: tile indexes stay below 2^40 (16^10 leaves), levels below 2^9. */
export const tileNumber = (tile: TileId) => tile.level * 2 ** 44 + tile.index;

/**
 * The stored hashes of `nodes`, reading each tile once: a proof's cost is the number of reads more
 * than their size. Undefined where the store lacks one.
 */
export async function readNodes(read: TileReader, nodes: readonly Node[]): Promise<(Uint8Array | undefined)[]> {
  const slots = nodes.map(slotOf);
  const positions = new Map<number, number>();
  const tiles: TileId[] = [];
  const tileAt = slots.map(({ tile }) => {
    const key = tileNumber(tile);
    let position = positions.get(key);
    if (position === undefined) {
      position = tiles.push(tile) - 1;
      positions.set(key, position);
    }
    return position;
  });
  const stored = await read(tiles);
  return slots.map((slot, i) => {
    const tile = stored[tileAt[i]!];
    return tile && nodeIn(tile, slot.row, slot.offset);
  });
}

