import { Interface, isError, isHexString, type ErrorDescription, type InterfaceAbi, type JsonFragment } from "ethers";
import { abiOf } from "./contracts.ts";

/**
 * Every custom error of every aidtrail contract in one interface. A revert raised in AidAccess
 * bubbles up through CaseRegistry or FundLedger unchanged, so a revert must be decoded against
 * all of them, not only against the contract that was called.
 */
const errorsInterface = new Interface(
  [
    abiOf("AidAccess"),
    abiOf("AssistanceStandards"),
    abiOf("CaseRegistry"),
    abiOf("FundLedger"),
    abiOf("GovernanceCouncil"),
    abiOf("LogAnchor"),
  ]
    .flat()
    .filter((fragment) => (fragment as JsonFragment).type === "error")
    .filter((fragment, i, all) => all.findIndex((f) => JSON.stringify(f) === JSON.stringify(fragment)) === i) as InterfaceAbi,
);

/** The raw revert data carried somewhere inside an error thrown by ethers or a JSON-RPC provider. */
export function revertData(error: unknown): string | null {
  const seen = new Set<unknown>();
  const visit = (value: unknown): string | null => {
    if (value === null || typeof value !== "object" || seen.has(value)) return null;
    seen.add(value);
    const record = value as Record<string, unknown>;
    if (typeof record.data === "string" && isHexString(record.data) && record.data.length >= 10) return record.data;
    for (const key of ["error", "info", "cause", "data"]) {
      const found = visit(record[key]);
      if (found) return found;
    }
    return null;
  };
  return visit(error);
}

/** The aidtrail custom error a failed call or transaction reverted with, or null when it was something else. */
export function decodeRevert(error: unknown): ErrorDescription | null {
  const data = revertData(error);
  if (!data) return null;
  try {
    return errorsInterface.parseError(data);
  } catch {
    return null;
  }
}

/**
 * Whether a call could not even be encoded (a value out of its ABI type's range, a malformed
 * argument): no chain would take it, so sending it again can never cure it.
 */
export function unencodable(error: unknown): boolean {
  return isError(error, "INVALID_ARGUMENT") || isError(error, "NUMERIC_FAULT") || isError(error, "BUFFER_OVERRUN");
}
