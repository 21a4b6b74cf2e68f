import { assertRecordShape, sealRecord, type AidRecord } from "../records/record.ts";
import type { Keyring } from "../records/envelope.ts";
import { RecordFormatError } from "../verify/errors.ts";
import { leafHash } from "../verify/hash.ts";
import { recordLeaf } from "../verify/record.ts";

/** A record made ready for the log: its leaf hash and its sealed, serialised form. */
export interface Prepared {
  record: AidRecord;
  leaf: Uint8Array;
  stored: Uint8Array;
}

const utf8 = new TextEncoder();

/**
 * The CPU-heavy half of an append, independent of the log's state: check, canonicalise, hash and
 * seal each record. Runs on the appending thread or in a SealerPool worker, with the same result.
 */
export function prepareRecords(records: readonly AidRecord[], keyring: Keyring, maxRecordBytes: number): Prepared[] {
  return records.map((record) => {
    assertRecordShape(record);
    const leaf = recordLeaf(record);
    if (leaf.length > maxRecordBytes) {
      throw new RecordFormatError("RECORD_TOO_LARGE", `record ${record.recordId} is ${leaf.length} bytes; the limit is ${maxRecordBytes}`, {
        hint: "keep documents out of the record: send their digests, or raise the configured limit",
      });
    }
    return { record, leaf: leafHash(leaf), stored: utf8.encode(JSON.stringify(sealRecord(record, keyring))) };
  });
}
