import { getBytes, TypedDataEncoder, verifyTypedData } from "ethers";
import { verifyCheckpointSignature, type SignedCheckpoint } from "./checkpoint.ts";
import { perfectParts, rootsOverRange } from "./compact-range.ts";
import { decisionDomain, DECISION_TYPES } from "./decision.ts";
import { equalBytes } from "./hash.ts";
import { recordHash, type LoggedRecord } from "./record.ts";
import { verifyConsistency } from "./proof-check.ts";

export const BUNDLE_FORMAT = "aidtrail.audit-bundle/2";

/** Where a checkpoint was anchored, as the gateway says: the verifier finds it on chain itself. */
export interface BundleAnchoring {
  transactionHash: string;
  blockNumber: number;
}

export interface BundleCheckpoint extends SignedCheckpoint {
  anchoring: BundleAnchoring | null;
}

/** A log leaf in a bundle: the record as logged (personal fields as commitments) when it is within the exported jurisdiction, its hash alone otherwise. */
export interface BundleLeaf {
  leafIndex: number;
  leafHash: string;
  record: LoggedRecord | null;
}

/**
 * What `GET /v1/audit/export` hands an auditor: every leaf of the log in [range.start, range.end),
 * the perfect subtree hashes left of the range (`range.left`), the anchored checkpoints up to
 * `range.end` with consistency proofs between consecutive ones, and the deployment the chain
 * references point into. Nothing in it is taken on trust: `checkBundle` recomputes it, and
 * `verifyBundle` (server/audit/verify-bundle.ts) finds every checkpoint and ledger step on chain.
 */
export interface AuditBundle {
  format: typeof BUNDLE_FORMAT;
  exportedAt: string;
  exportedBy: string;
  jurisdiction: string;
  chainId: number;
  contracts: { aidAccess: string; caseRegistry: string; fundLedger: string; logAnchor: string };
  logId: string;
  checkpoints: BundleCheckpoint[];
  consistency: { fromSize: number; toSize: number; proof: string[] }[];
  range: { start: number; end: number; left: string[] };
  leaves: BundleLeaf[];
  /**
   * The records the log held when the bundle was cut that it leaves out, and why: logged after
   * its last anchored checkpoint (the export's own record of the auditor's read among them).
   * The exporter's word, for the auditor to ask a later bundle for; nothing checks it.
   */
  leftOut?: { start: number; end: number; reason: string } | null;
  /**
   * Records of the range the exporter could not read or open, each in the bundle as its leaf hash
   * alone: the exporter's word on a fault of its own store, which fails the bundle's check (a
   * record of the jurisdiction may be among them).
   */
  faults?: BundleFault[];
}

/** A record the exporter could not read or open, and why. */
export interface BundleFault {
  leafIndex: number;
  recordId?: string;
  code: string;
  message: string;
}

export interface Finding {
  code: string;
  message: string;
  leafIndex?: number;
  recordId?: string;
  caseId?: string;
  transactionHash?: string;
  treeSize?: number;
  /** For a ledger step: which step (see StepName in server/audit/steps.ts), who took it, the role it needed and its block. */
  step?: string;
  actor?: string;
  role?: string;
  blockNumber?: number;
}

/** A decision record whose signatures were recovered: what the chain's decision must match. */
export interface CheckedDecision {
  recordId: string;
  caseId: string;
  digest: string;
  stage: number;
  approve: boolean;
  amount: bigint;
  round: number;
  signers: string[];
}

/** A line of a payment file, as the record holds it: the case paid and the amount in fen, as a decimal string. */
export interface PaymentLine {
  caseId: string;
  amount: string;
}

/** A payout as a payment file of the bundle says it: the file's record, period and allocation, and its line for the case. */
export interface FiledPayout {
  recordId: string;
  caseId: string;
  period: number;
  allocationId: string;
  amount: bigint;
}

