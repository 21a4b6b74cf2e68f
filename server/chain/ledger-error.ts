import { isError, type ErrorDescription } from "ethers";
import { AidtrailError } from "../../kit/errors.ts";
import { refusalOf } from "./refusals.ts";
import { decodeRevert, unencodable } from "./reverts.ts";

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
    }, revert);
  }
  if (unreachable(error)) {
    return new AidtrailError("LEDGER_UNAVAILABLE", "the ledger cannot be reached now", { kind: "unavailable", hint: "try again when the chain is back", zh: { message: "账本暂时无法连接", hint: "请稍后再试" } }, error);
  }
  if (unencodable(error)) {
    return new AidtrailError("REQUEST_OUT_OF_RANGE", "a value of the request is beyond what the ledger stores", { kind: "invalid", hint: "check the request's numbers and ids against the OpenAPI document's bounds" }, error);
  }
  return new AidtrailError("INTERNAL", "the gateway failed to handle the request", { kind: "internal", hint: "try again; if it persists, tell the operator the time of the request" }, error);
}

/** Whether an error is the chain not answering (refused, reset, timed out), not a refusal of the ledger's. */
function unreachable(error: unknown): boolean {
  if (isError(error, "NETWORK_ERROR") || isError(error, "TIMEOUT") || isError(error, "SERVER_ERROR")) return true;
  const code = (error as { code?: unknown; cause?: { code?: unknown } })?.code ?? (error as { cause?: { code?: unknown } })?.cause?.code;
  return typeof code === "string" && ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "UND_ERR_SOCKET"].includes(code);
}
