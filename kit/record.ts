import { canonicalize } from "./canonical.ts";
import { RecordFormatError } from "./errors.ts";
import { hmacSm3Base64url, leafHash, sha256Base64url, sm3 } from "./hash.ts";

/** The record format this kit reads and the gateway writes (docs/records.md): personal fields committed, never in the leaf. */
export const RECORD_FORMAT = 2;

/**
 * The cryptography a deployment chose, once (docs/cryptography.md): the standard suite commits
 * with SHA-256, the national suite with HMAC-SM3 and hashes records with SM3. The tree the chain
 * checks is SHA-256 in both.
 */
export type Suite = "standard" | "national";
export const SUITES: readonly Suite[] = ["standard", "national"];

/** What every form of a record has: who, what, when and the fields anyone may read. */
export interface RecordHeader {
  format: typeof RECORD_FORMAT;
  suite: Suite;
  recordId: string;
  revision: number;
  kind: string;
  caseId: string | null;
  jurisdiction: string;
  createdAt: string;
  public: Record<string, unknown>;
}

/**
 * A record as the log holds it and an auditor receives it: its public fields and, for each
 * personal field, a salted commitment. The RFC 8785 form of this object is the log leaf, so anyone
 * can recompute its hash without seeing a person's data.
 */
export interface LoggedRecord extends RecordHeader {
  commitments: Record<string, string>;
}

/**
 * A whole record, as the gateway builds and seals it: its personal fields and the secret `salt`
 * (at least 128 random bits) each field's own salt is derived from.
 */
export interface WholeRecord extends RecordHeader {
  salt: string;
  personal: Record<string, unknown>;
}

/** A logged record with some of its personal fields disclosed, each with its own salt (never the record's). */
export interface DisclosedRecord extends LoggedRecord {
  personal: Record<string, unknown>;
  salts: Record<string, string>;
}

/**
 * A personal field's own salt, 22 base64url characters (132 bits): in the standard suite the
 * first of SHA-256 over the RFC 8785 form of [record salt, field name]; in the national suite of
 * HMAC-SM3 of the RFC 8785 form of the name under the record salt. Disclosing one field's salt
 * tells nothing of the record's salt, so nothing of any other field's.
 */
export function fieldSalt(suite: Suite, recordSalt: string, name: string): string {
  // RFC 8785 forms written element by element: the same text, without copying into an array.
  const salt = suite === "national" ? hmacSm3Base64url(recordSalt, canonicalize(name)) : sha256Base64url(`[${canonicalize(recordSalt)},${canonicalize(name)}]`);
  return salt.slice(0, 22);
}

/**
 * A personal field's commitment, in base64url: in the standard suite, as SD-JWT digests a
 * disclosure, SHA-256 over the RFC 8785 form of [salt, field name, value]; in the national suite
 * HMAC-SM3 of the RFC 8785 form of [field name, value] under the salt. The salt keeps anyone who
 * holds the commitment from confirming a guess of the value; the name keeps a value from standing
 * for another field.
 */
export function fieldCommitment(suite: Suite, salt: string, name: string, value: unknown): string {
  if (suite === "national") return hmacSm3Base64url(salt, `[${canonicalize(name)},${canonicalize(value)}]`);
  return sha256Base64url(`[${canonicalize(salt)},${canonicalize(name)},${canonicalize(value)}]`);
}

const unsupported = (what: string, field: string): never => {
  throw new RecordFormatError("RECORD_FORMAT_UNSUPPORTED", `the record's ${field} is ${JSON.stringify(what)}; this kit reads format ${RECORD_FORMAT} of the ${SUITES.join(" or ")} suite`, {
    field,
    hint: "use the verification kit of the gateway's version (GET /v1/deployment names it)",
  });
};

/**
 * The record as logged, from any of its forms: a logged record as it is; a whole or disclosed
 * record with each personal field it holds committed again from its value and salt. A disclosed
 * field that was changed thus changes the record's hash; see also `disclosureMismatches`.
 */
export function loggedRecord(record: LoggedRecord | WholeRecord | DisclosedRecord): LoggedRecord {
  const { salt, salts, personal, commitments, ...header } = record as Partial<WholeRecord & DisclosedRecord> & RecordHeader;
  if (header.format !== RECORD_FORMAT) unsupported(String(header.format), "format");
  if (!SUITES.includes(header.suite)) unsupported(String(header.suite), "suite");
  if (personal === undefined) return inKeyOrder(header, commitments!);
  const made: Record<string, string> = { ...commitments };
  for (const name of Object.keys(personal).sort()) {
    const own = salts?.[name] ?? (typeof salt === "string" ? fieldSalt(header.suite, salt, name) : undefined);
    if (typeof own !== "string") {
      throw new RecordFormatError("RECORD_INVALID", `personal field ${name} is disclosed without its salt`, { field: `salts.${name}`, hint: "a disclosure gives each field with its salt" });
    }
    made[name] = fieldCommitment(header.suite, own, name, personal[name]);
  }
  return inKeyOrder(header, made);
}

/**
 * The record as logged with its fields inserted in RFC 8785's order, which the canonical form
 * then serialises as it is rather than copying it; a field no record has is kept, after them.
 */
function inKeyOrder(header: RecordHeader, commitments: Record<string, string>): LoggedRecord {
  const { caseId, createdAt, format, jurisdiction, kind, recordId, revision, suite } = header;
  const logged: LoggedRecord = { caseId, commitments, createdAt, format, jurisdiction, kind, public: header.public, recordId, revision, suite };
  for (const key of Object.keys(header)) if (!(key in logged)) (logged as unknown as Record<string, unknown>)[key] = (header as unknown as Record<string, unknown>)[key];
  return logged;
}

/** The disclosed fields of a record whose value and salt do not make the commitment it carries: each was changed. */
export function disclosureMismatches(record: DisclosedRecord): string[] {
  return Object.entries(record.personal).flatMap(([name, value]) => {
    const salt = record.salts[name];
    return typeof salt === "string" && record.commitments[name] === fieldCommitment(record.suite, salt, name, value) ? [] : [name];
  });
}

const utf8 = new TextEncoder();

/**
 * The log leaf of a record: the UTF-8 bytes of the RFC 8785 form of the record as logged, in the
 * standard suite; their SM3 digest in the national suite, so that SM3 is what binds the record and
 * the SHA-256 tree the chain checks is built over the digests.
 */
export function recordLeaf(record: LoggedRecord | WholeRecord | DisclosedRecord): Uint8Array {
  const logged = loggedRecord(record);
  const bytes = utf8.encode(canonicalize(logged));
  return logged.suite === "national" ? sm3(bytes) : bytes;
}

/** The RFC 9162 leaf hash of a record, SHA-256(0x00 || leaf), as the log stores it. */
export function recordHash(record: LoggedRecord | WholeRecord | DisclosedRecord): Uint8Array {
  return leafHash(recordLeaf(record));
}
