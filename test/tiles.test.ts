import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decodeTile, encodeTile, nodeIn, slotOf, TileEdge, TILE_HEIGHT, type TileId } from "../server/log/tiles.ts";
import { appendLeaf, type Node } from "../kit/compact-range.ts";

const key = (t: TileId) => `${t.level}/${t.index}`;
const hex = (bytes: Uint8Array | undefined) => bytes && Buffer.from(bytes).toString("hex");

describe("tiles", () => {
  it("hold every perfect subtree of a log beyond three tile levels, each where slotOf says, across reloads of the edge", async () => {
    const store = new Map<string, Uint8Array>();
    const read = async (tiles: TileId[]) => tiles.map((t) => store.get(key(t)));
    const written: { node: Node; hash: Uint8Array }[] = [];
    const frontier: (Uint8Array | undefined)[] = [];
    const total = 65_536 + 300;
    let edge = await TileEdge.load(0, read);
    // Uneven batches, the edge reloaded from the store after each, as a restarted gateway does.
    for (let size = 0, batch = 1; size < total; batch = (batch * 7) % 4093) {
      const out = new Map<TileId, Uint8Array>();
      const end = Math.min(total, size + batch);
      for (; size < end; size++) {
        for (const made of appendLeaf(frontier, size, createHash("sha256").update(String(size)).digest())) {
          edge.place(made.node, made.hash, out);
          written.push(made);
        }
      }
      edge.flush(out);
      for (const [tile, bytes] of out) store.set(key(tile), bytes);
      edge = await TileEdge.load(size, read);
    }
    expect(store.has("2/0")).toBe(true);
    for (const { node, hash } of written) {
      const { tile, row, offset } = slotOf(node);
      expect(hex(nodeIn(store.get(key(tile))!, row, offset)), `node ${node.level}/${node.index}`).toBe(hex(hash));
    }
  });

  it("say a node is missing, or a value is not a tile, rather than read past its rows", () => {
    const rows = [Array.from({ length: 5 }, (_, i) => new Uint8Array(32).fill(i)), [new Uint8Array(32).fill(9), new Uint8Array(32).fill(8)], [new Uint8Array(32).fill(7)], ...Array.from({ length: TILE_HEIGHT - 3 }, () => [])];
    const tile = encodeTile(rows);
    expect(decodeTile(tile)!.map((row) => row.map(hex))).toEqual(rows.map((row) => row.map(hex)));
    expect(hex(nodeIn(tile, 1, 1))).toBe(hex(new Uint8Array(32).fill(8)));
    expect(nodeIn(tile, 0, 5)).toBeUndefined();
    expect(nodeIn(tile, 2, 1)).toBeUndefined();
    expect(nodeIn(tile.subarray(0, 100), 0, 0)).toBeUndefined();
    expect(decodeTile(tile.subarray(0, 32 * 2))).toBeUndefined();
  });
});
