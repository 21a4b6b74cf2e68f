import { ACCESS_LOG } from "./access-log.ts";
import { APPLICATION } from "./application.ts";
import { CITIZEN_COMPLAINT, OBJECTION, RATING } from "./complaints.ts";
import { DECISION } from "./decision.ts";
import { DOCUMENTS } from "./documents.ts";
import { PAYMENT_FILE } from "./payment-file.ts";
import type { RecordShape } from "./shape.ts";
import { SETTLEMENT } from "./settlement.ts";

/** Every shape of record the gateway logs: docs/records.md lists each with its fields. */
export const RECORD_SHAPES: readonly RecordShape[] = [APPLICATION, DECISION, ...DOCUMENTS, PAYMENT_FILE, SETTLEMENT, OBJECTION, CITIZEN_COMPLAINT, RATING, ACCESS_LOG];
