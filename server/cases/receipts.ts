import { timingSafeEqual } from "node:crypto";
import { hmacSha256Hex } from "../records/keyed-hash.ts";
import { randomBytesFromPool } from "../records/random-pool.ts";

/**
 * A citizen's receipt: the case id and a 60-bit random code, printable as a QR payload. The
 * gateway keeps only an HMAC of the code under a key derived from its identity key (which lives
 * in configuration, not on disk), so its stored state lets no one, an insider with the disk
 * included, open a case without the receipt. A random 60-bit code needs no slow hash, and intake
 * stays fast.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export interface Receipt {
  caseId: string;
  code: string;
  /** What the printed QR code carries. */
  qr: string;
}

function codeHash(key: Uint8Array, caseId: string, code: string): string {
  return hmacSha256Hex(key, `aidtrail receipt\n${caseId}\n${code.toUpperCase()}`);
}

export function newReceipt(key: Uint8Array, caseId: string): { receipt: Receipt; codeHash: string } {
  const code = Array.from(randomBytesFromPool(12), (b) => ALPHABET[b & 31]).join("");
  return { receipt: { caseId, code, qr: `aidtrail:case:${caseId}:${code}` }, codeHash: codeHash(key, caseId, code) };
}

/** The case id and code a receipt's QR payload carries, or null when it is not one. */
export function parseReceipt(qr: string): { caseId: string; code: string } | null {
  const match = /^aidtrail:case:(0x[0-9a-f]{64}):([0-9A-Z]{12})$/.exec(qr);
  return match ? { caseId: match[1]!, code: match[2]! } : null;
}

export function receiptMatches(key: Uint8Array, caseId: string, code: string, stored: string): boolean {
  return timingSafeEqual(Buffer.from(codeHash(key, caseId, code), "hex"), Buffer.from(stored, "hex"));
}
