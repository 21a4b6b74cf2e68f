import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexlify, id, Wallet } from "ethers";
import { Level } from "level";
import { afterEach, describe, expect, it } from "vitest";
import { RecordLog } from "../server/log/record-log.ts";
import { KEY } from "../server/log/store.ts";
import { decodeTile, encodeTile, slotOf } from "../server/log/tiles.ts";
import { keyringFrom, sealer } from "../server/records/envelope.ts";
import { newRecord, openRecord, storedText, type AidRecord, type StoredRecord } from "../server/records/record.ts";
import { canonicalize, consistencyProof, inclusionProof, loggedRecord, recordLeaf, rootHash, verifyConsistency, verifyRecord } from "../kit/index.ts";

const LOG_ID = id("gateway 440105");
const logKey = Wallet.createRandom();
const k1 = randomBytes(32).toString("base64");
const keyring = keyringFrom({ current: "k1", keys: { k1 } }, "standard");
const open: RecordLog[] = [];

async function openLog(dir = mkdtempSync(join(tmpdir(), "aidtrail-log-")), ring = keyring) {
  const log = await RecordLog.open(dir, { logId: LOG_ID, keyring: ring, maxRecordBytes: 4096 });
  open.push(log);
  return { log, dir };
}
afterEach(async () => {
  for (const log of open.splice(0)) await log.close().catch(() => undefined);
});

const record = (i: number, extra: Partial<AidRecord> = {}) =>
  ({ ...newRecord({ kind: "application", jurisdiction: "440105001000", public: { n: i, programme: "dibao" }, personal: { name: `申请人${i}` } }, "standard"), ...extra });

