import { shaped, type BuiltRecord, type RecordShape, type RecordSubject } from "./shape.ts";

/** An objection to a case in public notice, taken down by an officer: who objected and what they said is personal. */
export const OBJECTION = { kind: "complaint", type: "objection", public: ["receivedBy"], personal: ["objector", "text"] } as const satisfies RecordShape;
/** A citizen's complaint about their case, made with their receipt. */
export const CITIZEN_COMPLAINT = { kind: "complaint", type: "complaint", public: ["rating", "handling"], personal: ["text", "contact"] } as const satisfies RecordShape;
/** A citizen's rating of how their case was handled, made with their receipt. */
export const RATING = { kind: "feedback", type: "rating", public: ["rating", "handling"], personal: ["text", "contact"] } as const satisfies RecordShape;

export function objectionRecord(subject: RecordSubject, receivedBy: string, objector: { name: string; contact?: string }, text: string): BuiltRecord {
  return shaped(OBJECTION, subject, { public: { receivedBy }, personal: { objector, text } });
}

/** A citizen's complaint or rating, received: its handling starts at "received". */
export function citizenFeedbackRecord(subject: RecordSubject, kind: "complaint" | "rating", rating: number | null, text: string, contact?: string): BuiltRecord {
  return shaped(kind === "complaint" ? CITIZEN_COMPLAINT : RATING, subject, { public: { rating, handling: "received" }, personal: { text, ...(contact ? { contact } : {}) } });
}
