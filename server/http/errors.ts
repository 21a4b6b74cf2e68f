import { isError, type ErrorDescription } from "ethers";
import { decodeRevert, unencodable } from "../chain/reverts.ts";
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
  // A sealed record the gateway cannot open is a fault of its own store, not of the request.
  ENVELOPE_INVALID: 500,
  KEY_UNKNOWN: 500,
  KEY_INVALID: 500,
  EXPORT_NOTHING_ANCHORED: 409,
  EXPORT_NOTHING_READABLE: 500,
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
  if (unreachable(error)) {
    return new AidtrailError("LEDGER_UNAVAILABLE", "the ledger cannot be reached now", { hint: "try again when the chain is back", zh: { message: "账本暂时无法连接", hint: "请稍后再试" } });
  }
  if (unencodable(error)) {
    return new AidtrailError("REQUEST_OUT_OF_RANGE", "a value of the request is beyond what the ledger stores", { hint: "check the request's numbers and ids against the OpenAPI document's bounds" });
  }
  return new AidtrailError("INTERNAL", "the gateway failed to handle the request", { hint: "try again; if it persists, tell the operator the time of the request" });
}

/** Whether an error is the chain not answering (refused, reset, timed out), not a refusal of the ledger's. */
function unreachable(error: unknown): boolean {
  if (isError(error, "NETWORK_ERROR") || isError(error, "TIMEOUT") || isError(error, "SERVER_ERROR")) return true;
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET"].includes(code);
}

export function errorBody(error: AidtrailError): ErrorBody {
  const { field, hint, zh } = error.details;
  return { error: { code: error.code, message: error.message, ...(field ? { field } : {}), ...(hint ? { hint } : {}), ...(zh ? { zh } : {}) } };
}
