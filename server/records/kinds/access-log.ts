import { shaped, type BuiltRecord, type RecordShape, type RecordSubject } from "./shape.ts";

/** A read of personal data: who read it, in which roles, which fields of which record (or which leaves, for an export), and why. */
export const ACCESS_LOG = {
  kind: "access-log",
  public: ["reader", "roles", "recordId", "revision", "fields", "group", "specialCategories", "purpose", "at", "leaves", "cases"],
  personal: [],
} as const satisfies RecordShape;

/** A read of a case's personal data. */
export function caseReadRecord(subject: RecordSubject, read: { reader: string; roles: readonly string[]; recordId: string; purpose: string; at: string }): BuiltRecord {
  return shaped(ACCESS_LOG, subject, { public: { ...read, fields: ["personal"] } });
}

/** An audit export: who took which leaves. It discloses no personal field (the bundle holds commitments), and says so. */
export function exportReadRecord(subject: RecordSubject, read: { reader: string; leaves: readonly [number, number]; cases: number }): BuiltRecord {
  return shaped(ACCESS_LOG, subject, { public: { reader: read.reader, purpose: "audit-export", fields: [], leaves: read.leaves, cases: read.cases } });
}

/** A disclosure of one group of a record's personal fields, logged before it is answered; the special categories of data among them named. */
export function disclosureRecord(
  subject: RecordSubject,
  read: { reader: string; roles: readonly string[]; recordId: string; revision: number; group: string; fields: readonly string[]; specialCategories: readonly string[]; purpose: string; at: string },
): BuiltRecord {
  return shaped(ACCESS_LOG, subject, { public: { ...read } });
}
