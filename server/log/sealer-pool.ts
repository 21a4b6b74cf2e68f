import { Worker } from "node:worker_threads";
import type { Keyring } from "../records/envelope.ts";
import type { AidRecord } from "../records/record.ts";
import { AidtrailError, RecordFormatError } from "../../kit/errors.ts";
import { unpack, type Prepared, type PreparedBatch } from "./prepare.ts";

interface Reply {
  id: number;
  batch?: PreparedBatch;
  error?: { name: string; code: string; message: string; details: { field?: string; hint?: string } };
}

/**
 * Worker threads that canonicalise, hash and seal records for the log, so an append uses every
 * core: the hashing and sealing of a batch are most of its cost. The master keys reach the workers
 * as KeyObjects, which Node clones between threads; they never exist as plain bytes there.
 */
export class SealerPool {
  #next = 0;
  readonly #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();

  private readonly workers: Worker[];

  private constructor(workers: Worker[]) {
    this.workers = workers;
    for (const worker of workers) {
      worker.on("message", (reply: Reply) => {
        const waiting = this.#pending.get(reply.id);
        this.#pending.delete(reply.id);
        waiting?.resolve(reply);
      });
      worker.on("error", (error) => {
        for (const waiting of this.#pending.values()) waiting.reject(error);
        this.#pending.clear();
      });
    }
  }

  static create(size: number, keyring: Keyring, maxRecordBytes: number): SealerPool {
    const url = new URL("./sealer-worker.ts", import.meta.url);
    // The worker is TypeScript: it loads through tsx whatever runs the parent (tsx, vitest or node).
    const workers = Array.from({ length: size }, () => new Worker(url, { workerData: { keyring, maxRecordBytes }, execArgv: ["--import", "tsx"] }));
    return new SealerPool(workers);
  }

  /** Prepares records across the workers, in order, or rejects with the first record's typed error. */
  async prepare(records: readonly AidRecord[]): Promise<Prepared[]> {
    const chunk = Math.ceil(records.length / this.workers.length);
    const parts = await Promise.all(
      this.workers.map((worker, w) => {
        const slice = records.slice(w * chunk, (w + 1) * chunk);
        if (slice.length === 0) return Promise.resolve([]);
        const id = this.#next++;
        return new Promise<Reply>((resolve, reject) => {
          this.#pending.set(id, { resolve, reject });
          worker.postMessage({ id, records: slice });
        }).then((reply) => {
          if (reply.error) {
            const { name, code, message, details } = reply.error;
            throw name === "RecordFormatError" ? new RecordFormatError(code, message, details) : new AidtrailError(code, message, details);
          }
          return unpack(slice, reply.batch!);
        });
      }),
    );
    return parts.flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
