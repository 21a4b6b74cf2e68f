import { foldParts, perfectParts } from "../../kit/compact-range.ts";
import { inclusionRanges } from "../../kit/proof.ts";
import { hex } from "./store.ts";
import type { StoredTree } from "./stored-tree.ts";

export interface LeafProof {
  leafIndex: number;
  leafHash: string;
  /** Inclusion proof to the checkpoint, or null while the leaf awaits anchoring. */
  proof: string[] | null;
}

/** Leaves' hashes and inclusion proofs, as lookups serve them, with the right edge of the latest tree size remembered. */
export class ProofBuilder {
  readonly #tree: StoredTree;
  /**
   * The hashes (hex) of ranges [start, treeSize) for one tree size (the latest anchored
   * checkpoint's), by start. Every proof to it ends with some of these, at most log2(treeSize) of
   * them, which otherwise cost a fold and the reads of the partly filled tiles at the right edge on
   * every lookup.
   */
  #rightEdge: { treeSize: number; hashes: Map<number, string> } = { treeSize: 0, hashes: new Map() };

  constructor(tree: StoredTree) {
    this.#tree = tree;
  }

  #rightEdgeOf(treeSize: number): Map<number, string> {
    if (this.#rightEdge.treeSize !== treeSize) this.#rightEdge = { treeSize, hashes: new Map() };
    return this.#rightEdge.hashes;
  }

  /** The leaf hash of each leaf and its proof to a tree of `size` (null for leaves it does not cover yet), in one read. */
  async proofsOf(indexes: readonly number[], size: number): Promise<LeafProof[]> {
    const rightEdge = this.#rightEdgeOf(size);
    const proofRanges = indexes.map((leafIndex) => (leafIndex < size ? inclusionRanges(leafIndex, size) : null));
    // A right-edge range already known needs no parts: null marks it.
    const proofParts = proofRanges.map((ranges) => ranges?.map(([s, e]) => (e === size && rightEdge.has(s) ? null : perfectParts(s, e))) ?? null);
    const nodes = indexes.flatMap((leafIndex, i) => [{ level: 0, index: leafIndex }, ...(proofParts[i]?.flatMap((parts) => parts ?? []) ?? [])]);
    const hashes = await this.#tree.nodes(nodes);
    let at = 0;
    const next = () => hashes[at++]!;
    return indexes.map((leafIndex, i) => {
      const leafHash = hex(next());
      const proof =
        proofParts[i]?.map((parts, j) => {
          const [start, end] = proofRanges[i]![j]!;
          if (parts === null) return rightEdge.get(start)!;
          const hash = hex(foldParts(parts.map(next)));
          if (end === size) rightEdge.set(start, hash);
          return hash;
        }) ?? null;
      return { leafIndex, leafHash, proof };
    });
  }
}
