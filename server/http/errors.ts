import type { ErrorDescription } from "ethers";
import { decodeRevert } from "../chain/reverts.ts";
import { refusalOf } from "../chain/refusals.ts";
import { AidtrailError } from "../verify/errors.ts";

/** The JSON body of every error response: a stable code, a message a person can act on, the field at fault. */
export interface ErrorBody {
  /** `zh`: the message and hint in Chinese, where the error has them (every ledger refusal). */
  error: { code: string; message: string; field?: string; hint?: string; zh?: { message: string; hint?: string } };
}

/** An error the HTTP layer itself raises (bad request shape, unknown route). */
export class RequestError extends AidtrailError {
  override name = "RequestError";
  constructor(
    code: string,
    message: string,
    readonly status: number,
    details: AidtrailError["details"] = {},
  ) {
    super(code, message, details);
  }
}

const STATUS_BY_CODE: Record<string, number> = {
  AUTH_ADDRESS_INVALID: 400,
  RECORD_TOO_LARGE: 413,
  REQUEST_TOO_LARGE: 413,
  CONFIG_INVALID: 500,
  INTERNAL: 500,
  LEDGER_UNAVAILABLE: 503,
  LOG_CORRUPT: 500,
  EXPORT_NOTHING_ANCHORED: 409,
};

/** HTTP status of an aidtrail error: by its code's meaning, so new codes need no table entry. */
export function statusOf(error: AidtrailError): number {
  if (error instanceof RequestError) return error.status;
  const fixed = STATUS_BY_CODE[error.code];
  if (fixed) return fixed;
  if (error.code.startsWith("AUTH_")) return 401;
  if (error.code.endsWith("_NOT_FOUND") || error.code.endsWith("_UNKNOWN")) return 404;
  if (error.code.endsWith("_EXISTS") || error.code.endsWith("_DUPLICATE") || (error.code.startsWith("LEDGER_") && error.code.includes("ALREADY"))) return 409;
  if (error.code.startsWith("LEDGER_")) return /UNAUTHORIZED|OUTSIDE_JURISDICTION/.test(error.code) ? 403 : 422;
  return 400;
}

/** `PayoutAlreadyMade` becomes `LEDGER_PAYOUT_ALREADY_MADE`: chain reverts keep their custom error's name. */
function ledgerCode(revert: ErrorDescription): string {
  return "LEDGER_" + revert.name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

/** The aidtrail error an error stands for: typed errors as they are, chain reverts decoded, the rest internal. */
export function toAidtrailError(error: unknown): AidtrailError {
  if (error instanceof AidtrailError) return error;
  const revert = decodeRevert(error);
  if (revert) {
    let args: Record<string, unknown> = {};
    try {
      args = revert.args.toObject();
    } catch {
      // An error with unnamed arguments (none of aidtrail's) is told by its name alone.
    }
    const refusal = refusalOf(revert.name, args);
    if (refusal) return new AidtrailError(ledgerCode(revert), `the ledger refused: ${refusal.en.message}`, { hint: refusal.en.hint, zh: { message: `账本拒绝：${refusal.zh.message}`, hint: refusal.zh.hint } }, revert);
    return new AidtrailError(ledgerCode(revert), `the ledger refused the transaction: ${revert.name}(${revert.args.map((a) => String(a)).join(", ")})`, {
      hint: "tell the operator: this refusal has no plain words yet",
    });
  }
  return new AidtrailError("INTERNAL", "the gateway failed to handle the request", { hint: "try again; if it persists, tell the operator the time of the request" });
}

export function errorBody(error: AidtrailError): ErrorBody {
  const { field, hint, zh } = error.details;
  return { error: { code: error.code, message: error.message, ...(field ? { field } : {}), ...(hint ? { hint } : {}), ...(zh ? { zh } : {}) } };
}
