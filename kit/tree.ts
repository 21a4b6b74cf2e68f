import { buildConsistencyPath, buildInclusionPath, memoryRangeHasher } from "./proof.ts";
import { ProofRangeError } from "./errors.ts";

/** The RFC 9162 Merkle tree hash of raw `leaves`; the empty tree hashes to SHA-256 of nothing. */
export function rootHash(leaves: readonly Uint8Array[]): Uint8Array {
  return memoryRangeHasher(leaves)(0, leaves.length);
}

/** The RFC 9162 inclusion proof of leaf `index` in the tree of all `leaves` (reference, in memory). */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= leaves.length) {
    throw new ProofRangeError(`leaf index ${index} is outside a tree of ${leaves.length} leaves`, "index");
  }
  return buildInclusionPath(index, leaves.length, memoryRangeHasher(leaves));
}

/** The RFC 9162 consistency proof from the first `oldSize` leaves to all `leaves` (reference, in memory). */
export function consistencyProof(leaves: readonly Uint8Array[], oldSize: number): Uint8Array[] {
  if (!Number.isSafeInteger(oldSize) || oldSize < 0 || oldSize > leaves.length) {
    throw new ProofRangeError(`old size ${oldSize} is outside 0..${leaves.length}`, "oldSize");
  }
  if (oldSize === 0 || oldSize === leaves.length) return [];
  return buildConsistencyPath(oldSize, leaves.length, memoryRangeHasher(leaves));
}