describe("appending and proving", () => {
  it("keeps the RFC 9162 root, inclusion and consistency proofs of the in-memory reference at every size", async () => {
    const { log } = await openLog();
    const records: AidRecord[] = [];
    for (const batch of [1, 2, 5, 8, 1, 13, 3]) {
      const next = Array.from({ length: batch }, (_, i) => record(records.length + i));
      const appended = await log.append(next);
      expect(appended.map((a) => a.leafIndex)).toEqual(next.map((_, i) => records.length + i));
      records.push(...next);
    }
    const leaves = records.map(recordLeaf);
    for (let size = 0; size <= leaves.length; size++) {
      expect(hexlify(await log.root(size))).toBe(hexlify(rootHash(leaves.slice(0, size))));
      for (let m = 0; m <= size; m += 3) {
        expect((await log.consistencyProof(m, size)).map(hexlify)).toEqual(consistencyProof(leaves.slice(0, size), m).map(hexlify));
      }
    }
    for (const index of [0, 1, 7, 16, 32]) {
      expect((await log.inclusionProof(index)).map(hexlify)).toEqual(inclusionProof(leaves, index).map(hexlify));
    }
  });

  it("keeps proofs right across tile edges (256 leaves) and reopenings in the middle of a tile", async () => {
    const { log, dir } = await openLog();
    const records = Array.from({ length: 700 }, (_, i) => record(i));
    await log.append(records.slice(0, 255));
    await log.close();
    const { log: again } = await openLog(dir);
    await again.append(records.slice(255, 300));
    await again.append(records.slice(300, 513));
    await again.close();
    const { log: third } = await openLog(dir);
    await third.append(records.slice(513));
    const leaves = records.map(recordLeaf);
    for (const size of [1, 255, 256, 257, 300, 511, 512, 513, 700]) {
      expect(hexlify(await third.root(size)), `root at ${size}`).toBe(hexlify(rootHash(leaves.slice(0, size))));
      expect((await third.consistencyProof(size - 1, size)).map(hexlify)).toEqual(consistencyProof(leaves.slice(0, size), size - 1).map(hexlify));
    }
    for (const index of [0, 255, 256, 511, 512, 699]) {
      expect((await third.inclusionProof(index)).map(hexlify), `leaf ${index}`).toEqual(inclusionProof(leaves, index).map(hexlify));
    }
    expect(await third.audit()).toEqual([]);
  });

  it("commits concurrent appends together in call order, leaving out only the one refused", async () => {
    const { log } = await openLog();
    const records = Array.from({ length: 40 }, (_, i) => record(i));
    const bad = { ...record(99), public: { x: Number.NaN } };
    const results = await Promise.allSettled([...records.slice(0, 20), bad, ...records.slice(20)].map((r) => log.append([r])));
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    const indexes = results.flatMap((r) => (r.status === "fulfilled" ? r.value.map((a) => a.leafIndex) : []));
    expect(indexes).toEqual(records.map((_, i) => i));
    expect(hexlify(await log.root())).toBe(hexlify(rootHash(records.map(recordLeaf))));
    const duplicates = await Promise.allSettled([log.append([records[0]!]), log.append([record(50)]), log.append([record(50)].map((r) => ({ ...r, recordId: records[1]!.recordId, revision: 0 })))]);
    expect(duplicates.map((r) => r.status)).toEqual(["rejected", "fulfilled", "rejected"]);
    expect(log.size).toBe(41);
  });

  it("hashes and seals in worker threads with the same result, and the same refusals", async () => {
    const dir = mkdtempSync(join(tmpdir(), "aidtrail-log-"));
    const log = await RecordLog.open(dir, { logId: LOG_ID, keyring, maxRecordBytes: 4096, workers: 2 });
    open.push(log);
    const records = Array.from({ length: 25 }, (_, i) => record(i));
    const [a, b] = await Promise.all([log.append(records.slice(0, 11)), log.append(records.slice(11))]);
    expect([...a!, ...b!].map((x) => x.leafIndex)).toEqual(records.map((_, i) => i));
    expect(hexlify(await log.root())).toBe(hexlify(rootHash(records.map(recordLeaf))));
    expect((await log.lookup(records[20]!.recordId, { decrypt: true })).revisions[0]!.record).toEqual(records[20]);
    await expect(log.append([record(30), { ...record(31), public: { x: Number.NaN } }])).rejects.toMatchObject({
      name: "RecordFormatError",
      code: "RECORD_NOT_CANONICALISABLE",
      field: "$.public.x",
    });
    await expect(log.append([record(32), { ...record(33), public: { blob: "x".repeat(5000) } }])).rejects.toMatchObject({ code: "RECORD_TOO_LARGE" });
    expect(log.size).toBe(25);
    expect(await log.audit()).toEqual([]);
  });

  it("survives reopening: size, root and lookups come back from disk", async () => {
    const { log, dir } = await openLog();
    const records = Array.from({ length: 11 }, (_, i) => record(i));
    await log.append(records);
    const root = hexlify(await log.root());
    await log.close();
    const { log: again } = await openLog(dir);
    expect(again.size).toBe(11);
    expect(hexlify(await again.root())).toBe(root);
    const twelfth = record(11);
    await again.append([twelfth]);
    expect(hexlify(await again.root())).toBe(hexlify(rootHash([...records, twelfth].map(recordLeaf))));
  });

  it("finds a record by leaf index, by leaf hash and by record id with all its revisions", async () => {
    const { log } = await openLog();
    const first = record(0);
    const [appended] = await log.append([first, record(1)]);
    const second = { ...record(2), recordId: first.recordId, revision: 1 };
    await log.append([second]);
    expect(await log.indexOfLeafHash(Buffer.from(appended!.leafHash.slice(2), "hex"))).toBe(0);
    expect(await log.indexOfLeafHash(randomBytes(32))).toBeNull();
    expect(await log.revisionIndexes(first.recordId)).toEqual([0, 2]);
    expect((await log.stored(2)).revision).toBe(1);
    const byIndex = await log.lookupLeaf(2, { decrypt: true });
    expect(byIndex.revisions[0]!.record).toEqual(second);
    const byHash = await log.lookupLeafHash(Buffer.from(appended!.leafHash.slice(2), "hex"), { decrypt: false });
    expect([byHash.recordId, byHash.revisions[0]!.leafIndex, "personal" in byHash.revisions[0]!.record]).toEqual([first.recordId, 0, false]);
    await expect(log.lookupLeafHash(randomBytes(32), { decrypt: false })).rejects.toMatchObject({ code: "RECORD_NOT_FOUND", field: "leafHash" });
    await expect(log.lookupLeaf(3, { decrypt: false })).rejects.toMatchObject({ code: "PROOF_RANGE" });
  });
});

