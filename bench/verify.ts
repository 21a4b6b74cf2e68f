/**
 * Offline verifier benchmark: `checkBundle` (every record hash recomputed, every checkpoint root
 * rebuilt from the leaves, checkpoint signatures and consistency) over bundles of 10^4 to 10^5
 * records, with plain SHA-256 of the same record bytes in the same run as the reference. The time
 * should grow linearly with the bundle. The chain half of `aidtrail verify` (event queries) is not
 * in it: it depends on the node, not on this code. Run: npm run bench:verify
 */
import { createHash } from "node:crypto";
import { hexlify, Wallet } from "ethers";
import { newRecord } from "../server/records/record.ts";
import { BUNDLE_FORMAT, checkBundle, checkpointText, consistencyProof, loggedRecord, recordHash, recordLeaf, rootHash, type AuditBundle } from "../kit/index.ts";

const logKey = Wallet.createRandom();
const logId = "0x" + "11".repeat(32);

async function bundleOf(size: number): Promise<AuditBundle> {
  const records = Array.from({ length: size }, (_, i) =>
    i % 10 === 9
      ? newRecord({ kind: "payment-file", jurisdiction: "440105001000", public: { period: 202611, allocationId: "1", lines: Array.from({ length: 9 }, (_, j) => ({ caseId: "0x" + (i - j).toString(16).padStart(64, "0"), amount: "150000" })) } }, "standard")
      : newRecord({ kind: "application", jurisdiction: "440105001000", caseId: "0x" + i.toString(16).padStart(64, "0"), public: { programme: "dibao", householdSize: 3 }, personal: { name: "王小明", residentId: "110101199003074477", address: "北京市朝阳区建国路1号院2号楼3单元401" } }, "standard"),
  );
  const leaves = records.map((r) => recordLeaf(r));
  const sizes = [Math.floor(size / 2), size];
  const checkpoints = await Promise.all(
    sizes.map(async (treeSize) => {
      const body = { logId, suite: "standard" as const, treeSize, root: hexlify(rootHash(leaves.slice(0, treeSize))), time: new Date().toISOString() };
      return { ...body, signer: logKey.address, signature: await logKey.signMessage(checkpointText(body)), anchoring: null };
    }),
  );
  return {
    format: BUNDLE_FORMAT,
    exportedAt: new Date().toISOString(),
    exportedBy: logKey.address,
    jurisdiction: "440105000000",
    chainId: 31337,
    contracts: { aidAccess: logKey.address, caseRegistry: logKey.address, fundLedger: logKey.address, logAnchor: logKey.address },
    logId,
    checkpoints,
    consistency: [{ fromSize: sizes[0]!, toSize: size, proof: consistencyProof(leaves, sizes[0]!).map(hexlify) }],
    range: { start: 0, end: size, left: [] },
    // As the gateway exports them: logged, personal fields as commitments.
    leaves: records.map((record, i) => ({ leafIndex: i, leafHash: hexlify(recordHash(record)), record: loggedRecord(record) })),
  };
}

const rows: Record<string, string | number>[] = [];
for (const size of [10_000, 50_000, 100_000]) {
  const bundle = await bundleOf(size);
  const bytes = bundle.leaves.map((l) => recordLeaf(l.record!));
  let t = performance.now();
  for (const b of bytes) createHash("sha256").update(b).digest();
  const reference = (performance.now() - t) / 1000;
  t = performance.now();
  const check = checkBundle(bundle);
  const seconds = (performance.now() - t) / 1000;
  if (check.failures.length > 0) throw new Error(`the benchmark's own bundle failed: ${check.failures[0]!.message}`);
  rows.push({ records: size, "checkBundle s": seconds.toFixed(2), "µs per record": ((seconds * 1e6) / size).toFixed(1), "reference SHA-256 s": reference.toFixed(3), ratio: (seconds / reference).toFixed(0) });
}
console.table(rows);
