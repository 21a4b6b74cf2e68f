import { RecordFormatError } from "../../../kit/errors.ts";
import type { NewRecord, RecordKind } from "../record.ts";

/**
 * A kind of record, or one type of a kind that has several (documents, complaints, feedback),
 * with the fields it may hold: docs/records.md is checked against these declarations, and every
 * record built by one is held to it.
 */
export interface RecordShape {
  readonly kind: RecordKind;
  /** `public.type`, for a kind with several types. */
  readonly type?: string;
  /** Plain in the log and in audit bundles. */
  readonly public: readonly string[];
  /** Sealed at rest, read only for a purpose, and logged when read. */
  readonly personal: readonly string[];
}

/** A record as built, before the log stamps its time and salt. */
export type BuiltRecord = Omit<NewRecord, "createdAt" | "salt">;

/** Which case and jurisdiction a record is about. */
export interface RecordSubject {
  caseId?: string | null;
  jurisdiction: string;
}

/**
 * The record of `shape` with these fields. A field the shape does not declare is refused
 * (RECORD_FIELD_UNDECLARED, a defect in the builder): no field reaches the log, and no personal
 * one its plain part, without its declaration saying which it is.
 */
export function shaped(shape: RecordShape, subject: RecordSubject, fields: { public: Record<string, unknown>; personal?: Record<string, unknown>; recordId?: string; revision?: number }): BuiltRecord {
  for (const [part, declared] of [
    ["public", shape.public],
    ["personal", shape.personal],
  ] as const) {
    const undeclared = Object.keys(fields[part] ?? {}).filter((field) => !declared.includes(field));
    if (undeclared.length > 0) {
      throw new RecordFormatError("RECORD_FIELD_UNDECLARED", `a ${shape.type ?? shape.kind} record has ${part} fields it does not declare: ${undeclared.join(", ")}`, {
        field: `${part}.${undeclared[0]}`,
        kind: "internal",
        hint: "declare the field in its record shape (server/records/kinds/) and in docs/records.md",
      });
    }
  }
  return {
    kind: shape.kind,
    caseId: subject.caseId ?? null,
    jurisdiction: subject.jurisdiction,
    ...(fields.recordId !== undefined && { recordId: fields.recordId, revision: fields.revision }),
    public: shape.type ? { type: shape.type, ...fields.public } : fields.public,
    personal: fields.personal ?? {},
  };
}
