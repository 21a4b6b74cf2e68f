/**
 * Every key of the gateway's state (its LevelDB beside the record log), by what it holds: the
 * layout in one place, so that no two kinds of entry share a prefix and a listing by prefix reads
 * one kind alone. Numbers are zero-padded so that keys sort as the numbers do.
 */
const pad = (n: number, width = 12) => n.toString().padStart(width, "0");

export const KEYS = {
  /** A case taken in here (CaseEntry); `cases` lists them, `casesFrom` those whose id starts so (a case number). */
  case: (caseId: string) => `case:${caseId}`,
  cases: "case:",
  casesFrom: (caseIdPrefix: string) => `case:${caseIdPrefix}`,
  /** A document's content, sealed, by the case and its SHA-256 as the application lists it. */
  document: (caseId: string, sha256: string) => `document:${caseId}:${sha256}`,
  /** The cases a person is in, by their identity commitment (the keyed hash of their resident ID): as applicant, or member. */
  person: (commitment: string, caseId = "") => `person:${commitment}:${caseId}`,
  /** The decision being collected on a case, with its signatures. */
  decision: (caseId: string) => `decision:${caseId}`,
  /** A monthly payout run, and which payment file pays a case for a period. */
  run: (runId: string) => `run:${runId}`,
  paymentFile: (caseId: string, period: number) => `payment-file:${caseId}:${period}`,
  /** Ledger steps owed: each entry, in the order owed; its mark while pending, or once failed; an operator transaction signed for entries. */
  outbox: (caseId: string, at: number) => `outbox:${pad(at, 16)}:${caseId}:${Math.random().toString(36).slice(2, 8)}`,
  pending: (outbox: string) => `pending:${outbox}`,
  pendingAll: "pending:",
  failed: (outbox: string) => `failed:${outbox}`,
  failedAll: "failed:",
  sent: (hash: string) => `sent:${hash}`,
  /** Answers kept under an Idempotency-Key (sealed). */
  idempotent: (caller: string, request: string) => `idem:${caller}:${request}`,
  idempotentAll: "idem:",
  /** The size of the record log its last clean audit reached. */
  logAudited: "log:audited",
  /** The ledger's index: the block indexed to, its layout's version, events by case, allocation and proposal, the cases in notice, each case's status. */
  index: {
    block: "ix:block",
    version: "ix:version",
    byCase: (caseId: string, blockNumber?: number, logIndex?: number) => `ix:c:${caseId}:${blockNumber === undefined ? "" : `${pad(blockNumber)}:${pad(logIndex!)}`}`,
    byAllocation: (allocationId: string, blockNumber?: number, logIndex?: number) => `ix:a:${allocationId}:${blockNumber === undefined ? "" : `${pad(blockNumber)}:${pad(logIndex!)}`}`,
    byProposal: (proposalId: string, blockNumber: number, logIndex: number) => `ix:p:${pad(Number(proposalId))}:${pad(blockNumber)}:${pad(logIndex)}`,
    proposals: "ix:p:",
    notice: (caseId: string) => `ix:n:${caseId}`,
    notices: "ix:n:",
    /** Each case's status now, and since when. */
    status: (caseId: string) => `ix:s:${caseId}`,
    statuses: "ix:s:",
  },
} as const;
