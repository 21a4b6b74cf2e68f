import { AidtrailError } from "../../kit/errors.ts";

/** A resident ID that is not a valid 18-character PRC resident identity number. */
export class IdentityError extends AidtrailError {
  override name = "IdentityError";
  constructor(message: string) {
    super("IDENTITY_INVALID", message, {
      field: "residentId",
      hint: "enter the 18 characters of the resident identity card: 17 digits and a check digit or X",
    });
  }
}

/** Key material that is missing, malformed, or cannot open a sealed record. */
export class KeyError extends AidtrailError {
  override name = "KeyError";
}
