import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import type { Suite } from "../../kit/record.ts";

/** A secret for keyed hashes of the deployment's suite: HMAC-SHA-256 (standard) or HMAC-SM3 (national). */
export interface HashKey {
  suite: Suite;
  /** Made once: given raw bytes, createHmac builds a key object on every call (docs/performance.md). */
  key: KeyObject;
}

export const hashKey = (bytes: Uint8Array, suite: Suite): HashKey => ({ suite, key: createSecretKey(bytes) });

/** The keyed hash of a UTF-8 message, 32 bytes. */
export function keyedHash(key: HashKey, message: string): Buffer {
  return createHmac(key.suite === "national" ? "sm3" : "sha256", key.key).update(message).digest();
}

export const keyedHashHex = (key: HashKey, message: string): string => keyedHash(key, message).toString("hex");
