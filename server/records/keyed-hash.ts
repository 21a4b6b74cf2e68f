import { createHmac, createSecretKey, type KeyObject } from "node:crypto";

/** Each secret's key object, made once: given raw bytes, createHmac builds one on every call (docs/performance.md). */
const keyObjects = new WeakMap<Uint8Array, KeyObject>();

/** HMAC-SHA-256 of a UTF-8 message, in hex. */
export function hmacSha256Hex(key: Uint8Array, message: string): string {
  let keyObject = keyObjects.get(key);
  if (!keyObject) {
    keyObject = createSecretKey(key);
    keyObjects.set(key, keyObject);
  }
  return createHmac("sha256", keyObject).update(message).digest("hex");
}
