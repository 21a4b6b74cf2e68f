import { parentPort, workerData } from "node:worker_threads";
import type { Keyring } from "../records/envelope.ts";
import type { AidRecord } from "../records/record.ts";
import { AidtrailError } from "../verify/errors.ts";
import { prepareRecords } from "./prepare.ts";

/** A SealerPool worker: prepares the records it is sent, or reports the typed error that refused one. */
const { keyring, maxRecordBytes } = workerData as { keyring: Keyring; maxRecordBytes: number };

parentPort!.on("message", ({ id, records }: { id: number; records: AidRecord[] }) => {
  try {
    const prepared = prepareRecords(records, keyring, maxRecordBytes);
    const leaves = prepared.map((p) => p.leaf);
    const stored = prepared.map((p) => p.stored);
    parentPort!.postMessage({ id, leaves, stored }, [...leaves, ...stored].map((b) => b.buffer as ArrayBuffer));
  } catch (error) {
    const known = error instanceof AidtrailError;
    parentPort!.postMessage({
      id,
      error: { name: known ? error.name : "Error", code: known ? error.code : "INTERNAL", message: (error as Error).message, details: known ? error.details : {} },
    });
  }
});