/** What the offline checks found, and the facts the chain checks go on from. */
export interface BundleCheck {
  failures: Finding[];
  records: number;
  decisions: CheckedDecision[];
  filedPayouts: FiledPayout[];
  /** Leaf hashes of application records, by case: what CaseSubmitted and CaseRecordRevised name. */
  applications: Map<string, Set<string>>;
  caseIds: Set<string>;
  /** Every leaf hash in the bundle, and what its record is where the bundle holds it (null where it holds the hash alone). */
  evidence: Map<string, Evidence | null>;
  /** Settlement records by leaf hash: what each payout's settlement on the ledger names as its receipt. */
  settlements: Map<string, { recordId: string; period: number; caseIds: Set<string> }>;
  /** Reversal records (documents of type `payout-reversal`) by leaf hash: what each reversal on the ledger names as its reason. */
  reversals: Map<string, ReversalRecord>;
  /**
   * Runs of leaves missing from the bundle (each failed once, as RECORD_MISSING): a ledger step
   * whose record could be among them is unverifiable, not failed, and the rest is checked as usual.
   */
  gaps: { from: number; to: number }[];
  /** Leaves whose records the exporter said it could not read (each failed once, as RECORD_FAULT): unverifiable as gaps are. */
  unreadable: number[];
}

/** What a record is, as a ledger step that names its hash as evidence is matched to it. */
export interface Evidence {
  recordId: string;
  caseId: string | null;
  kind: string;
  /** A document's or complaint's `public.type`, null for kinds without one. */
  type: string | null;
  /** An application record's household size (the applicant and the members it names), null for other kinds. */
  householdSize: number | null;
}

/** What a reversal record says it reverses. */
export interface ReversalRecord {
  recordId: string;
  caseId: string | null;
  period: number;
  allocationId: string;
  amount: bigint;
}

/**
 * Checks a bundle with nothing but itself, trusting none of it: its shape, every checkpoint's
 * signature, order and consistency with the one before, every record's hash recomputed, no leaf
 * missing or out of place (the roots of every checkpoint in the range are rebuilt from the leaves:
 * the inclusion proof of every leaf at once), and every approval signature recovered.
 * `onProgress` is told how many leaves are done.
 */
