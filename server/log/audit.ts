import { hexlify } from "ethers";
import type { Level } from "level";
import type { Keyring } from "../records/envelope.ts";
import { openRecord, publicView, type StoredRecord } from "../records/record.ts";
import type { SignedCheckpoint } from "../../kit/checkpoint.ts";
import { appendLeaf, perfectParts, type Node } from "../../kit/compact-range.ts";
import { equalBytes } from "../../kit/hash.ts";
import { recordHash } from "../../kit/record.ts";
import { json, KEY, readNodes, storedTiles } from "./store.ts";

export interface AuditFinding {
  code: "RECORD_ALTERED" | "RECORD_UNREADABLE" | "TREE_ALTERED" | "CHECKPOINT_MISMATCH";
  message: string;
  recordIds: string[];
  leafIndexes: number[];
}

/** What the audit reads of a record log: its store, its size, its keyring, its latest anchored checkpoint and its roots. */
export interface AuditedLog {
  db: Level<string, Uint8Array>;
  size: number;
  keyring: Keyring;
  anchored(): Promise<SignedCheckpoint | null>;
  root(size: number): Promise<Uint8Array>;
}

/**
 * Re-reads every record and every stored hash, as an auditor would: each record must hash to its
 * stored leaf and its sealed personal fields open to its commitments, each stored node must be the hash of its children, and the latest anchored root
 * must be the tree's. Every finding names the records it concerns. From `from`, only the records
 * appended since that size are read, on the stored subtrees left of them (audited before): what
 * a gateway checks at start of what it appended since its last audit.
 */
export async function auditLog(log: AuditedLog, from = 0): Promise<AuditFinding[]> {
  const findings: AuditFinding[] = [];
  const recordIdAt = new Map<number, string>();
  const unreadable = new Set<number>();
  const frontier: (Uint8Array | undefined)[] = [];
  const left = perfectParts(0, Math.min(from, log.size));
  const leftHashes = await readNodes(storedTiles(log.db), left);
  left.forEach((node, i) => (frontier[node.level] = leftHashes[i]));
  const CHUNK = 1024;
  for (let start = left.length > 0 ? Math.min(from, log.size) : 0; start < log.size; start += CHUNK) {
    const end = Math.min(log.size, start + CHUNK);
    const indexes = Array.from({ length: end - start }, (_, i) => start + i);
    // A block LevelDB cannot read (its checksum fails) fails the whole read: then entry by entry, each unreadable one a finding.
    const entries = await log.db.getMany(indexes.map(KEY.entry)).catch(() => Promise.all(indexes.map((index) => log.db.get(KEY.entry(index)).catch(() => undefined))));
    const computed: { node: Node; hash: Uint8Array; leaves: [number, number] }[] = [];
    indexes.forEach((index, i) => {
      let leaf: Uint8Array;
      try {
        const stored = json<StoredRecord>(entries[i]!);
        recordIdAt.set(index, stored.recordId);
        const logged = publicView(stored);
        leaf = recordHash(logged);
        // The sealed fields must be the ones committed to: else a disclosure would answer other data than the log holds.
        if (!equalBytes(recordHash(openRecord(stored, log.keyring)), leaf)) {
          findings.push({ code: "RECORD_ALTERED", message: `the sealed personal fields of record ${stored.recordId} at leaf ${index} are not the ones its commitments were made from`, recordIds: [stored.recordId], leafIndexes: [index] });
        }
      } catch (error) {
        unreadable.add(index);
        findings.push({ code: "RECORD_UNREADABLE", message: `the record at leaf ${index} cannot be read or opened: ${(error as Error).message}`, recordIds: [recordIdAt.get(index) ?? "unknown"], leafIndexes: [index] });
        leaf = new Uint8Array(32);
      }
      for (const { node, hash } of appendLeaf(frontier, index, leaf)) {
        const span = 2 ** node.level;
        computed.push({ node, hash, leaves: [node.index * span, (node.index + 1) * span] });
      }
    });
    // From disk, past the tile cache: the audit is of what is stored.
    const stored = await readNodes(storedTiles(log.db), computed.map((c) => c.node));
    computed.forEach((c, i) => {
      if (stored[i] && equalBytes(stored[i], c.hash)) return;
      // A record that cannot be read is reported once, as unreadable.
      if (c.node.level === 0 && unreadable.has(c.node.index)) return;
      const leafIndexes = Array.from({ length: c.leaves[1] - c.leaves[0] }, (_, k) => c.leaves[0] + k);
      // A changed record shows first at its own leaf; report higher nodes only when the leaves agree.
      if (c.node.level > 0 && findings.some((f) => f.leafIndexes.some((l) => l >= c.leaves[0] && l < c.leaves[1]))) return;
      const recordIds = leafIndexes.slice(0, 16).map((l) => recordIdAt.get(l) ?? "unknown");
      findings.push(
        c.node.level === 0
          ? { code: "RECORD_ALTERED", message: `record ${recordIds[0]} at leaf ${c.leaves[0]} does not hash to the leaf stored for it: the record or its stored hash was changed`, recordIds, leafIndexes }
          : { code: "TREE_ALTERED", message: `the stored hash over leaves ${c.leaves[0]}..${c.leaves[1] - 1} is not the hash of the leaves beneath it`, recordIds, leafIndexes },
      );
    });
  }
  const anchored = await log.anchored();
  if (anchored && findings.length === 0 && hexlify(await log.root(anchored.treeSize)) !== anchored.root) {
    findings.push({ code: "CHECKPOINT_MISMATCH", message: `the tree of ${anchored.treeSize} leaves no longer has the anchored root ${anchored.root}`, recordIds: [], leafIndexes: [] });
  }
  return findings.sort((a, b) => (a.leafIndexes[0] ?? Infinity) - (b.leafIndexes[0] ?? Infinity));
}
