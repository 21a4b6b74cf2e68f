import { evaluate, parse, type AnyNode } from "@humanwhocodes/momoa";
import { RecordFormatError } from "../verify/errors.ts";

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Parses a record as it arrives on the wire, stricter than JSON.parse: duplicate keys (which
 * JSON.parse silently resolves to the last) are refused, as is anything over `maxBytes`.
 */
export function parseRecordJson(text: string, maxBytes = DEFAULT_MAX_RECORD_BYTES): unknown {
  const size = Buffer.byteLength(text, "utf8");
  if (size > maxBytes) {
    throw new RecordFormatError("RECORD_TOO_LARGE", `the record is ${size} bytes; the limit is ${maxBytes}`, {
      hint: "keep documents out of the record: send their digests, or raise the configured limit",
    });
  }
  let document;
  try {
    document = parse(text, { mode: "json", ranges: false, tokens: false });
  } catch (error) {
    throw new RecordFormatError("RECORD_MALFORMED_JSON", `the record is not valid JSON: ${(error as Error).message}`, {
      hint: "send one JSON object, UTF-8 encoded",
    });
  }
  assertNoDuplicateKeys(document.body, "$");
  return evaluate(document);
}

function assertNoDuplicateKeys(node: AnyNode, path: string): void {
  if (node.type === "Object") {
    const seen = new Set<string>();
    for (const member of node.members) {
      const key = member.name.type === "String" ? member.name.value : member.name.name;
      if (seen.has(key)) {
        throw new RecordFormatError("RECORD_DUPLICATE_KEY", `${path} has the key "${key}" twice`, {
          field: `${path}.${key}`,
          hint: "give every key of an object once: which of two values counts is not defined",
        });
      }
      seen.add(key);
      assertNoDuplicateKeys(member.value, `${path}.${key}`);
    }
  } else if (node.type === "Array") {
    node.elements.forEach((element, i) => assertNoDuplicateKeys(element.value, `${path}[${i}]`));
  }
}
