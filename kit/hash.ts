import { sha256 as jsSha256 } from "@noble/hashes/sha2.js";
import { utf8ToBytes } from "@noble/hashes/utils.js";
import { jsSm3 } from "./sm3.ts";

/** RFC 9162 section 2.1.1 domain separation: leaves and interior nodes never hash alike. */
export const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

export const HASH_SIZE = 32;

interface NodeHash {
  update(data: Uint8Array): NodeHash;
  digest(): Uint8Array;
}
/**
 * Node's native SHA-256 where there is one (found at run time, so browsers load this module
 * unchanged and use the portable implementation): hashing 1 KiB records natively is about six
 * times faster, and the log's append rate depends on it.
 */
const native = (
  globalThis as {
    process?: {
      getBuiltinModule?: (id: string) =>
        | { createHash(alg: string): NodeHash; hash(alg: string, data: string | Uint8Array, encoding: "base64url"): string; hash(alg: string, data: Uint8Array, encoding: "buffer"): Uint8Array }
        | undefined;
    };
  }
).process?.getBuiltinModule?.("node:crypto");

function sha256(...parts: Uint8Array[]): Uint8Array {
  if (native) {
    const hash = native.createHash("sha256");
    for (const part of parts) hash.update(part);
    return new Uint8Array(hash.digest());
  }
  if (parts.length === 1) return jsSha256(parts[0]!);
  const input = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    input.set(part, at);
    at += part.length;
  }
  return jsSha256(input);
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");

/** SHA-256 of a string's UTF-8, in base64url without padding (43 characters), as SD-JWT writes digests: a personal field's commitment (kit/record.ts). */
export function sha256Base64url(text: string): string {
  // The one-shot hash: a third of createHash's time for the short texts commitments hash.
  if (native) return native.hash("sha256", text, "base64url");
  return base64url(jsSha256(utf8ToBytes(text)));
}

/** SM3 (GB/T 32905) of bytes: OpenSSL's where there is one, else kit/sm3.ts. */
export function sm3(data: Uint8Array): Uint8Array {
  return native ? native.hash("sm3", data, "buffer") : jsSm3(data);
}

const SM3_BLOCK = 64;
const encoder = new TextEncoder();
/** The inner hash's input (padded key, then message), reused: a string's UTF-8 is at most three bytes a character. */
let innerScratch = new Uint8Array(SM3_BLOCK + 1024);
const outerScratch = new Uint8Array(SM3_BLOCK + 32);

/**
 * HMAC-SM3 (RFC 2104 with SM3, as GB/T 15852.2 specifies it) of a UTF-8 message under a UTF-8
 * key, in base64url (43 characters). Written over the one-shot `sm3`, in buffers made once: the
 * field commitments of the national suite each have their own key, for which Node's createHmac
 * builds a key object every time (docs/cryptography.md).
 */
export function hmacSm3Base64url(key: string, message: string): string {
  if (innerScratch.length < SM3_BLOCK + 3 * message.length) innerScratch = new Uint8Array(SM3_BLOCK + 3 * message.length);
  const inner = innerScratch;
  inner.fill(0, 0, SM3_BLOCK);
  const keyLength = encoder.encodeInto(key, inner.subarray(0, SM3_BLOCK)).read;
  // A key longer than a block is hashed first (RFC 2104); encodeInto stopped where it did not fit.
  if (keyLength < key.length) inner.fill(0, 0, SM3_BLOCK).set(sm3(encoder.encode(key)));
  const end = SM3_BLOCK + encoder.encodeInto(message, inner.subarray(SM3_BLOCK)).written;
  const outer = outerScratch;
  for (let i = 0; i < SM3_BLOCK; i++) {
    outer[i] = inner[i]! ^ 0x5c;
    inner[i] = inner[i]! ^ 0x36;
  }
  outer.set(sm3(inner.subarray(0, end)), SM3_BLOCK);
  return native ? native.hash("sm3", outer, "base64url") : base64url(jsSm3(outer));
}

const LEAF = Uint8Array.of(LEAF_PREFIX);
const NODE = Uint8Array.of(NODE_PREFIX);

/** The RFC 9162 leaf hash, SHA-256(0x00 || leaf). */
export function leafHash(leaf: Uint8Array): Uint8Array {
  return sha256(LEAF, leaf);
}

/** The RFC 9162 interior node hash, SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(NODE, left, right);
}

/** The hash of the empty tree, SHA-256 of no bytes. */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
