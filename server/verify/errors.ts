/** Base of every error the verification kit throws; `code` is stable, `field` names the input at fault. */
export class VerifyError extends Error {
  override name = "VerifyError";
  constructor(
    message: string,
    readonly code: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** An index or size lies outside the tree it refers to. */
export class VerifyRangeError extends VerifyError {
  override name = "VerifyRangeError";
  constructor(message: string, field: string) {
    super(message, "PROOF_RANGE", field);
  }
}