describe("checkpoints and lookups", () => {
  it("returns each revision with a proof to the latest anchored checkpoint, which verifies offline", async () => {
    const { log } = await openLog();
    const r = record(0);
    await log.append([r, record(1), record(2)]);
    const checkpoint = await log.signCheckpoint(logKey);
    await log.recordAnchoring(3, { chainId: 31337, anchor: "0x" + "11".repeat(20), transactionHash: "0x" + "22".repeat(32), blockNumber: 9 });
    await log.append([{ ...record(3), recordId: r.recordId, revision: 1 }]);

    const found = await log.lookup(r.recordId, { decrypt: true });
    expect(found.checkpoint?.treeSize).toBe(3);
    expect(found.checkpoint?.anchoring?.blockNumber).toBe(9);
    expect(found.revisions.map((v) => v.leafIndex)).toEqual([0, 3]);
    expect(found.revisions[1]!.proof).toBeNull();
    const first = found.revisions[0]!;
    const verdict = verifyRecord({
      record: first.record,
      leafIndex: first.leafIndex,
      leafHash: first.leafHash,
      proof: first.proof!,
      checkpoint: found.checkpoint!,
      expectedSigner: logKey.address,
      anchored: new Map([[3, checkpoint.root]]),
    });
    expect(verdict).toMatchObject({ ok: true, failures: [] });

    const hidden = await log.lookup(r.recordId, { decrypt: false });
    expect(JSON.stringify(hidden)).not.toContain("申请人0");
    expect(JSON.stringify(hidden)).not.toContain(r.salt);
  });

  it("proves every record to each newly anchored checkpoint, not to the one it last answered for, with or without the record", async () => {
    const { log } = await openLog();
    const records = Array.from({ length: 37 }, (_, i) => record(i));
    const leaves = records.map((r) => recordLeaf(r));
    const anchoring = { chainId: 31337, anchor: "0x" + "11".repeat(20), transactionHash: "0x" + "22".repeat(32), blockNumber: 9 };
    let appended = 0;
    for (const size of [5, 6, 7, 16, 37]) {
      await log.append(records.slice(appended, size));
      appended = size;
      await log.signCheckpoint(logKey);
      await log.recordAnchoring(size, anchoring);
      // Twice: the second lookup of each record answers from what the first one learnt of the right edge.
      for (const round of [1, 2]) {
        for (let i = 0; i < size; i++) {
          const found = await log.lookup(records[i]!.recordId, { decrypt: false });
          expect(found.checkpoint?.treeSize, `round ${round}`).toBe(size);
          expect(found.revisions[0]!.proof, `record ${i} at size ${size}, round ${round}`).toEqual(inclusionProof(leaves.slice(0, size), i).map(hexlify));
          // The public proof lookup gives the same without reading the record.
          const { leafIndex, leafHash, proof } = found.revisions[0]!;
          expect(await log.proofs(records[i]!.recordId)).toEqual({ recordId: records[i]!.recordId, checkpoint: found.checkpoint, revisions: [{ revision: 0, leafIndex, leafHash, proof }] });
        }
      }
    }
  });

  it("gives every reason a record fails: changed content, wrong proof, unanchored, forked or unsigned checkpoint", async () => {
    const { log } = await openLog();
    const r = record(0);
    await log.append([r, record(1), record(2), record(3), record(4)]);
    const checkpoint = await log.signCheckpoint(logKey);
    const proof = (await log.inclusionProof(0)).map(hexlify);
    const base = { record: r, leafIndex: 0, proof, checkpoint, expectedSigner: logKey.address };
    const codes = (evidence: Parameters<typeof verifyRecord>[0]) => verifyRecord(evidence).failures.map((f) => f.code);

    expect(codes({ ...base, record: { ...r, public: { n: 999 } }, leafHash: hexlify((await log.leafHash(0))) })).toEqual(["RECORD_HASH_MISMATCH", "PROOF_INVALID"]);
    expect(codes({ ...base, proof: [...proof].reverse() })).toEqual(["PROOF_INVALID"]);
    expect(codes({ ...base, leafIndex: 1 })).toEqual(["PROOF_INVALID"]);
    expect(codes({ ...base, anchored: new Map() })).toEqual(["CHECKPOINT_NOT_ANCHORED"]);
    expect(codes({ ...base, expectedSigner: Wallet.createRandom().address })).toEqual(["CHECKPOINT_SIGNATURE_INVALID"]);
    expect(codes({ ...base, checkpoint: { ...checkpoint, time: "2020-01-01T00:00:00.000Z" } })).toEqual(["CHECKPOINT_SIGNATURE_INVALID"]);
    expect(codes({ ...base, record: { ...r, public: { bad: Number.NaN } } })).toEqual(["RECORD_NOT_HASHABLE"]);
    // A record of the old format, personal fields in its leaf, is not one this kit hashes.
    const { format: _format, ...unformatted } = r;
    expect(codes({ ...base, record: unformatted as never })).toEqual(["RECORD_NOT_HASHABLE"]);

    await log.append([record(5), record(6)]);
    const later = await log.signCheckpoint(logKey);
    const consistency = (await log.consistencyProof(5, 7)).map(hexlify);
    expect(codes({ ...base, later: { checkpoint: later, proof: consistency } })).toEqual([]);
    expect(verifyConsistency(5, 7, Buffer.from(checkpoint.root.slice(2), "hex"), Buffer.from(later.root.slice(2), "hex"), consistency.map((h) => Buffer.from(h.slice(2), "hex")))).toBe(true);
    const forked = await (async () => {
      const { log: other } = await openLog();
      await other.append([record(10), record(11), record(12), record(13), record(14), record(15), record(16)]);
      return other.signCheckpoint(logKey);
    })();
    expect(codes({ ...base, later: { checkpoint: forked, proof: consistency } })).toEqual(["CHECKPOINT_INCONSISTENT"]);
  });
});

