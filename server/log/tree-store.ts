import { emptyRoot, nodeHash } from "../verify/index.ts";

/**
 * Where the full subtree hashes of the log live: node (level, index) is the hash of leaves
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
