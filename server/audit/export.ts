import { hexlify } from "ethers";
import type { Deployment } from "../chain/deploy.ts";
import { coversDivision } from "../chain/domain.ts";
import type { RecordLog } from "../log/record-log.ts";
import { newRecord, publicView } from "../records/record.ts";
import { BUNDLE_FORMAT, type AuditBundle, type BundleFault, type BundleLeaf } from "../../kit/bundle.ts";
import type { LoggedRecord } from "../../kit/record.ts";
import { AidtrailError } from "../../kit/errors.ts";
import { exportReadRecord } from "../records/kinds/access-log.ts";

export interface ExportRequest {
  /** The division whose records are exported whole; others in the range appear as leaf hashes. */
  jurisdiction: string;
  /** Leaves appended before this time are left out (their subtree hashes stand in for them). */
  from?: Date;
  /** The bundle ends at the last checkpoint anchored by this time. */
  to?: Date;
  /** The auditor's account: the export is itself logged, as every read of personal data is. */
  auditor: string;
  /** The time of the export, by the gateway's clock (see LedgerClock); now by the wall clock if not given. */
  at?: Date;
}

/**
 * An audit bundle (see `AuditBundle`): the log's leaves from the first appended at or after
 * `from` up to the last checkpoint anchored by `to`, whole records for the jurisdiction, the
 * checkpoints with their consistency proofs. The export is logged as an access record before
 * the bundle is handed out.
 */
export async function exportBundle(log: RecordLog, deployment: Deployment, request: ExportRequest): Promise<AuditBundle> {
  const at = (request.at ?? new Date()).toISOString();
  const anchored = await log.anchoredCheckpoints();
  const to = request.to?.getTime() ?? Infinity;
  const included = anchored.filter((c) => Date.parse(c.time) <= to);
  const last = included.at(-1);
  if (!last) {
    throw new AidtrailError("EXPORT_NOTHING_ANCHORED", "no checkpoint of the log was anchored on chain in that period, so there is nothing an auditor could verify", {
      hint: "wait for the anchorer's next checkpoint, or choose a later `to`",
    });
  }
  const end = last.treeSize;
  const start = request.from ? await firstAppendedSince(log, request.from, end) : 0;
  const hashes = await log.leafHashes(start, end);
  const leaves: BundleLeaf[] = [];
  const cases = new Set<string>();
  const faults: BundleFault[] = [];
  for (let i = start; i < end; i++) {
    const leafHash = hexlify(hashes[i - start]!);
    // A record the log cannot read is a fault of that record, said in the bundle, not a reason to
    // withhold every other: its leaf hash still stands in for it.
    let record: LoggedRecord | null = null;
    let recordId: string | undefined;
    try {
      const stored = await log.stored(i);
      recordId = stored.recordId;
      const whole = coversDivision(request.jurisdiction, stored.jurisdiction);
      if (whole && stored.caseId) cases.add(stored.caseId);
      // As logged: its personal fields are commitments, never opened for an export.
      record = whole ? publicView(stored) : null;
    } catch (error) {
      const code = error instanceof AidtrailError ? error.code : "RECORD_UNREADABLE";
      faults.push({ leafIndex: i, ...(recordId && { recordId }), code, message: `the gateway could not read the record at leaf ${i}: ${(error as Error).message.split("\n")[0]}` });
    }
    leaves.push({ leafIndex: i, leafHash, record });
  }
  if (faults.length === end - start && end > start) {
    throw new AidtrailError("EXPORT_NOTHING_READABLE", `no record of leaves ${start} to ${end - 1} could be read: ${faults[0]!.message}`, { hint: "the data folder is damaged: restore it from a backup" });
  }
  const checkpoints = included.map(({ anchoring, ...c }) => ({ ...c, anchoring: anchoring && { transactionHash: anchoring.transactionHash, blockNumber: anchoring.blockNumber } }));
  const consistency = [];
  for (let i = 1; i < checkpoints.length; i++) {
    const [fromSize, toSize] = [checkpoints[i - 1]!.treeSize, checkpoints[i]!.treeSize];
    consistency.push({ fromSize, toSize, proof: (await log.consistencyProof(fromSize, toSize)).map(hexlify) });
  }
  await log.append([
    newRecord({ ...exportReadRecord({ jurisdiction: request.jurisdiction }, { reader: request.auditor, leaves: [start, end], cases: cases.size }), createdAt: at }, log.suite),
  ]);
  const c = deployment.contracts;
  // Everything logged after the range, up to and including the record of this export.
  const leftOut = log.size > end ? { start: end, end: log.size, reason: `logged after the last checkpoint anchored${request.to ? ` by ${request.to.toISOString()}` : ""} (size ${end}), the export's own record of this read the last of them: a later export covers them` } : null;
  return {
    format: BUNDLE_FORMAT,
    exportedAt: at,
    exportedBy: request.auditor,
    jurisdiction: request.jurisdiction,
    chainId: deployment.chainId,
    contracts: { aidAccess: c.aidAccess, caseRegistry: c.caseRegistry, fundLedger: c.fundLedger, logAnchor: c.logAnchor },
    logId: log.logId,
    checkpoints,
    consistency,
    range: { start, end, left: (await log.leftOf(start)).map(hexlify) },
    leaves,
    leftOut,
    ...(faults.length > 0 && { faults }),
  };
}

/** The first leaf appended at or after `time` (records are appended in time order), or `end`. */
async function firstAppendedSince(log: RecordLog, time: Date, end: number): Promise<number> {
  let [low, high] = [0, end];
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (Date.parse((await log.stored(middle)).createdAt) < time.getTime()) low = middle + 1;
    else high = middle;
  }
  return low;
}
