import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { leafHash, perfectParts, rootHash, rootsOverRange } from "../kit/index.ts";
import { foldParts } from "../kit/compact-range.ts";

const leaves = Array.from({ length: 70 }, (_, i) => createHash("sha256").update(`leaf ${i}`).digest());
const hashes = leaves.map((l) => leafHash(l));
/** The perfect subtree hashes of [0, start), each from the reference tree hash of its leaves. */
const left = (start: number) => perfectParts(0, start).map(({ level, index }) => rootHash(leaves.slice(index * 2 ** level, (index + 1) * 2 ** level)));

describe("compact ranges", () => {
  it("rebuild the root of every size from the subtrees to their left and the leaves after", () => {
    for (const start of [0, 1, 2, 3, 7, 8, 13, 32, 33, 64]) {
      const sizes = Array.from({ length: 70 - start + 1 }, (_, i) => start + i);
      const roots = rootsOverRange(left(start), start, hashes.slice(start), sizes);
      for (const size of sizes) expect(Buffer.from(roots.get(size)!).toString("hex"), `start ${start}, size ${size}`).toBe(Buffer.from(rootHash(leaves.slice(0, size))).toString("hex"));
      expect(foldParts(left(start))).toEqual(rootHash(leaves.slice(0, start)));
    }
  });

  it("make another root when a leaf is changed, left out or moved", () => {
    const root = rootHash(leaves);
    const changed = [...hashes];
    changed[40] = leafHash(Buffer.from("forged"));
    expect(rootsOverRange(left(33), 33, changed.slice(33), [70]).get(70)).not.toEqual(root);
    const swapped = [...hashes];
    [swapped[40], swapped[41]] = [swapped[41]!, swapped[40]!];
    expect(rootsOverRange(left(33), 33, swapped.slice(33), [70]).get(70)).not.toEqual(root);
    expect(rootsOverRange(left(33), 33, hashes.slice(34), [69]).get(69)).not.toEqual(rootHash(leaves.slice(0, 69)));
  });

  it("refuse a left side of the wrong shape", () => {
    expect(() => rootsOverRange(left(33).slice(1), 33, hashes.slice(33), [70])).toThrow(/33 leaves make 2 perfect subtrees, not 1/);
  });
});