export function checkBundle(bundle: AuditBundle, onProgress?: (done: number, total: number) => void): BundleCheck {
  const failures: Finding[] = [];
  const fail = (finding: Finding) => failures.push(finding);
  const result: BundleCheck = { failures, records: 0, decisions: [], filedPayouts: [], applications: new Map(), caseIds: new Set(), evidence: new Map(), settlements: new Map(), reversals: new Map(), gaps: [], unreadable: [] };
  if (bundle?.format !== BUNDLE_FORMAT) {
    fail({ code: "BUNDLE_FORMAT", message: `this is not an audit bundle of format ${BUNDLE_FORMAT} (it says ${JSON.stringify(bundle?.format)})` });
    return result;
  }
  const { range, leaves, checkpoints } = bundle;

  checkpoints.forEach((c, i) => {
    const name = `checkpoint ${i + 1} (size ${c.treeSize})`;
    if (c.logId !== bundle.logId) fail({ code: "CHECKPOINT_FOREIGN", message: `${name} is of log ${c.logId}, not of this bundle's log ${bundle.logId}`, treeSize: c.treeSize });
    if (c.suite !== checkpoints[0]!.suite) fail({ code: "SUITE_MISMATCH", message: `${name} says the log is of the ${c.suite} cryptographic suite; its first checkpoint says ${checkpoints[0]!.suite}: a log keeps its suite`, treeSize: c.treeSize });
    if (!verifyCheckpointSignature(c)) fail({ code: "CHECKPOINT_SIGNATURE_INVALID", message: `${name} is not signed by its stated log key ${c.signer}`, treeSize: c.treeSize });
    const previous = checkpoints[i - 1];
    if (!previous) return;
    if (c.treeSize <= previous.treeSize) {
      fail({ code: "CHECKPOINT_ORDER", message: `${name} follows a checkpoint of size ${previous.treeSize}: a log only grows, so checkpoints must come in increasing size`, treeSize: c.treeSize });
      return;
    }
    const link = bundle.consistency.find((p) => p.fromSize === previous.treeSize && p.toSize === c.treeSize);
    if (!link || !verifyConsistency(previous.treeSize, c.treeSize, getBytes(previous.root), getBytes(c.root), link.proof.map(bytesOr))) {
      fail({ code: "CHECKPOINT_INCONSISTENT", message: `${name} is not proven to extend the checkpoint of size ${previous.treeSize}: the log was rewritten in between, or the proof is missing`, treeSize: c.treeSize });
    }
  });

  const last = checkpoints.at(-1);
  if (!last || last.treeSize !== range.end) {
    fail({ code: "RANGE_UNANCHORED", message: `the bundle's leaves end at ${range.end}, which is not the size of its last checkpoint (${last?.treeSize ?? "none"})` });
  }

  for (const fault of bundle.faults ?? []) {
    fail({ code: "RECORD_FAULT", message: `the exporter could not give the record at leaf ${fault.leafIndex} (${fault.code}): ${fault.message}`, leafIndex: fault.leafIndex, ...(fault.recordId && { recordId: fault.recordId }) });
    result.unreadable.push(fault.leafIndex);
  }

  const hashes: Uint8Array[] = [];
  let expected = range.start;
  for (let i = 0; i < leaves.length; i++) {
    const leaf = leaves[i]!;
    if (leaf.leafIndex < expected || !Number.isSafeInteger(leaf.leafIndex)) {
      fail({ code: "RECORD_MISSING", message: `leaf ${leaf.leafIndex} is out of place after leaf ${expected - 1}`, leafIndex: expected });
      return result;
    }
    if (leaf.leafIndex > expected) {
      // Reported once; the leaves after the gap are still read, for what they say of the ledger's steps.
      fail({ code: "RECORD_MISSING", message: `leaves ${expected} to ${leaf.leafIndex - 1} are missing from the bundle: every leaf of the range must be there`, leafIndex: expected });
      result.gaps.push({ from: expected, to: leaf.leafIndex - 1 });
      expected = leaf.leafIndex;
    }
    expected++;
    const hash = bytesOr(leaf.leafHash);
    hashes.push(hash);
    if (leaf.record) checkRecord(bundle, leaf, hash, result);
    else result.evidence.set(leaf.leafHash, null);
    if (onProgress && (i + 1) % 1000 === 0) onProgress(i + 1, leaves.length);
  }
  onProgress?.(leaves.length, leaves.length);
  if (expected < range.end) {
    fail({ code: "RECORD_MISSING", message: `leaves ${expected} to ${range.end - 1} are missing from the end of the bundle`, leafIndex: expected });
    result.gaps.push({ from: expected, to: range.end - 1 });
  }
  // With leaves missing, the roots cannot be rebuilt; the gap has failed the bundle already.
  if (result.gaps.length > 0) return result;
  const leftParts = perfectParts(0, range.start).length;
  if (range.left.length !== leftParts) {
    fail({ code: "RANGE_LEFT_INVALID", message: `a range starting at leaf ${range.start} needs ${leftParts} hashes of the tree to its left, not ${range.left.length}` });
    return result;
  }
  const within = checkpoints.filter((c) => c.treeSize >= range.start && c.treeSize <= range.end);
  const roots = rootsOverRange(range.left.map(bytesOr), range.start, hashes, within.map((c) => c.treeSize));
  for (const c of within) {
    if (!equalBytes(roots.get(c.treeSize)!, bytesOr(c.root))) {
      fail({
        code: "RANGE_ROOT_MISMATCH",
        message: `the leaves up to ${c.treeSize} do not make the root of the checkpoint of that size: a leaf was changed, added or removed`,
        treeSize: c.treeSize,
      });
    }
  }
  return result;
}

