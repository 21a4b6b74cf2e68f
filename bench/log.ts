/**
 * Record log benchmark: append throughput with everything on (each personal field committed,
 * canonicalisation, hashing, envelope encryption, synced LevelDB batches) against plain SHA-256 of the same bytes
 * in the same run, memory as the log grows, and proof generation and verification from 10^3 to
 * 10^6 leaves, for each cryptographic suite in turn, side by side.
 * Run: npm run bench:log [-- --records 1000000 --workers 2 --suite standard|national]
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hexlify, id } from "ethers";
import { RecordLog } from "../server/log/record-log.ts";
import { keyringFrom } from "../server/records/envelope.ts";
import { newRecord, type AidRecord } from "../server/records/record.ts";
import { recordLeaf, SUITES, verifyInclusion, type Suite } from "../kit/index.ts";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    batch: { type: "string", default: "1000" },
    workers: { type: "string", default: String(availableParallelism()) },
    suite: { type: "string", multiple: true, default: [...SUITES] },
  },
});
const TOTAL = Number(values.records);
const BATCH = Number(values.batch);
const WORKERS = Number(values.workers);
const suites = values.suite as Suite[];

/** Document digests an application carries: input content, made before the clock starts. */
const digests = Array.from({ length: 64 }, (_, d) => createHash("sha256").update(`document ${d}`).digest("hex"));

/** A 1 KiB application record: about 700 bytes of plain fields and 250 of personal ones. */
function record(i: number, suite: Suite): AidRecord {
  return newRecord({
    kind: "application",
    jurisdiction: "440105001000",
    caseId: "0x" + (i + 1).toString(16).padStart(64, "0"),
    public: {
      programme: "dibao",
      area: "urban",
      householdSize: 3,
      monthlyAmount: 150_000,
      documents: Array.from({ length: 8 }, (_, d) => ({ kind: "certificate", sha256: digests[(i + d) % digests.length] })),
    },
    personal: { name: "王小明", residentId: "110101199003074477", phone: "13812345678", address: "北京市朝阳区建国路1号院2号楼3单元401", bankAccount: "6222020200112233445" },
  }, suite);
}

const sample = recordLeaf(record(0, "standard")).length;
const rows: Record<string, string | number>[] = [];
const memory: Record<string, string | number>[] = [];
const proofs: Record<string, string | number>[] = [];
const mib = (n: number) => (n / 2 ** 20).toFixed(0);

// Reference: plain SHA-256 of the same canonical bytes, in this run.
{
  const leaves = Array.from({ length: BATCH }, (_, i) => recordLeaf(record(i, "standard")));
  const rounds = Math.max(1, Math.min(200, TOTAL / BATCH));
  const start = performance.now();
  for (let r = 0; r < rounds; r++) for (const leaf of leaves) createHash("sha256").update(leaf).digest();
  const perSecond = (rounds * BATCH) / ((performance.now() - start) / 1000);
  rows.push({ measure: "reference: SHA-256 of the record bytes", "per second": Math.round(perSecond), note: `${sample}-byte records` });
}

/** Appends TOTAL records of `suite` to a log of its own, then measures proofs over it. */
async function measure(suite: Suite): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "aidtrail-bench-log-"));
  const keyring = keyringFrom({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }, suite);
  const log = await RecordLog.open(dir, { logId: id("bench"), keyring, workers: WORKERS });
  const started = performance.now();
  let lastMark = started;
  // Several appends in flight, as a gateway serving concurrent requests has: batches are hashed and
  // sealed while earlier ones are written.
  const DEPTH = 4;
  const inFlight: Promise<unknown>[] = [];
  for (let done = 0; done < TOTAL; done += BATCH) {
    inFlight.push(log.append(Array.from({ length: Math.min(BATCH, TOTAL - done) }, (_, i) => record(done + i, suite))));
    if (inFlight.length >= DEPTH) await inFlight.shift();
    if ((done + BATCH) % Math.max(BATCH, TOTAL / 10) === 0) {
      const now = performance.now();
      const { rss, heapUsed } = process.memoryUsage();
      memory.push({ suite, records: done + BATCH, "rss MiB": mib(rss), "heap MiB": mib(heapUsed), "records/s in this stretch": Math.round((TOTAL / 10) / ((now - lastMark) / 1000)) });
      lastMark = now;
    }
  }
  await Promise.all(inFlight);
  const appendSeconds = (performance.now() - started) / 1000;
  const appendRate = TOTAL / appendSeconds;
  rows.push({ measure: `${suite} suite: append, batches of ${BATCH}, ${WORKERS} sealing workers`, "per second": Math.round(appendRate), note: `${TOTAL} records in ${appendSeconds.toFixed(1)} s; ${(appendRate / (rows[0]!["per second"] as number) * 100).toFixed(1)}% of the SHA-256 rate` });

  for (let size = 1000; size <= TOTAL; size *= 10) {
    const root = await log.root(size);
    const indexes = Array.from({ length: 2000 }, () => Math.floor(Math.random() * size));
    let t = performance.now();
    const made: Uint8Array[][] = [];
    for (const index of indexes) made.push(await log.inclusionProof(index, size));
    const generate = (performance.now() - t) / indexes.length;
    const leaves = await Promise.all(indexes.map((i) => log.leafHash(i)));
    t = performance.now();
    let verified = 0;
    for (let i = 0; i < indexes.length; i++) if (verifyInclusion(leaves[i]!, indexes[i]!, size, made[i]!, root)) verified++;
    const verify = (performance.now() - t) / indexes.length;
    if (verified !== indexes.length) throw new Error(`only ${verified} of ${indexes.length} proofs verified`);
    t = performance.now();
    for (let i = 0; i < 200; i++) await log.consistencyProof(Math.max(1, size - 1 - Math.floor(Math.random() * (size / 2))), size);
    const consistency = (performance.now() - t) / 200;
    proofs.push({
      suite,
      leaves: size,
      "proof hashes": made[0]!.length,
      "inclusion proofs/s": Math.round(1000 / generate),
      "µs per proof": (generate * 1000).toFixed(0),
      "µs per proof / log2 n": ((generate * 1000) / Math.log2(size)).toFixed(1),
      "verifications/s": Math.round(1000 / verify),
      "consistency proofs/s": Math.round(1000 / consistency),
    });
  }
  console.log(`${suite} suite: root ${hexlify(await log.root())} over ${log.size} records`);
  await log.close();
  rmSync(dir, { recursive: true, force: true });
}

for (const suite of suites) await measure(suite);

console.table(rows);
console.table(memory);
console.table(proofs);
