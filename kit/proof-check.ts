import { equalBytes, HASH_SIZE, nodeHash } from "./hash.ts";

function wellFormed(proof: readonly Uint8Array[]): boolean {
  return Array.isArray(proof) && proof.every((p) => p instanceof Uint8Array && p.length === HASH_SIZE);
}

function isSize(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/**
 * The root an RFC 9162 inclusion proof leads to (section 2.1.3.2), or null when the proof cannot
 * belong to leaf `index` of a tree of `treeSize`. Every verifier compares roots in one place.
 */
export function rootFromInclusionProof(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
): Uint8Array | null {
  if (!isSize(index) || !isSize(treeSize) || index >= treeSize || !wellFormed(proof)) return null;
  if (!(leafHash instanceof Uint8Array) || leafHash.length !== HASH_SIZE) return null;
  // Sizes may exceed 2^32, where JavaScript's bit operators wrap: halve with arithmetic instead.
  let fn = index;
  let sn = treeSize - 1;
  let r = leafHash;
  for (const p of proof) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/** Whether `proof` shows `leafHash` is leaf `index` of the tree of `treeSize` with `root`. Never throws. */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  treeSize: number,
  proof: Uint8Array[],
  root: Uint8Array,
): boolean {
  try {
    const computed = rootFromInclusionProof(leafHash, index, treeSize, proof);
    return computed !== null && root instanceof Uint8Array && equalBytes(computed, root);
  } catch {
    return false;
  }
}

/**
 * Whether `proof` shows the tree of `newSize` with `newRoot` extends the tree of `oldSize` with
 * `oldRoot` (RFC 9162 section 2.1.4.2). Equal sizes need an empty proof and equal roots; the
 * empty tree is extended by every tree. Never throws.
 */
export function verifyConsistency(
  oldSize: number,
  newSize: number,
  oldRoot: Uint8Array,
  newRoot: Uint8Array,
  proof: Uint8Array[],
): boolean {
  try {
    if (!isSize(oldSize) || !isSize(newSize) || oldSize > newSize || !wellFormed(proof)) return false;
    if (!(oldRoot instanceof Uint8Array) || !(newRoot instanceof Uint8Array)) return false;
    if (oldSize === newSize) return proof.length === 0 && equalBytes(oldRoot, newRoot);
    if (oldSize === 0) return proof.length === 0;
    if (proof.length === 0) return false;

    const path = isPowerOfTwo(oldSize) ? [oldRoot, ...proof] : [...proof];
    let fn = oldSize - 1;
    let sn = newSize - 1;
    while (fn % 2 === 1) {
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    let fr = path[0]!;
    let sr = path[0]!;
    for (const c of path.slice(1)) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        fr = nodeHash(c, fr);
        sr = nodeHash(c, sr);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) {
            fn = Math.floor(fn / 2);
            sn = Math.floor(sn / 2);
          }
        }
      } else {
        sr = nodeHash(sr, c);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equalBytes(fr, oldRoot) && equalBytes(sr, newRoot);
  } catch {
    return false;
  }
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && Math.log2(n) % 1 === 0 && 2 ** Math.log2(n) === n;
}
