import { createHash } from "node:crypto";
import { AidtrailError } from "../../kit/errors.ts";
import type { Envelope } from "../records/envelope.ts";
import type { RecordLog } from "../log/record-log.ts";
import type { StateStore } from "../state/state-store.ts";
import { KEYS } from "../state/keys.ts";
import type { CaseEntry } from "./intake.ts";

/** The largest document kept: a phone's photo of a household register or a certificate, with room. */
export const DOCUMENT_MAX_BYTES = 8 * 1024 * 1024;

export interface DocumentContext {
  log: RecordLog;
  state: StateStore;
}

const context = (caseId: string, sha256: string) => `document:${caseId}:${sha256}`;

/** Whether any revision of the case's application lists a document of this SHA-256 (the digests are public). */
async function listed(ctx: DocumentContext, entry: CaseEntry, sha256: string): Promise<boolean> {
  const { revisions } = await ctx.log.lookup(entry.recordId, { decrypt: false });
  return revisions.some((r) => ((r.record.public as { documents?: { sha256: string }[] }).documents ?? []).some((d) => d.sha256 === sha256));
}

/**
 * Keeps a document's content for a case, sealed under the log's keyring: only a document the
 * case's application lists by its SHA-256 (the record holds the digest, so the content can be
 * shown to be the one the application named), and only bytes of that digest. Kept again, it is
 * kept once. Answers whether it was new.
 */
export async function keepDocument(ctx: DocumentContext, entry: CaseEntry, sha256: string, bytes: Uint8Array): Promise<{ sha256: string; bytes: number; kept: "new" | "already" }> {
  const actual = createHash("sha256").update(bytes).digest("hex");
  if (actual !== sha256) {
    throw new AidtrailError("DOCUMENT_DIGEST_MISMATCH", `the file sent has SHA-256 ${actual}, not ${sha256}`, {
      kind: "invalid",
      field: "sha256",
      hint: "send the very file whose fingerprint the application recorded",
      zh: { message: "上传的文件与申请记录的材料指纹不符", hint: "请上传受理时记录了指纹的那份文件" },
    });
  }
  if (!(await listed(ctx, entry, sha256))) {
    throw new AidtrailError("DOCUMENT_NOT_LISTED", `the application of case ${entry.caseId} lists no document of SHA-256 ${sha256}`, {
      kind: "refused",
      field: "sha256",
      hint: "record the document in the application (at intake, or by a revision) before keeping its content",
      zh: { message: "本案申请记录中没有这份材料", hint: "请先在申请中记录该材料（受理时或修改申请），再保存其内容" },
    });
  }
  const key = KEYS.document(entry.caseId, sha256);
  if (await ctx.state.get(key)) return { sha256, bytes: bytes.length, kept: "already" };
  await ctx.state.put({ [key]: ctx.log.sealBytes(bytes, context(entry.caseId, sha256)) });
  return { sha256, bytes: bytes.length, kept: "new" };
}

/** A document kept for a case, opened; DOCUMENT_NOT_FOUND if none of that digest was kept. */
export async function readDocument(ctx: DocumentContext, entry: CaseEntry, sha256: string): Promise<Buffer> {
  const sealed = await ctx.state.get<Envelope>(KEYS.document(entry.caseId, sha256));
  if (!sealed) {
    throw new AidtrailError("DOCUMENT_NOT_FOUND", `no document of SHA-256 ${sha256} is kept for case ${entry.caseId}`, {
      kind: "not-found",
      field: "sha256",
      hint: "its caseworker keeps it from the intake page; until then only its fingerprint is on record",
      zh: { message: "本案没有保存这份材料的内容", hint: "由受理的工作人员在受理页面保存；在此之前只有其指纹" },
    });
  }
  return ctx.log.openBytes(sealed, context(entry.caseId, sha256));
}
