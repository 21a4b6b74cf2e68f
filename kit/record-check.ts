import { getBytes, hexlify } from "ethers";
import { verifyCheckpointSignature, type SignedCheckpoint } from "./checkpoint.ts";
import { equalBytes } from "./hash.ts";
import { disclosureMismatches, recordHash, type DisclosedRecord, type LoggedRecord, type WholeRecord } from "./record.ts";
import { rootFromInclusionProof, verifyConsistency } from "./proof-check.ts";

export type RecordFailureCode =
  | "RECORD_NOT_HASHABLE"
  | "RECORD_HASH_MISMATCH"
  | "DISCLOSURE_MISMATCH"
  | "SUITE_MISMATCH"
  | "PROOF_INVALID"
  | "CHECKPOINT_SIGNATURE_INVALID"
  | "CHECKPOINT_NOT_ANCHORED"
  | "CHECKPOINT_INCONSISTENT";

export interface RecordVerdict {
  ok: boolean;
  /** The record's recomputed leaf hash, 0x-hex, when it could be computed. */
  recordHash: string | null;
  failures: { code: RecordFailureCode; message: string }[];
}

export interface RecordEvidence {
  /** The record as the verifier holds it: as logged, whole, or with some personal fields disclosed. */
  record: LoggedRecord | WholeRecord | DisclosedRecord;
  leafIndex: number;
  /** The leaf hash the gateway says it stored; compared with the recomputed one when given. */
  leafHash?: string;
  /** 0x-hex inclusion proof of the leaf in `checkpoint`. */
  proof: string[];
  checkpoint: SignedCheckpoint;
  /** The signer the checkpoint must come from (the log operator's address), when known. */
  expectedSigner?: string;
  /** Roots anchored on chain by tree size, as read from the anchor contract's events. */
  anchored?: ReadonlyMap<number, string>;
  /** A later checkpoint and the consistency proof to it, to show the checkpoint was not forked away from. */
  later?: { checkpoint: SignedCheckpoint; proof: string[] };
}

/**
 * Whether a record is intact and in an anchored log, and if not, every reason why. Pure: it reads
 * nothing but its arguments, so the gateway, the command line and the browser give one verdict.
 */
export function verifyRecord(evidence: RecordEvidence): RecordVerdict {
  const failures: RecordVerdict["failures"] = [];
  const fail = (code: RecordFailureCode, message: string) => failures.push({ code, message });
  let hash: Uint8Array | null = null;
  try {
    hash = recordHash(evidence.record);
  } catch (error) {
    fail("RECORD_NOT_HASHABLE", `the record cannot be hashed: ${(error as Error).message}`);
  }
  const { record } = evidence as { record: Partial<DisclosedRecord> };
  if (hash && record.personal && record.commitments && record.salts) {
    const changed = disclosureMismatches(record as DisclosedRecord);
    if (changed.length > 0) fail("DISCLOSURE_MISMATCH", `the disclosed ${changed.join(", ")} ${changed.length === 1 ? "does" : "do"} not open the logged commitment: changed since it was logged`);
  }
  const { checkpoint } = evidence;
  if (record.suite !== checkpoint.suite) {
    fail("SUITE_MISMATCH", `the record is of the ${record.suite} cryptographic suite, but its log's checkpoint says the log is of the ${checkpoint.suite} suite: a record cannot change suite`);
  }
  if (hash && evidence.leafHash && !equalBytes(hash, safeBytes(evidence.leafHash))) {
    fail("RECORD_HASH_MISMATCH", `the record hashes to ${hexlify(hash)}, not to the stored leaf ${evidence.leafHash}: its content was changed`);
  }
  if (hash) {
    const root = rootFromInclusionProof(hash, evidence.leafIndex, checkpoint.treeSize, evidence.proof.map(safeBytes));
    if (!root || !equalBytes(root, safeBytes(checkpoint.root))) {
      fail("PROOF_INVALID", `the inclusion proof does not lead from leaf ${evidence.leafIndex} to the root of checkpoint ${checkpoint.treeSize}`);
    }
  }
  const signed = verifyCheckpointSignature(checkpoint);
  if (!signed || (evidence.expectedSigner && checkpoint.signer.toLowerCase() !== evidence.expectedSigner.toLowerCase())) {
    fail("CHECKPOINT_SIGNATURE_INVALID", `checkpoint ${checkpoint.treeSize} is not signed by ${evidence.expectedSigner ?? checkpoint.signer}`);
  }
  if (evidence.anchored) {
    const onChain = evidence.anchored.get(checkpoint.treeSize);
    if (!onChain || onChain.toLowerCase() !== checkpoint.root.toLowerCase()) {
      fail("CHECKPOINT_NOT_ANCHORED", `no root ${checkpoint.root} of size ${checkpoint.treeSize} was anchored on chain for log ${checkpoint.logId}`);
    }
  }
  if (evidence.later) {
    const later = evidence.later.checkpoint;
    const consistent =
      later.logId === checkpoint.logId &&
      verifyCheckpointSignature(later) &&
      verifyConsistency(checkpoint.treeSize, later.treeSize, safeBytes(checkpoint.root), safeBytes(later.root), evidence.later.proof.map(safeBytes));
    if (!consistent) {
      fail("CHECKPOINT_INCONSISTENT", `checkpoint ${checkpoint.treeSize} is not extended by checkpoint ${later.treeSize}: the log's history was rewritten`);
    }
  }
  return { ok: failures.length === 0, recordHash: hash ? hexlify(hash) : null, failures };
}

/** Hex to bytes, or an empty array (which no verifier accepts) when it is not hex. */
function safeBytes(hex: string): Uint8Array {
  try {
    return getBytes(hex);
  } catch {
    return new Uint8Array(0);
  }
}
