import { evaluate, parse, type AnyNode } from "@humanwhocodes/momoa";
import { RecordFormatError } from "../../kit/errors.ts";

export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
/** No record or request nests deeper: deeper text is refused before anything walks it (5,000 nested arrays overflowed the stack). */
export const MAX_NESTING = 64;

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
  // JSON.parse keeps the last of two equal keys, so the keys it kept are counted against the keys
  // the text names: equal counts mean no duplicate. Only a text that fails this is parsed again
  // into a syntax tree, for the error and its path: building the tree for every text was a
  // measurable part of intake's CPU.
  const { keys, depth } = scan(text);
  if (depth > MAX_NESTING) {
    throw new RecordFormatError("RECORD_TOO_DEEP", `the JSON nests ${depth} levels deep; at most ${MAX_NESTING} are taken`, { hint: "send the record's fields as they are, not wrapped in arrays or objects" });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  if (value !== undefined && keysKept(value) === keys) return value;
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

function keysKept(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, element) => n + keysKept(element), 0);
  if (value === null || typeof value !== "object") return 0;
  return Object.entries(value).reduce((n, [, member]) => n + 1 + keysKept(member), 0);
}

/**
 * In one pass over a JSON text, outside its strings: how many strings are followed by a colon (its
 * objects' keys, when it is valid) and how deep its arrays and objects nest.
 */
function scan(text: string): { keys: number; depth: number } {
  let keys = 0;
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
    if (c !== 0x22) continue;
    for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    let next = i + 1;
    while (/\s/.test(text[next] ?? "")) next++;
    if (text.charCodeAt(next) === 0x3a) keys++;
  }
  return { keys, depth: deepest };
}
