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
  /** What a citizen types without a camera: the case id's first 16 hex digits, with the code. */
  caseNumber: string;
  code: string;
  /** What the printed QR code carries. */
  qr: string;
}

/** The case number printed on a receipt: the case id's first 64 bits. The code, not the number, is the secret. */
export const caseNumberOf = (caseId: string): string => caseId.slice(2, 18).toUpperCase();

function codeHash(key: Uint8Array, caseId: string, code: string): string {
  return hmacSha256Hex(key, `aidtrail receipt\n${caseId}\n${code.toUpperCase()}`);
}

export function newReceipt(key: Uint8Array, caseId: string): { receipt: Receipt; codeHash: string } {
  const code = Array.from(randomBytesFromPool(12), (b) => ALPHABET[b & 31]).join("");
  return { receipt: { caseId, caseNumber: caseNumberOf(caseId), code, qr: `aidtrail:case:${caseId}:${code}` }, codeHash: codeHash(key, caseId, code) };
}

/**
 * What a receipt as scanned or typed names: the case by its id or by the 16 hex digits of its case
 * number (`caseIdPrefix`, lower case, with "0x"), and the code. Typing is forgiven as on any
 * printed code: full-width characters, case, spaces and hyphens inside the code, any separator
 * between number and code, and the letters the code never uses read as the digits they resemble
 * (O as 0, I and L as 1). Null when it is neither.
 */
export function parseReceipt(input: string): { caseIdPrefix: string; code: string } | null {
  const text = input.normalize("NFKC").trim();
  const qr = /^aidtrail:case:(0x[0-9a-f]{64}):([0-9A-Z]{12})$/.exec(text);
  if (qr) return { caseIdPrefix: qr[1]!, code: qr[2]! };
  const typed = /^(?:0x)?([0-9a-f]{64}|[0-9a-f]{16})[\s,;:/，、：]+([0-9a-z][0-9a-z\s-]*)$/i.exec(text);
  if (!typed) return null;
  const code = typed[2]!.replace(/[\s-]/g, "").toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1");
  if (!/^[0-9A-HJKMNP-TV-Z]{12}$/.test(code)) return null;
  return { caseIdPrefix: "0x" + typed[1]!.toLowerCase(), code };
}

export function receiptMatches(key: Uint8Array, caseId: string, code: string, stored: string): boolean {
  return timingSafeEqual(Buffer.from(codeHash(key, caseId, code), "hex"), Buffer.from(stored, "hex"));
}