describe("bad input writes nothing", () => {
  it("refuses an existing revision, a revision gap, a duplicate, an oversized or malformed record, all or none", async () => {
    const { log } = await openLog();
    const r = record(0);
    await log.append([r]);
    const root = hexlify(await log.root());
    const attempts: [AidRecord[], string][] = [
      [[record(1), { ...record(2), recordId: r.recordId, revision: 0 }], "RECORD_EXISTS"],
      [[record(1), { ...record(2), recordId: r.recordId, revision: 2 }], "RECORD_REVISION_GAP"],
      [[record(1), r], "RECORD_EXISTS"],
      [[record(1), { ...record(2), public: { blob: "x".repeat(5000) } }], "RECORD_TOO_LARGE"],
      [[record(1), { ...record(2), kind: "memo" as never }], "RECORD_INVALID"],
      [[record(1), { ...record(2), personal: { x: Number.NaN } }], "RECORD_NOT_CANONICALISABLE"],
      [[record(1), { ...record(2), note: "not a field" } as AidRecord], "RECORD_INVALID"],
    ];
    for (const [batch, code] of attempts) {
      await expect(log.append(batch)).rejects.toMatchObject({ code });
      expect(log.size).toBe(1);
      expect(hexlify(await log.root())).toBe(root);
    }
    const duplicate = record(5);
    await expect(log.append([duplicate, { ...duplicate, recordId: "r" + "0".repeat(32) }])).resolves.toHaveLength(2);
  });

  it("keeps each record's revisions in order across appends written together, a refused append counting none of its own", async () => {
    const { log } = await openLog();
    const r = record(0);
    await log.append([r]);
    const revision = (n: number, i: number) => ({ ...record(i), recordId: r.recordId, revision: n });
    const [a, b, c, d] = await Promise.allSettled([
      log.append([revision(1, 1), revision(2, 2)]),
      log.append([record(3), revision(2, 4)]),
      log.append([revision(3, 5), revision(3, 6)]),
      log.append([revision(3, 7)]),
    ]);
    expect([a.status, b.status, c.status, d.status]).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
    expect([(b as PromiseRejectedResult).reason.code, (c as PromiseRejectedResult).reason.code]).toEqual(["RECORD_EXISTS", "RECORD_EXISTS"]);
    const leaves = [...(a as PromiseFulfilledResult<{ leafIndex: number }[]>).value, ...(d as PromiseFulfilledResult<{ leafIndex: number }[]>).value].map((x) => x.leafIndex);
    expect(await log.revisionIndexes(r.recordId)).toEqual([0, ...leaves]);
    expect((await log.lookup(r.recordId, { decrypt: false })).revisions.map((v) => (v.record as AidRecord).revision)).toEqual([0, 1, 2, 3]);
    await expect(log.append([revision(5, 8)])).rejects.toMatchObject({ code: "RECORD_REVISION_GAP" });
  });

  it("refuses proofs and lookups outside the tree with a range error", async () => {
    const { log } = await openLog();
    await log.append([record(0), record(1)]);
    await expect(log.inclusionProof(2)).rejects.toMatchObject({ code: "PROOF_RANGE", field: "leafIndex" });
    await expect(log.inclusionProof(0, 3)).rejects.toMatchObject({ code: "PROOF_RANGE", field: "treeSize" });
    await expect(log.consistencyProof(3, 2)).rejects.toMatchObject({ code: "PROOF_RANGE", field: "oldSize" });
    await expect(log.root(-1)).rejects.toMatchObject({ code: "PROOF_RANGE" });
    await expect(log.lookup("r" + "f".repeat(32), { decrypt: false })).rejects.toMatchObject({ code: "RECORD_NOT_FOUND" });
    await expect(log.proofs("r" + "f".repeat(32))).rejects.toMatchObject({ code: "RECORD_NOT_FOUND", field: "recordId" });
  });

  it("refuses a store that belongs to another log, or keeps its tree in another layout", async () => {
    const { log, dir } = await openLog();
    await log.close();
    await expect(RecordLog.open(dir, { logId: id("another"), keyring })).rejects.toMatchObject({ code: "LOG_CONFIG_INVALID" });
    const db = new Level<string, string>(dir);
    await db.put(KEY.layout, "nodes");
    await db.close();
    await expect(RecordLog.open(dir, { logId: LOG_ID, keyring })).rejects.toMatchObject({ code: "LOG_CONFIG_INVALID", message: expect.stringContaining("stores its tree as nodes") });
  });

  it("refuses a log of the old record format, whose leaves carry personal fields, saying why and what to do", async () => {
    const { log, dir } = await openLog();
    await log.close();
    const db = new Level<string, string>(dir);
    // As the version before format 2 wrote it.
    await db.put(KEY.layout, "tiles/4;revision-lists");
    await db.close();
    await expect(RecordLog.open(dir, { logId: LOG_ID, keyring })).rejects.toMatchObject({
      code: "LOG_FORMAT_OLD",
      message: expect.stringMatching(/holds records of format 1, whose leaves carry personal fields in the clear; this version logs format 2/),
      hint: expect.stringContaining("start a new data folder"),
    });
  });
});

