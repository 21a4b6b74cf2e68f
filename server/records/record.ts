import { randomBytesFromPool } from "./random-pool.ts";
import { RecordFormatError } from "../../kit/errors.ts";
import { RECORD_FORMAT, SUITES, type LoggedRecord, type Suite, type WholeRecord } from "../../kit/record.ts";
import { open, type Envelope, type Keyring } from "./envelope.ts";

/** What the log holds. Each kind's public and personal fields are listed in docs/records.md. */
export const RECORD_KINDS = [
  "application",
  "document",
  "decision",
  "payment-file",
  "settlement",
  "complaint",
  "feedback",
  "access-log",
] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** An off-chain record as the gateway makes it: the kit's whole record, of one of the kinds the gateway logs. */
export interface AidRecord extends WholeRecord {
  kind: RecordKind;
}

/** A record at rest: the record as logged (its personal fields committed), with its salt and personal fields sealed (envelope encryption). */
export interface StoredRecord extends LoggedRecord {
  kind: RecordKind;
  sealed: Envelope;
}

export interface NewRecord {
  kind: RecordKind;
  jurisdiction: string;
  caseId?: string | null;
  public?: Record<string, unknown>;
  personal?: Record<string, unknown>;
  /** A new revision of an existing record keeps its id. */
  recordId?: string;
  revision?: number;
  createdAt?: string;
  /** Only for a record drafted earlier, whose hash an officer has signed over: it keeps the salt it was drafted with. */
  salt?: string;
}

const RECORD_ID = /^r[0-9a-f]{32}$/;

/**
 * "r", the time in milliseconds (48 bits) and 80 random bits, in hex. Ids that start with the
 * time are written and looked up at one end of the log's index of revisions, where LevelDB finds
 * them in few and cached blocks: an append's check that its new ids are new costs half as much
 * as with wholly random ids. The time is no secret: a record's `createdAt` is a public field.
 */
export function newRecordId(): string {
  return "r" + Date.now().toString(16).padStart(12, "0") + randomBytesFromPool(10).toString("hex");
}

/**
 * A record of the deployment's `suite` (the log refuses one of another) with a fresh salt (and a
 * fresh id for a first revision), its fields checked; its values are checked when the log
 * canonicalises it.
 */
export function newRecord(input: NewRecord, suite: Suite): AidRecord {
  const record: AidRecord = {
    format: RECORD_FORMAT,
    suite,
    recordId: input.recordId ?? newRecordId(),
    revision: input.revision ?? 0,
    kind: input.kind,
    caseId: input.caseId ?? null,
    jurisdiction: input.jurisdiction,
    createdAt: input.createdAt ?? new Date().toISOString(),
    salt: input.salt ?? randomBytesFromPool(16).toString("hex"),
    public: input.public ?? {},
    personal: input.personal ?? {},
  };
  assertRecordShape(record);
  return record;
}

/**
 * Checks a record's fields, the first problem thrown naming its field. Whether its values
 * canonicalise is checked where it is canonicalised (the log hashes every record it appends),
 * so the values are walked once.
 */
export function assertRecordShape(record: AidRecord): void {
  const bad = (field: string, problem: string): never => {
    throw new RecordFormatError("RECORD_INVALID", `${field} ${problem}`, { field, hint: "see docs/records.md for the record fields" });
  };
  if (typeof record !== "object" || record === null) bad("record", "must be an object");
  if (record.format !== RECORD_FORMAT) bad("format", `must be ${RECORD_FORMAT}`);
  if (!SUITES.includes(record.suite)) bad("suite", `must be one of ${SUITES.join(", ")}`);
  if (!RECORD_ID.test(record.recordId)) bad("recordId", 'must be "r" and 32 lower-case hex digits');
  if (!Number.isSafeInteger(record.revision) || record.revision < 0) bad("revision", "must be a whole number from 0");
  if (!(RECORD_KINDS as readonly string[]).includes(record.kind)) bad("kind", `must be one of ${RECORD_KINDS.join(", ")}`);
  if (record.caseId !== null && !/^0x[0-9a-f]{64}$/.test(record.caseId)) bad("caseId", "must be null or 0x and 64 lower-case hex digits");
  if (!/^\d{12}$/.test(record.jurisdiction)) bad("jurisdiction", "must be a 12-digit division code");
  if (Number.isNaN(Date.parse(record.createdAt))) bad("createdAt", "must be an ISO 8601 time");
  if (!/^[0-9a-f]{32,}$/.test(record.salt)) bad("salt", "must be at least 128 bits of lower-case hex");
  for (const part of ["public", "personal"] as const) {
    const value = record[part];
    if (typeof value !== "object" || value === null || Array.isArray(value)) bad(part, "must be an object");
  }
  const extra = Object.keys(record).filter((k) => !RECORD_FIELDS.has(k));
  if (extra.length > 0) bad(extra[0]!, "is not a record field");
}

const RECORD_FIELDS = new Set(["format", "suite", "recordId", "revision", "kind", "caseId", "jurisdiction", "createdAt", "salt", "public", "personal"]);

/** The authenticated-data context of a record's envelope: an envelope moved to another record will not open. */
function context(record: Pick<AidRecord, "recordId" | "revision">): string {
  return `${record.recordId}#${record.revision}`;
}

/**
 * The record at rest, as the JSON text the log stores: the canonical text of the record as logged
 * (`loggedText`, which the log has made to hash it) with its salt and personal fields sealed beside
 * it by `seal` (the batch's sealer), so that the logged part is not serialised a second time.
 */
export function storedText(record: AidRecord, loggedText: string, seal: (plain: Uint8Array, context: string) => Envelope): string {
  const sealed = seal(Buffer.from(JSON.stringify({ salt: record.salt, personal: record.personal })), context(record));
  return `${loggedText.slice(0, -1)},"sealed":${JSON.stringify(sealed)}}`;
}

export function openRecord(stored: StoredRecord, keyring: Keyring): AidRecord {
  const { sealed, commitments: _commitments, ...header } = stored;
  const { salt, personal } = JSON.parse(open(sealed, keyring, context(stored)).toString("utf8")) as Pick<AidRecord, "salt" | "personal">;
  return { ...header, salt, personal };
}

/** The record as logged: what anyone may see of it, its personal fields as commitments. */
export function publicView(stored: StoredRecord): LoggedRecord & { kind: RecordKind } {
  const { sealed: _sealed, ...logged } = stored;
  return logged;
}
