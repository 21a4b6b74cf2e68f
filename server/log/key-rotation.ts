import type { Level } from "level";
import type { StoredRecord } from "../records/record.ts";
import { rewrap, type Keyring } from "../records/envelope.ts";
import { bytesOf, json, KEY } from "./store.ts";

/**
 * Re-wraps the data key of every record of the first `size` under the keyring's current master
 * key, 1,024 records a write; hashes do not change, since the leaf is the record, not its seal.
 * Returns how many were re-wrapped.
 */
export async function rewrapRecords(db: Level<string, Uint8Array>, size: number, keyring: Keyring): Promise<number> {
  let rewrapped = 0;
  for (let start = 0; start < size; start += 1024) {
    const end = Math.min(size, start + 1024);
    const keys = Array.from({ length: end - start }, (_, i) => KEY.entry(start + i));
    const entries = await db.getMany(keys);
    const ops = entries.flatMap((bytes, i) => {
      const stored = json<StoredRecord>(bytes!);
      if (stored.sealed.kid === keyring.current) return [];
      rewrapped++;
      const sealed = rewrap(stored.sealed, keyring);
      return [{ type: "put" as const, key: keys[i]!, value: bytesOf({ ...stored, sealed }) }];
    });
    if (ops.length > 0) await db.batch(ops, { sync: true });
  }
  return rewrapped;
}
