import { emptyRoot, nodeHash } from "./hash.ts";

/**
 * Perfect subtrees of an RFC 9162 tree: the log stores them, and a verifier holding the perfect
 * subtrees left of a range of leaves (a compact range) rebuilds the root of every size in it.
 * Node (level, index) is the hash of leaves
 * [index * 2^level, (index + 1) * 2^level). Perfect subtrees never change once complete, so every
 * RFC 9162 range of every past size is a fold of at most log2(n) stored nodes.
 */
export interface Node {
  level: number;
  index: number;
}

/** The perfect subtrees that make up [start, end), left to right: the largest aligned one first. */
export function perfectParts(start: number, end: number): Node[] {
  const parts: Node[] = [];
  while (start < end) {
    let size = 1;
    while (start % (size * 2) === 0 && start + size * 2 <= end) size *= 2;
    parts.push({ level: Math.log2(size), index: start / size });
    start += size;
  }
  return parts;
}

/** MTH of a range from the hashes of its perfect parts: RFC 9162 splits off the largest left subtree first. */
export function foldParts(hashes: Uint8Array[]): Uint8Array {
  if (hashes.length === 0) return emptyRoot();
  let acc = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i]!, acc);
  return acc;
}

/** The nodes an append of one leaf at `index` completes, given the right-edge frontier (mutated). */
export function appendLeaf(frontier: (Uint8Array | undefined)[], index: number, leaf: Uint8Array): { node: Node; hash: Uint8Array }[] {
  const written = [{ node: { level: 0, index }, hash: leaf }];
  let hash = leaf;
  let level = 0;
  let at = index;
  while (at % 2 === 1) {
    hash = nodeHash(frontier[level]!, hash);
    frontier[level] = undefined;
    level += 1;
    at = (at - 1) / 2;
    written.push({ node: { level, index: at }, hash });
  }
  frontier[level] = hash;
  return written;
}

/**
 * The roots of the tree at each of `sizes`, rebuilt from the perfect subtree hashes of
 * [0, start) (`left`, as `perfectParts(0, start)` lists them) and the leaf hashes of
 * [start, start + leaves.length). Every size must lie in that span; a size the span does not reach
 * has no entry. This checks every leaf's inclusion at its index, and that none is missing, with
 * one hash per node instead of a proof per leaf.
 */
export function rootsOverRange(left: readonly Uint8Array[], start: number, leaves: readonly Uint8Array[], sizes: readonly number[]): Map<number, Uint8Array> {
  const parts = perfectParts(0, start);
  if (parts.length !== left.length) throw new RangeError(`${start} leaves make ${parts.length} perfect subtrees, not ${left.length}`);
  const frontier: (Uint8Array | undefined)[] = [];
  parts.forEach((node, i) => (frontier[node.level] = left[i]));
  const wanted = new Set(sizes);
  const roots = new Map<number, Uint8Array>();
  const fold = () => foldParts(frontier.filter((h): h is Uint8Array => h !== undefined).reverse());
  if (wanted.has(start)) roots.set(start, fold());
  leaves.forEach((leaf, i) => {
    appendLeaf(frontier, start + i, leaf);
    if (wanted.has(start + i + 1)) roots.set(start + i + 1, fold());
  });
  return roots;
}
