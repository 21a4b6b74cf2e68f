/**
 * Writes test/vectors/rfc9162.json: RFC 9162 inclusion and consistency proofs for every tree of
 * 1 to 17 leaves (and the telling cases of a few larger ones), with tampered variants that must fail. Made with the
 * verification kit; test/rfc9162.test.ts recomputes every valid case independently.
 * Run: npx tsx scripts/gen-rfc9162-vectors.ts
 */
import { writeFileSync } from "node:fs";
import { consistencyProof, inclusionProof, leafHash, rootHash } from "../kit/index.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** The eight leaves of the certificate-transparency reference tests, then one byte per further leaf. */
const CT_LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];
export const leaves: Uint8Array[] = Array.from({ length: 70 }, (_, i) =>
  i < CT_LEAVES.length ? Uint8Array.from(Buffer.from(CT_LEAVES[i]!, "hex")) : Uint8Array.of(i & 0xff, i >> 8),
);

const sizes = [...Array.from({ length: 17 }, (_, i) => i + 1), 32, 33, 63, 64, 65, 70];
/** Every index of small trees; in larger ones the edges and the middle, where the proof shapes differ. */
function picks(n: number, first: number): number[] {
  if (n <= 17) return Array.from({ length: n + 1 - first }, (_, i) => i + first).filter((i) => i < n || first === 1);
  return [...new Set([first, first + 1, n >> 1, n - 2, n - 1, ...(first === 1 ? [n] : [])])];
}
const flip = (proof: string[], at: number) =>
  proof.map((p, i) => (i === at ? (parseInt(p[0]!, 16) ^ 1).toString(16) + p.slice(1) : p));

const inclusion: object[] = [];
const consistency: object[] = [];
for (const n of sizes) {
  const tree = leaves.slice(0, n);
  const root = hex(rootHash(tree));
  for (const i of picks(n, 0)) {
    const proof = inclusionProof(tree, i).map(hex);
    const leaf = hex(leafHash(tree[i]!));
    const base = { index: i, treeSize: n, leafHash: leaf, proof, root };
    inclusion.push({ description: `leaf ${i} of ${n}`, ...base, valid: true });
    if (i + 1 < n) inclusion.push({ description: `leaf ${i} of ${n} claimed as ${i + 1}`, ...base, index: i + 1, valid: false });
    inclusion.push({ description: `leaf ${i} of ${n} claimed at index = size`, ...base, index: n, valid: false });
    inclusion.push({ description: `leaf ${i} of ${n} with an extra hash`, ...base, proof: [...proof, root], valid: false });
    if (proof.length > 0) {
      inclusion.push({ description: `leaf ${i} of ${n} missing a hash`, ...base, proof: proof.slice(0, -1), valid: false });
      inclusion.push({ description: `leaf ${i} of ${n} with a flipped bit`, ...base, proof: flip(proof, proof.length - 1), valid: false });
    }
  }
  for (const m of picks(n, 1)) {
    const proof = consistencyProof(tree, m).map(hex);
    const oldRoot = hex(rootHash(tree.slice(0, m)));
    const base = { oldSize: m, newSize: n, oldRoot, newRoot: root, proof };
    consistency.push({ description: `${m} to ${n}`, ...base, valid: true });
    if (m < n) {
      consistency.push({ description: `${m} to ${n}, sizes swapped`, ...base, oldSize: n, newSize: m, valid: false });
      consistency.push({ description: `${m} to ${n}, old root of ${m + 1}`, ...base, oldRoot: hex(rootHash(tree.slice(0, m + 1))), valid: false });
      consistency.push({ description: `${m} to ${n}, missing a hash`, ...base, proof: proof.slice(0, -1), valid: false });
      consistency.push({ description: `${m} to ${n}, with an extra hash`, ...base, proof: [...proof, root], valid: false });
      consistency.push({ description: `${m} to ${n}, first hash flipped`, ...base, proof: flip(proof, 0), valid: false });
      consistency.push({ description: `${m} to ${n}, new root of ${n - 1}`, ...base, newRoot: hex(rootHash(tree.slice(0, n - 1))), valid: false });
    } else {
      consistency.push({ description: `${m} to ${n}, same size with a proof`, ...base, proof: [root], valid: false });
    }
  }
}

const out = new URL("../test/vectors/rfc9162.json", import.meta.url);
writeFileSync(out, JSON.stringify({ leaves: leaves.map(hex), sizes, inclusion, consistency }) + "\n");
console.log(`wrote ${inclusion.length} inclusion and ${consistency.length} consistency cases to ${out.pathname}`);
