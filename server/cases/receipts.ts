import { AidtrailError } from "../../kit/errors.ts";
import { timingSafeEqual } from "node:crypto";
import { keyedHashHex, type HashKey } from "../records/keyed-hash.ts";
import { randomBytesFromPool } from "../records/random-pool.ts";
import type { ChainClient } from "../chain/client.ts";
import type { RecordLog } from "../log/record-log.ts";
import { normaliseResidentId } from "../records/identity.ts";
import { newRecord } from "../records/record.ts";
import { documentRecord, RECEIPT_REISSUED } from "../records/kinds/documents.ts";
import { latestApplication } from "./revision.ts";
import type { StateStore } from "../state/state-store.ts";
import type { CaseEntry } from "./intake.ts";
import { KEYS } from "../state/keys.ts";

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

function codeHash(key: HashKey, caseId: string, code: string): string {
  return keyedHashHex(key, `aidtrail receipt\n${caseId}\n${code.toUpperCase()}`);
}

export function newReceipt(key: HashKey, caseId: string): { receipt: Receipt; codeHash: string } {
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

export function receiptMatches(key: HashKey, caseId: string, code: string, stored: string): boolean {
  return timingSafeEqual(Buffer.from(codeHash(key, caseId, code), "hex"), Buffer.from(stored, "hex"));
}

/**
 * A new receipt for a case whose citizen has none (the answer that carried it never reached them,
 * or the paper was lost), made by a caseworker over the case who re-enters the applicant's
 * resident ID: it must be the one the case was taken in for. The old code stops working; the
 * reissue is logged, by whom and when, before the new code's hash replaces the old, so a crash
 * between leaves the old one working and a record of a receipt never handed out: ask again.
 */
export async function reissueReceipt(
  ctx: { log: RecordLog; state: StateStore; identityKey: HashKey; chain: Pick<ChainClient, "clock"> },
  entry: CaseEntry,
  officer: string,
  residentId: string,
): Promise<{ caseId: string; receipt: Receipt; recordId: string; leafIndex: number }> {
  const applicant = (await latestApplication(ctx.log, entry)).record.personal.applicant as { residentId: string };
  if (normaliseResidentId(residentId) !== normaliseResidentId(applicant.residentId)) {
    throw new AidtrailError("RECEIPT_APPLICANT_MISMATCH", "the resident ID is not that of the case's applicant", {
      kind: "forbidden",
      field: "residentId",
      hint: "enter the applicant's resident ID from their identity card; a receipt is reissued only to the person who applied",
      zh: { message: "身份证号与本案申请人不符", hint: "请核对申请人身份证后重新输入；回执只补发给申请人本人" },
    });
  }
  const { receipt, codeHash } = newReceipt(ctx.identityKey, entry.caseId);
  const record = newRecord({ ...documentRecord(RECEIPT_REISSUED, entry, { reissuedBy: officer }), createdAt: ctx.chain.clock.iso() }, ctx.log.suite);
  const [appended] = await ctx.log.append([record]);
  await ctx.state.put({ [KEYS.case(entry.caseId)]: { ...entry, receiptCodeHash: codeHash } satisfies CaseEntry });
  return { caseId: entry.caseId, receipt, recordId: record.recordId, leafIndex: appended!.leafIndex };
}
