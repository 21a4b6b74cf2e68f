import { emptyRoot, leafHash, nodeHash } from "./hash.ts";

/** Leaves [start, end) of a tree. */
export type Range = readonly [start: number, end: number];

/**
 * The Merkle tree hash MTH(D[start:end]) of a range of leaves. Proofs only ever need the ranges
 * that `inclusionRanges` and `consistencyRanges` list, so a store can fetch exactly those and an
 * in-memory tree can compute them from its leaves: both share the algorithms below.
 */
export type RangeHasher = (start: number, end: number) => Uint8Array;

/** The largest power of two strictly below `n` (n >= 2), the split point of RFC 9162 section 2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The ranges whose hashes form the inclusion proof of leaf `index` in a tree of `size` (RFC 9162 2.1.3.1 PATH), leaf side first. */
export function inclusionRanges(index: number, size: number): Range[] {
  const ranges: Range[] = [];
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
    }
  }
  return ranges.reverse();
}

/** The ranges whose hashes form the consistency proof from `oldSize` to `newSize` (RFC 9162 2.1.4.1 PROOF), deepest first. */
export function consistencyRanges(oldSize: number, newSize: number): Range[] {
  if (oldSize === 0 || oldSize === newSize) return [];
  const ranges: Range[] = [];
  let start = 0;
  let end = newSize;
  let m = oldSize;
  let complete = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) ranges.push([start, end]);
  return ranges.reverse();
}

export function buildInclusionPath(index: number, size: number, hashRange: RangeHasher): Uint8Array[] {
  return inclusionRanges(index, size).map(([s, e]) => hashRange(s, e));
}

export function buildConsistencyPath(oldSize: number, newSize: number, hashRange: RangeHasher): Uint8Array[] {
  return consistencyRanges(oldSize, newSize).map(([s, e]) => hashRange(s, e));
}

/** A RangeHasher over leaves held in memory, memoising every range it computes. */
export function memoryRangeHasher(leaves: readonly Uint8Array[]): RangeHasher {
  const memo = new Map<string, Uint8Array>();
  const hashRange: RangeHasher = (start, end) => {
    if (end - start === 0) return emptyRoot();
    if (end - start === 1) return leafHash(leaves[start]!);
    const key = `${start}:${end}`;
    const known = memo.get(key);
    if (known) return known;
    const k = splitPoint(end - start);
    const hash = nodeHash(hashRange(start, start + k), hashRange(start + k, end));
    memo.set(key, hash);
    return hash;
  };
  return hashRange;
}
