import { randomBytes, scryptSync, timingSafeEqual } from "node:crypto";

/**
 * A citizen's receipt: the case id and a secret code, printable as a QR payload. The gateway keeps
 * only a slow hash of the code (scrypt), so its state does not let an insider show a case to
 * anyone but the citizen who holds the receipt.
 */
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export interface Receipt {
  caseId: string;
  code: string;
  /** What the printed QR code carries. */
  qr: string;
}

export function newReceipt(caseId: string): { receipt: Receipt; codeHash: string } {
  const bytes = randomBytes(12);
  const code = Array.from(bytes, (b) => ALPHABET[b & 31]).join("");
  return { receipt: { caseId, code, qr: `aidtrail:case:${caseId}:${code}` }, codeHash: hashCode(caseId, code) };
}

function hashCode(caseId: string, code: string): string {
  return scryptSync(code.toUpperCase(), caseId, 32, { N: 1 << 14 }).toString("hex");
}

export function receiptMatches(caseId: string, code: string, codeHash: string): boolean {
  return timingSafeEqual(Buffer.from(hashCode(caseId, code), "hex"), Buffer.from(codeHash, "hex"));
}
