import type { z } from "zod";
import { AidtrailError, type ErrorKind } from "../../kit/errors.ts";
import type { errorSchema } from "./schemas.ts";

/**
 * The JSON body of every error response, as the OpenAPI document's schema gives it: a stable code,
 * a message a person can act on, the field at fault, what to do, and both in Chinese where the
 * error has them (every ledger refusal).
 */
export type ErrorBody = z.infer<typeof errorSchema>;

/** An error the HTTP layer itself raises (bad request shape, unknown route). */
export class RequestError extends AidtrailError {
  override name = "RequestError";
  readonly status: number;

  constructor(
    code: string,
    message: string,
    status: number,
    details: AidtrailError["details"] = {},
  ) {
    super(code, message, details);
    this.status = status;
  }
}

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  "not-found": 404,
  conflict: 409,
  "too-large": 413,
  unsupported: 415,
  refused: 422,
  "rate-limited": 429,
  internal: 500,
  unavailable: 503,
};

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
  if (error.details.kind) return STATUS_BY_KIND[error.details.kind];
  const fixed = STATUS_BY_CODE[error.code];
  if (fixed) return fixed;
  if (error.code.startsWith("AUTH_")) return 401;
  if (error.code.endsWith("_NOT_FOUND") || error.code.endsWith("_UNKNOWN")) return 404;
  if (error.code.endsWith("_EXISTS") || error.code.endsWith("_DUPLICATE") || (error.code.startsWith("LEDGER_") && error.code.includes("ALREADY"))) return 409;
  if (error.code.startsWith("LEDGER_")) return /UNAUTHORIZED|OUTSIDE_JURISDICTION/.test(error.code) ? 403 : 422;
  return 400;
}

export function errorBody(error: AidtrailError): ErrorBody {
  const { field, hint, zh } = error.details;
  return { error: { code: error.code, message: error.message, ...(field ? { field } : {}), ...(hint ? { hint } : {}), ...(zh ? { zh } : {}) } };
}
