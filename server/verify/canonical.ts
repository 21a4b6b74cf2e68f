import jcs from "canonicalize";
import { RecordFormatError } from "./errors.ts";

/**
 * The RFC 8785 (JSON Canonicalization Scheme) form of `value`: equal records give equal bytes
 * whatever their key order or number spelling. Values JSON cannot carry faithfully (NaN,
 * Infinity, lone surrogates, undefined, functions, BigInt, class instances, cycles) are refused
 * with a RecordFormatError naming where they are, rather than silently dropped or nulled.
 */
export function canonicalize(value: unknown): string {
  assertJson(value, "$", new Set());
  return jcs(value) as string;
}

function assertJson(value: unknown, path: string, open: Set<object>): void {
  switch (typeof value) {
    case "string":
      if (!value.isWellFormed()) refuse(path, "is a string with a lone surrogate", "RECORD_NOT_CANONICALISABLE");
      return;
    case "number":
      if (!Number.isFinite(value)) refuse(path, `is ${value}, which JSON cannot represent`, "RECORD_NOT_CANONICALISABLE");
      return;
    case "boolean":
      return;
    case "object": {
      if (value === null) return;
      if (open.has(value)) refuse(path, "refers back to itself", "RECORD_NOT_CANONICALISABLE");
      const isArray = Array.isArray(value);
      if (!isArray && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        refuse(path, `is a ${value.constructor?.name ?? "non-plain"} object, not a JSON object`, "RECORD_NOT_CANONICALISABLE");
      }
      open.add(value);
      if (isArray) {
        value.forEach((item, i) => assertJson(item, `${path}[${i}]`, open));
      } else {
        for (const [key, item] of Object.entries(value)) {
          if (!key.isWellFormed()) refuse(path, "has a key with a lone surrogate", "RECORD_NOT_CANONICALISABLE");
          assertJson(item, `${path}.${key}`, open);
        }
      }
      open.delete(value);
      return;
    }
    default:
      refuse(path, `is ${typeof value}, which JSON cannot represent`, "RECORD_NOT_CANONICALISABLE");
  }
}

function refuse(path: string, problem: string, code: string): never {
  throw new RecordFormatError(code, `${path} ${problem}`, {
    field: path,
    hint: "send plain JSON values: strings of whole characters, finite numbers, booleans, null, arrays and objects",
  });
}
