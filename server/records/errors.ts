import { AidtrailError } from "../../kit/errors.ts";

/** A resident ID that is not a valid 18-character PRC resident identity number. */
export class IdentityError extends AidtrailError {
  override name = "IdentityError";
  constructor(message: string, zh?: string) {
    super("IDENTITY_INVALID", message, {
      field: "residentId",
      hint: "enter the 18 characters of the resident identity card: 17 digits and a check digit or X",
      ...(zh && { zh: { message: zh, hint: "请按身份证输入 18 位：17 位数字加一位数字或 X" } }),
    });
  }
}

/** Key material that is missing, malformed, or cannot open a sealed record. */
export class KeyError extends AidtrailError {
  override name = "KeyError";
}
