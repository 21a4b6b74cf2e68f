/**
 * What kind of failure an error is, for the edges to tell their users: HTTP maps it to a status,
 * the CLI to an exit code. The code that raises it says what went wrong, never how to answer it.
 */
export type ErrorKind =
  | "invalid"
  | "unauthenticated"
  | "forbidden"
  | "not-found"
  | "conflict"
  /** The request is well formed, but a rule (the ledger's, a payout run's) refuses it. */
  | "refused"
  | "too-large"
  | "unsupported"
  | "rate-limited"
  | "unavailable"
  | "internal";

/**
 * Base of every error aidtrail shows a user: `code` is stable (the API and the CLI print it),
 * `field` names the input at fault, `hint` says what to do about it, `kind` what sort of failure
 * it is; `cause` keeps what it stands for.
 */
export class AidtrailError extends Error {
  override name = "AidtrailError";
  readonly code: string;
  readonly details: { field?: string; hint?: string; zh?: { message: string; hint?: string }; kind?: ErrorKind };

  constructor(
    code: string,
    message: string,
    details: { field?: string; hint?: string; zh?: { message: string; hint?: string }; kind?: ErrorKind } = {},
    /** What it stands for: a chain's decoded revert, say, for code that needs its values. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.details = details;
  }

  get field(): string | undefined {
    return this.details.field;
  }

  get hint(): string | undefined {
    return this.details.hint;
  }
}

/** An index or size lies outside the tree it refers to. */
export class ProofRangeError extends AidtrailError {
  override name = "ProofRangeError";
  constructor(message: string, field: string) {
    super("PROOF_RANGE", message, { field, hint: "ask for an index below the tree size, and sizes from 0 to the current size" });
  }
}

/** A record that cannot be hashed: malformed, not canonicalisable, or too large. */
export class RecordFormatError extends AidtrailError {
  override name = "RecordFormatError";
}
