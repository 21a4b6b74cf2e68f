import { canonicalize } from "./canonical.ts";
import { leafHash } from "./hash.ts";

const utf8 = new TextEncoder();

/** The log leaf of a record: the UTF-8 bytes of its RFC 8785 canonical form. */
export function recordLeaf(record: object): Uint8Array {
  return utf8.encode(canonicalize(record));
}

/** The RFC 9162 leaf hash of a record, SHA-256(0x00 || canonical record), as the log stores it. */
export function recordHash(record: object): Uint8Array {
  return leafHash(recordLeaf(record));
}
