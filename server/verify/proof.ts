import { emptyRoot, leafHash, nodeHash } from "./hash.ts";

/**
 * The Merkle tree hash MTH(D[start:end]) of a contiguous range of leaves. Proof building only
 * ever asks for ranges RFC 9162 defines, so a store can answer from saved subtree hashes and an
 * in-memory tree from its leaves: the algorithms below serve both.
 */
export type RangeHasher = (start: number, end: number) => Uint8Array;

/** The largest power of two strictly below `n` (n >= 2), the split point of RFC 9162 section 2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** RFC 9162 section 2.1.3.1 PATH(m, D[start:end]), leaf-side first. */
export function buildInclusionPath(index: number, size: number, hashRange: RangeHasher): Uint8Array[] {
  const path: Uint8Array[] = [];
  let start = 0;
  let end = size;
  let m = index;
  const siblings: Uint8Array[] = [];
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      siblings.push(hashRange(start + k, end));
      end = start + k;
    } else {
      siblings.push(hashRange(start, start + k));
      start += k;
      m -= k;
    }
  }
  for (let i = siblings.length - 1; i >= 0; i--) path.push(siblings[i]!);
  return path;
}

/** RFC 9162 section 2.1.4.1 PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true). */
export function buildConsistencyPath(oldSize: number, newSize: number, hashRange: RangeHasher): Uint8Array[] {
  const reversed: Uint8Array[] = [];
  let start = 0;
  let end = newSize;
  let m = oldSize;
  let complete = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      reversed.push(hashRange(start + k, end));
      end = start + k;
    } else {
      reversed.push(hashRange(start, start + k));
      start += k;
      m -= k;
      complete = false;
    }
  }
  if (!complete) reversed.push(hashRange(start, end));
  return reversed.reverse();
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
