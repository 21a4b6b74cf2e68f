import { parentPort, workerData } from "node:worker_threads";
import type { Keyring } from "../records/envelope.ts";
import type { AidRecord } from "../records/record.ts";
import { AidtrailError } from "../../kit/errors.ts";
import { prepareBatch } from "./prepare.ts";

/** A SealerPool worker: prepares the records it is sent, or reports the typed error that refused one. */
const { keyring, maxRecordBytes } = workerData as { keyring: Keyring; maxRecordBytes: number };

parentPort!.on("message", ({ id, records }: { id: number; records: AidRecord[] }) => {
  try {
    const batch = prepareBatch(records, keyring, maxRecordBytes);
    parentPort!.postMessage({ id, batch }, [batch.leaves.buffer, batch.stored.buffer, batch.ends.buffer] as ArrayBuffer[]);
  } catch (error) {
    const known = error instanceof AidtrailError;
    parentPort!.postMessage({
      id,
      error: { name: known ? error.name : "Error", code: known ? error.code : "INTERNAL", message: (error as Error).message, details: known ? error.details : {} },
    });
  }
});
