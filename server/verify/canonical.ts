import jcs from "canonicalize";
import { RecordFormatError } from "./errors.ts";

/**
 * The RFC 8785 (JSON Canonicalization Scheme) form of `value`: equal records give equal bytes
 * whatever their key order or number spelling. Values JSON cannot carry faithfully (NaN,
 * Infinity, lone surrogates, undefined, functions, BigInt, class instances, cycles) are refused
 * with a RecordFormatError naming where they are, rather than silently dropped or nulled.
 */
export function canonicalize(value: unknown): string {
  assertJson(value, [], new Set());
  return jcs(value) as string;
}

/** `path` holds the keys and indexes down to `value`; it is joined only for a refusal, as most records have none. */
function assertJson(value: unknown, path: (string | number)[], open: Set<object>): void {
  switch (typeof value) {
    case "string":
      if (!value.isWellFormed()) refuse(path, "is a string with a lone surrogate");
      return;
    case "number":
      if (!Number.isFinite(value)) refuse(path, `is ${value}, which JSON cannot represent`);
      return;
    case "boolean":
      return;
    case "object": {
      if (value === null) return;
      if (open.has(value)) refuse(path, "refers back to itself");
      const isArray = Array.isArray(value);
      if (!isArray && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
        refuse(path, `is a ${value.constructor?.name ?? "non-plain"} object, not a JSON object`);
      }
      open.add(value);
      if (isArray) {
        for (let i = 0; i < value.length; i++) {
          path.push(i);
          assertJson(value[i], path, open);
          path.pop();
        }
      } else {
        for (const key in value) {
          if (!Object.hasOwn(value, key)) continue;
          if (!key.isWellFormed()) refuse(path, "has a key with a lone surrogate");
          path.push(key);
          assertJson((value as Record<string, unknown>)[key], path, open);
          path.pop();
        }
      }
      open.delete(value);
      return;
    }
    default:
      refuse(path, `is ${typeof value}, which JSON cannot represent`);
  }
}

function refuse(path: readonly (string | number)[], problem: string): never {
  const field = "$" + path.map((step) => (typeof step === "number" ? `[${step}]` : `.${step}`)).join("");
  throw new RecordFormatError("RECORD_NOT_CANONICALISABLE", `${field} ${problem}`, {
    field,
    hint: "send plain JSON values: strings of whole characters, finite numbers, booleans, null, arrays and objects",
  });
}