function checkRecord(bundle: AuditBundle, leaf: BundleLeaf, hash: Uint8Array, result: BundleCheck): void {
  const record = leaf.record!;
  result.records++;
  const carried = ["salt", "salts", "personal"].filter((field) => field in record);
  if (carried.length > 0) {
    result.failures.push({
      code: "BUNDLE_CARRIES_PERSONAL_DATA",
      message: `record ${record.recordId} revision ${record.revision} (leaf ${leaf.leafIndex}) carries ${carried.join(" and ")}: a bundle holds the record as logged, its personal fields as commitments, and the exporter disclosed what it should not have`,
      leafIndex: leaf.leafIndex,
      recordId: record.recordId,
    });
  }
  const suite = bundle.checkpoints[0]?.suite;
  if (record.suite !== suite) {
    result.failures.push({
      code: "SUITE_MISMATCH",
      message: `record ${record.recordId} revision ${record.revision} (leaf ${leaf.leafIndex}) is of the ${record.suite} cryptographic suite; the log's checkpoints say ${suite}`,
      leafIndex: leaf.leafIndex,
      recordId: record.recordId,
    });
  }
  let recomputed: Uint8Array | null = null;
  try {
    recomputed = recordHash(record);
  } catch {
    recomputed = null;
  }
  if (!recomputed || !equalBytes(recomputed, hash)) {
    result.failures.push({
      code: "RECORD_ALTERED",
      message: `record ${record.recordId} revision ${record.revision} (leaf ${leaf.leafIndex}) does not hash to its leaf: its content was changed`,
      leafIndex: leaf.leafIndex,
      recordId: record.recordId,
    });
    return;
  }
  if (record.caseId) result.caseIds.add(record.caseId);
  const { type, householdSize } = record.public;
  result.evidence.set(leaf.leafHash, {
    recordId: record.recordId,
    caseId: record.caseId,
    kind: record.kind,
    type: typeof type === "string" ? type : null,
    householdSize: record.kind === "application" && typeof householdSize === "number" ? householdSize : null,
  });
  if (record.kind === "application" && record.caseId) {
    const set = result.applications.get(record.caseId) ?? new Set<string>();
    set.add(leaf.leafHash);
    result.applications.set(record.caseId, set);
  }
  try {
    if (record.kind === "decision") checkDecisionRecord(bundle, record, leaf.leafIndex, result);
    if (record.kind === "settlement") {
      const p = record.public as { period: number; lines: { caseId: string; reference: string }[] };
      result.settlements.set(leaf.leafHash, { recordId: record.recordId, period: Number(p.period), caseIds: new Set(p.lines.map((line) => line.caseId)) });
    }
    if (record.kind === "document" && record.public.type === "payout-reversal") {
      const p = record.public as { period: number; allocationId: string; amount: string };
      result.reversals.set(leaf.leafHash, { recordId: record.recordId, caseId: record.caseId, period: Number(p.period), allocationId: String(p.allocationId), amount: BigInt(p.amount) });
    }
    if (record.kind === "payment-file") {
      const p = record.public as { period: number; allocationId: string; lines: { caseId: string; amount: string }[] };
      for (const line of p.lines) {
        result.filedPayouts.push({ recordId: record.recordId, caseId: line.caseId, period: Number(p.period), allocationId: String(p.allocationId), amount: BigInt(line.amount) });
        result.caseIds.add(line.caseId);
      }
    }
  } catch (error) {
    result.failures.push({
      code: "RECORD_MALFORMED",
      message: `${record.kind} record ${record.recordId} (leaf ${leaf.leafIndex}) is intact but cannot be read as one: ${(error as Error).message}`,
      leafIndex: leaf.leafIndex,
      recordId: record.recordId,
    });
  }
}

function checkDecisionRecord(bundle: AuditBundle, record: LoggedRecord, leafIndex: number, result: BundleCheck): void {
  const p = record.public as { decision: Record<string, unknown>; digest: string; signatures: { signer: string; signature: string }[] };
  const decision: Record<string, unknown> & { amount: bigint; deadline: bigint } = { ...p.decision, amount: BigInt(p.decision.amount as string), deadline: BigInt(p.decision.deadline as string) };
  const domain = decisionDomain(bundle.chainId, bundle.contracts.caseRegistry);
  const where = `decision record ${record.recordId} (case ${record.caseId}, round ${String(decision.round)})`;
  if (TypedDataEncoder.hash(domain, DECISION_TYPES, decision) !== p.digest) {
    result.failures.push({ code: "DECISION_DIGEST_MISMATCH", message: `${where} names digest ${p.digest}, but its decision hashes otherwise`, leafIndex, recordId: record.recordId });
  }
  let forged = false;
  p.signatures.forEach(({ signer, signature }, i) => {
    let recovered = "";
    try {
      recovered = verifyTypedData(domain, DECISION_TYPES, decision, signature);
    } catch {
      recovered = "(nothing: the signature is malformed)";
    }
    if (recovered.toLowerCase() !== signer.toLowerCase()) {
      forged = true;
      result.failures.push({
        code: "DECISION_SIGNATURE_FORGED",
        message: `${where}: signature ${i + 1} recovers to ${recovered}, not to its named signer ${signer}`,
        leafIndex,
        recordId: record.recordId,
        caseId: record.caseId ?? undefined,
      });
    }
  });
  if (forged) return;
  result.decisions.push({
    recordId: record.recordId,
    caseId: String(decision.caseId),
    digest: p.digest,
    stage: Number(decision.stage),
    approve: Boolean(decision.approve),
    amount: decision.amount,
    round: Number(decision.round),
    signers: p.signatures.map((s) => s.signer),
  });
}

/** Bytes of 0x-hex, or an empty array (which no hash equals) when it is not hex. */
function bytesOr(hex: string): Uint8Array {
  try {
    return getBytes(hex);
  } catch {
    return new Uint8Array(0);
  }
}
