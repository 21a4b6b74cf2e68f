import { hexlify, id, randomBytes } from "ethers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { roleId } from "../server/chain/roles.ts";
import { consistencyProof, inclusionProof, leafHash, rootHash } from "../kit/index.ts";
import { expectRevert } from "./helpers/expect-revert.ts";
import { buildWorld, J, type World } from "./helpers/world.ts";

let w: World;
let restore: () => Promise<void>;
const LOG = id("gateway 440105 records");
const leaves = Array.from({ length: 40 }, (_, i) => Buffer.from(`record ${i}`));
const x = (b: Uint8Array) => hexlify(b);
const root = (n: number) => x(rootHash(leaves.slice(0, n)));
const proof = (m: number, n: number) => consistencyProof(leaves.slice(0, n), m).map(x);

beforeAll(async () => {
  w = await buildWorld();
  await w.registerLog(LOG, J.countyA);
  restore = await w.snapshot();
});
beforeEach(async () => restore());

describe("log anchor", () => {
  it("accepts a first checkpoint, then only checkpoints that extend the latest", async () => {
    const a = w.contracts.anchor.connect(w.who.logOperator);
    await (await a.anchor(LOG, 5, root(5), [])).wait();
    await (await a.anchor(LOG, 13, root(13), proof(5, 13))).wait();
    await (await a.anchor(LOG, 32, root(32), proof(13, 32))).wait();
    const head = await w.contracts.anchor.head(LOG);
    expect([head.treeSize, head.jurisdiction, head.checkpoints]).toEqual([32n, J.countyA, 3n]);
    expect(head.root).toBe(root(32));
    const events = await w.contracts.anchor.queryFilter(w.contracts.anchor.filters.CheckpointAnchored(LOG));
    expect(events.map((e) => e.args.treeSize)).toEqual([5n, 13n, 32n]);
  });

  it("refuses a rewritten history: a root that does not extend the anchored one", async () => {
    const a = w.contracts.anchor.connect(w.who.logOperator);
    await (await a.anchor(LOG, 8, root(8), [])).wait();
    const rewritten = [...leaves.slice(0, 3), Buffer.from("forged"), ...leaves.slice(4, 12)];
    const forgedRoot = x(rootHash(rewritten));
    await expectRevert(a.anchor(LOG, 12, forgedRoot, consistencyProof(rewritten, 8).map(x)), "CheckpointInconsistent", [LOG, 8, 12]);
    // An honest proof does not vouch for a forged root either.
    await expectRevert(a.anchor(LOG, 12, forgedRoot, proof(8, 12)), "CheckpointInconsistent");
    await expectRevert(a.anchor(LOG, 12, root(12), []), "CheckpointInconsistent");
    await (await a.anchor(LOG, 12, root(12), proof(8, 12))).wait();
  });

  it("refuses a checkpoint that does not grow, a zero root, and a non-empty proof on a first checkpoint", async () => {
    const a = w.contracts.anchor.connect(w.who.logOperator);
    await expectRevert(a.anchor(LOG, 4, root(4), proof(2, 4)), "CheckpointInconsistent", [LOG, 0, 4]);
    await (await a.anchor(LOG, 8, root(8), [])).wait();
    await expectRevert(a.anchor(LOG, 8, root(8), []), "CheckpointNotNewer", [LOG, 8, 8]);
    await expectRevert(a.anchor(LOG, 6, root(6), []), "CheckpointNotNewer", [LOG, 6, 8]);
    await expectRevert(a.anchor(LOG, 9, hexlify(new Uint8Array(32)), []), "CheckpointRootZero");
  });

  it("anchors only a log governance registered, and only by a log operator over the jurisdiction it was registered for", async () => {
    const other = id("gateway 440106 records");
    // An operator key cannot start a log of its own.
    await expectRevert(w.contracts.anchor.connect(w.who.logOperator).anchor(other, 1, root(1), []), "LogNotRegistered", [other]);
    for (const who of [w.who.outsider, w.who.logOperator]) {
      await expectRevert(w.contracts.anchor.connect(who).registerLog(other, J.countyB), "LogRegistrationUnauthorized", [who.address]);
    }
    await expectRevert(w.contracts.anchor.registerLog(LOG, J.countyB), "LogAlreadyRegistered", [LOG, J.countyA]);
    await expectRevert(w.contracts.anchor.registerLog(other, 440106777000n), "JurisdictionUnknown", [440106777000n]);
    const receipt = await (await w.contracts.anchor.registerLog(other, J.countyB)).wait();
    const [registered] = await w.contracts.anchor.queryFilter(w.contracts.anchor.filters.LogRegistered(other), receipt!.blockNumber);
    expect([registered!.args.jurisdiction, registered!.args.actor]).toEqual([J.countyB, w.who.governance.address]);

    await expectRevert(w.contracts.anchor.connect(w.who.outsider).anchor(LOG, 1, root(1), []), "AccessOutsideJurisdiction");
    await (await w.contracts.anchor.connect(w.who.logOperator).anchor(LOG, 1, root(1), [])).wait();
    await (await w.contracts.access.grantScopedRole(roleId("LOG_OPERATOR"), w.who.spare1.address, J.countyB)).wait();
    await expectRevert(w.contracts.anchor.connect(w.who.spare1).anchor(LOG, 2, root(2), proof(1, 2)), "AccessOutsideJurisdiction", [
      w.who.spare1.address,
      roleId("LOG_OPERATOR"),
      J.countyA,
    ]);
    // County B's log is its operator's.
    await (await w.contracts.anchor.connect(w.who.spare1).anchor(other, 3, root(3), [])).wait();
    expect([(await w.contracts.anchor.head(LOG)).treeSize, (await w.contracts.anchor.head(other)).jurisdiction]).toEqual([1n, J.countyB]);
  });

  it("verifies a record's inclusion against the latest anchored checkpoint, and only that one", async () => {
    const a = w.contracts.anchor.connect(w.who.logOperator);
    await (await a.anchor(LOG, 21, root(21), [])).wait();
    const p = inclusionProof(leaves.slice(0, 21), 17).map(x);
    const leaf = x(leafHash(leaves[17]!));
    expect(await w.contracts.anchor.verifyInclusion(LOG, 21, 17, leaf, p)).toBe(true);
    expect(await w.contracts.anchor.verifyInclusion(LOG, 21, 16, leaf, p)).toBe(false);
    expect(await w.contracts.anchor.verifyInclusion(LOG, 21, 17, hexlify(randomBytes(32)), p)).toBe(false);
    await expectRevert(w.contracts.anchor.verifyInclusion(LOG, 20, 17, leaf, p), "CheckpointNotLatest", [LOG, 20, 21]);
    await expectRevert(w.contracts.anchor.verifyInclusion(id("no such log"), 0, 0, leaf, p), "CheckpointNotLatest");
  });
});