describe("tamper evidence", () => {
  /** Plays an insider with disk access: edits LevelDB directly while the gateway is stopped. */
  async function tamper(dir: string, edit: (db: Level<string, Uint8Array>) => Promise<void>) {
    const db = new Level<string, Uint8Array>(dir, { keyEncoding: "utf8", valueEncoding: "view" });
    await db.open();
    await edit(db);
    await db.close();
  }

  /** Overwrites one stored tree node inside its tile, as an insider editing the disk would. */
  async function putNode(db: Level<string, Uint8Array>, node: { level: number; index: number }, hash: Uint8Array) {
    const { tile, row, offset } = slotOf(node);
    const rows = decodeTile((await db.get(KEY.tile(tile)))!)!;
    rows[row]![offset] = hash;
    await db.put(KEY.tile(tile), encodeTile(rows));
  }

  it("names the record whose stored content was edited", async () => {
    const { log, dir } = await openLog();
    const records = Array.from({ length: 9 }, (_, i) => record(i));
    await log.append(records);
    await log.signCheckpoint(logKey);
    await log.close();
    await tamper(dir, async (db) => {
      const key = KEY.entry(6);
      const stored = JSON.parse(Buffer.from((await db.get(key))!).toString()) as StoredRecord;
      stored.public = { ...stored.public, n: 600 };
      await db.put(key, Buffer.from(JSON.stringify(stored)));
    });
    const { log: reopened } = await openLog(dir);
    const findings = await reopened.audit();
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: "RECORD_ALTERED", recordIds: [records[6]!.recordId], leafIndexes: [6] });
    // An audit from a size reads only the records appended since, on the stored subtrees left of them:
    // from 5 it finds the edit at 6, from 7 it finds nothing, and with more appended it checks those too.
    expect((await reopened.audit(5)).map((f) => f.leafIndexes)).toEqual([[6]]);
    expect(await reopened.audit(7)).toEqual([]);
    await reopened.append(Array.from({ length: 30 }, (_, i) => record(100 + i)));
    expect(await reopened.audit(7)).toEqual([]);
    expect(await reopened.audit(9)).toEqual([]);
  });

  it("names the record whose stored hash was edited, and one whose sealed data was swapped", async () => {
    const { log, dir } = await openLog();
    const records = Array.from({ length: 9 }, (_, i) => record(i));
    await log.append(records);
    await log.close();
    await tamper(dir, async (db) => {
      await putNode(db, { level: 0, index: 3 }, randomBytes(32));
      const a = JSON.parse(Buffer.from((await db.get(KEY.entry(7)))!).toString()) as StoredRecord;
      const b = JSON.parse(Buffer.from((await db.get(KEY.entry(8)))!).toString()) as StoredRecord;
      await db.put(KEY.entry(7), Buffer.from(JSON.stringify({ ...a, sealed: b.sealed })));
    });
    const { log: reopened } = await openLog(dir);
    const findings = await reopened.audit();
    expect(findings.map((f) => [f.code, f.recordIds[0]])).toEqual([
      ["RECORD_ALTERED", records[3]!.recordId],
      ["RECORD_UNREADABLE", records[7]!.recordId],
    ]);
  });

  it("names a record whose sealed personal fields were changed by someone holding the master key, or whose commitment was", async () => {
    const { log, dir } = await openLog();
    const records = Array.from({ length: 6 }, (_, i) => record(i));
    await log.append(records);
    await log.close();
    await tamper(dir, async (db) => {
      // Re-sealed under the right key: it opens, but not to what the leaf committed to.
      const stored = JSON.parse(Buffer.from((await db.get(KEY.entry(2)))!).toString()) as StoredRecord;
      const altered = { ...openRecord(stored, keyring), personal: { name: "别人" } };
      const resealed = JSON.parse(storedText(altered, canonicalize(loggedRecord(altered)), sealer(keyring))) as StoredRecord;
      await db.put(KEY.entry(2), Buffer.from(JSON.stringify({ ...stored, sealed: resealed.sealed })));
      // A commitment edited in the plain part: the leaf no longer matches.
      const other = JSON.parse(Buffer.from((await db.get(KEY.entry(4)))!).toString()) as StoredRecord;
      await db.put(KEY.entry(4), Buffer.from(JSON.stringify({ ...other, commitments: { name: "00".repeat(32) } })));
    });
    const { log: reopened } = await openLog(dir);
    const findings = await reopened.audit();
    expect(findings.map((f) => [f.code, f.leafIndexes[0]])).toEqual([
      ["RECORD_ALTERED", 2],
      ["RECORD_ALTERED", 4],
      ["RECORD_ALTERED", 4],
    ]);
    expect(findings[0]!.message).toMatch(/sealed personal fields of record .* are not the ones its commitments were made from/);
  });

  it("finds a record and its stored hash edited together, from the tree above them", async () => {
    const { log, dir } = await openLog();
    const records = Array.from({ length: 8 }, (_, i) => record(i));
    await log.append(records);
    await log.close();
    const forged = { ...records[5]!, public: { n: 5000 } };
    await tamper(dir, async (db) => {
      const stored = JSON.parse(Buffer.from((await db.get(KEY.entry(5)))!).toString()) as StoredRecord;
      await db.put(KEY.entry(5), Buffer.from(JSON.stringify({ ...stored, public: forged.public })));
      const { leafHash } = await import("../kit/index.ts");
      await putNode(db, { level: 0, index: 5 }, leafHash(recordLeaf(forged)));
    });
    const { log: reopened } = await openLog(dir);
    const [finding] = await reopened.audit();
    expect(finding).toMatchObject({ code: "TREE_ALTERED", leafIndexes: [4, 5] });
    expect(finding!.recordIds).toContain(records[5]!.recordId);
  });
});

describe("key rotation", () => {
  it("re-wraps every record under the new master key; hashes, root and records stay", async () => {
    const { log, dir } = await openLog();
    const records = Array.from({ length: 5 }, (_, i) => record(i));
    await log.append(records);
    const root = hexlify(await log.root());
    await log.close();
    const k2 = randomBytes(32).toString("base64");
    const { log: rotating } = await openLog(dir, keyringFrom({ current: "k2", keys: { k1, k2 } }, "standard"));
    expect(await rotating.rewrapAll()).toBe(5);
    await rotating.close();
    const { log: rotated } = await openLog(dir, keyringFrom({ current: "k2", keys: { k2 } }, "standard"));
    expect(hexlify(await rotated.root())).toBe(root);
    expect((await rotated.lookup(records[2]!.recordId, { decrypt: true })).revisions[0]!.record).toEqual(records[2]);
    expect(await rotated.audit()).toEqual([]);
  });
});
