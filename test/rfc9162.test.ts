import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { network } from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { RFC9162Harness__factory, type RFC9162Harness } from "../types/ethers-contracts/index.js";
import { consistencyProof, emptyRoot, inclusionProof, leafHash, rootHash, verifyConsistency, verifyInclusion } from "../kit/index.ts";

interface InclusionCase { description: string; index: number; treeSize: number; leafHash: string; proof: string[]; root: string; valid: boolean }
interface ConsistencyCase { description: string; oldSize: number; newSize: number; oldRoot: string; newRoot: string; proof: string[]; valid: boolean }
const vectors = JSON.parse(readFileSync(new URL("./vectors/rfc9162.json", import.meta.url), "utf8")) as {
  leaves: string[];
  inclusion: InclusionCase[];
  consistency: ConsistencyCase[];
};
const leaves = vectors.leaves.map((h) => Buffer.from(h, "hex"));
const bytes = (h: string) => Uint8Array.from(Buffer.from(h, "hex"));
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/**
 * An independent reading of RFC 6962 section 2.1, written as the RFC states it (recursion on
 * slices, node:crypto's SHA-256), sharing no code with the verification kit or the contract.
 */
const sha = (...parts: Buffer[]) => createHash("sha256").update(Buffer.concat(parts)).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1);
function mth(d: Buffer[]): Buffer {
  if (d.length === 0) return sha();
  if (d.length === 1) return sha(Buffer.of(0), d[0]!);
  return sha(Buffer.of(1), mth(d.slice(0, k(d.length))), mth(d.slice(k(d.length))));
}
function path(m: number, d: Buffer[]): Buffer[] {
  if (d.length <= 1) return [];
  const s = k(d.length);
  return m < s ? [...path(m, d.slice(0, s)), mth(d.slice(s))] : [...path(m - s, d.slice(s)), mth(d.slice(0, s))];
}
function subproof(m: number, d: Buffer[], b: boolean): Buffer[] {
  if (m === d.length) return b ? [] : [mth(d)];
  const s = k(d.length);
  return m <= s ? [...subproof(m, d.slice(0, s), b), mth(d.slice(s))] : [...subproof(m - s, d.slice(s), false), mth(d.slice(0, s))];
}

describe("RFC 9162 reference values", () => {
  it("matches the certificate-transparency known roots for the eight reference leaves", () => {
    const known = [
      "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
      "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
      "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
      "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
      "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
      "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];
    known.forEach((root, i) => expect(hex(rootHash(leaves.slice(0, i + 1)))).toBe(root));
    expect(hex(rootHash([]))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(hex(emptyRoot())).toBe(hex(rootHash([])));
  });

  it("every valid vector is what the RFC's own definitions give", () => {
    for (const c of vectors.inclusion.filter((v) => v.valid)) {
      const tree = leaves.slice(0, c.treeSize);
      expect(c.root, c.description).toBe(mth(tree).toString("hex"));
      expect(c.leafHash, c.description).toBe(sha(Buffer.of(0), tree[c.index]!).toString("hex"));
      expect(c.proof, c.description).toEqual(path(c.index, tree).map((b) => b.toString("hex")));
    }
    for (const c of vectors.consistency.filter((v) => v.valid)) {
      const tree = leaves.slice(0, c.newSize);
      expect(c.oldRoot, c.description).toBe(mth(tree.slice(0, c.oldSize)).toString("hex"));
      const expected = c.oldSize === c.newSize ? [] : subproof(c.oldSize, tree, true);
      expect(c.proof, c.description).toEqual(expected.map((b) => b.toString("hex")));
    }
  });

  it("the in-memory proof builders agree with the RFC's definitions on random trees", () => {
    for (let n = 1; n <= 40; n++) {
      const tree = Array.from({ length: n }, (_, i) => Buffer.from(`leaf-${n}-${i}`));
      expect(hex(rootHash(tree))).toBe(mth(tree).toString("hex"));
      for (let i = 0; i < n; i++) expect(inclusionProof(tree, i).map(hex)).toEqual(path(i, tree).map((b) => b.toString("hex")));
      for (let m = 1; m < n; m++) expect(consistencyProof(tree, m).map(hex)).toEqual(subproof(m, tree, true).map((b) => b.toString("hex")));
    }
  });
});

describe("verifiers", () => {
  let harness: RFC9162Harness;
  beforeAll(async () => {
    const { ethers } = await network.create();
    const [signer] = await ethers.getSigners();
    harness = await new RFC9162Harness__factory(signer).deploy();
    await harness.waitForDeployment();
  });

  it("the TypeScript verifiers accept every valid vector and refuse every tampered one", () => {
    for (const c of vectors.inclusion) {
      expect(verifyInclusion(bytes(c.leafHash), c.index, c.treeSize, c.proof.map(bytes), bytes(c.root)), c.description).toBe(c.valid);
    }
    for (const c of vectors.consistency) {
      expect(verifyConsistency(c.oldSize, c.newSize, bytes(c.oldRoot), bytes(c.newRoot), c.proof.map(bytes)), c.description).toBe(c.valid);
    }
  });

  it("the on-chain verifiers (SHA-256 precompile) give the same verdict on every vector", async () => {
    const x = (h: string) => "0x" + h;
    for (const c of vectors.inclusion) {
      expect(await harness.verifyInclusion(c.index, c.treeSize, x(c.leafHash), c.proof.map(x), x(c.root)), c.description).toBe(c.valid);
    }
    for (const c of vectors.consistency) {
      expect(await harness.verifyConsistency(c.oldSize, c.newSize, x(c.oldRoot), x(c.newRoot), c.proof.map(x)), c.description).toBe(c.valid);
    }
    expect(await harness.leafHash("0x2021")).toBe("0x" + hex(leafHash(bytes("2021"))));
  });

  it("return false, never throw, on malformed input", () => {
    const h = leafHash(bytes("00"));
    const proof = [h];
    for (const [index, size] of [[-1, 2], [0.5, 2], [Number.NaN, 2], [0, Number.POSITIVE_INFINITY], [2 ** 60, 2 ** 61]]) {
      expect(verifyInclusion(h, index!, size!, proof, h)).toBe(false);
    }
    expect(verifyInclusion(h.slice(1), 0, 2, proof, h)).toBe(false);
    expect(verifyInclusion(h, 0, 2, [h.slice(3)], h)).toBe(false);
    expect(verifyInclusion(h, 0, 2, [null as unknown as Uint8Array], h)).toBe(false);
    expect(verifyInclusion(h, 0, 2, "nope" as unknown as Uint8Array[], h)).toBe(false);
    expect(verifyConsistency(1, 2, h, h, [h.slice(1)])).toBe(false);
    expect(verifyConsistency(-1, 2, h, h, [h])).toBe(false);
    expect(verifyConsistency(3, 2, h, h, [h])).toBe(false);
    expect(verifyConsistency(1, 2, undefined as unknown as Uint8Array, h, [h])).toBe(false);
    expect(() => inclusionProof([h], 1)).toThrow(/outside a tree of 1 leaves/);
    expect(() => consistencyProof([h], 2)).toThrow(/outside 0..1/);
  });
});
