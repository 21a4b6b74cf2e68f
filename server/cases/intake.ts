import { hexlify } from "ethers";
import { Area, Programme } from "../chain/domain.ts";
import { identityCommitment } from "../records/identity.ts";
import { randomBytesFromPool } from "../records/random-pool.ts";
import { newRecord } from "../records/record.ts";
import type { OutboxEntry } from "../state/outbox.ts";
import type { StateStore } from "../state/state-store.ts";
import { RequestError } from "../http/errors.ts";
import { ledgerAction, type LedgerActionContext, type LedgerActionResult } from "./ledger-action.ts";
import type { PendingApplications } from "./pending-applications.ts";
import { recordHash } from "../verify/record.ts";
import { newReceipt, type Receipt } from "./receipts.ts";

export const PROGRAMMES = { dibao: Programme.Dibao, tekun: Programme.Tekun, temporary: Programme.Temporary, medical: Programme.Medical, education: Programme.Education, housing: Programme.Housing } as const;
export const AREAS = { urban: Area.Urban, rural: Area.Rural } as const;

export interface ApplicationInput {
  programme: keyof typeof PROGRAMMES;
  area: keyof typeof AREAS;
  jurisdiction: string;
  applicant: { name: string; residentId: string; phone?: string; address?: string };
  household: { name: string; relation: string; residentId?: string }[];
  monthlyIncome: number;
  documents: { kind: string; sha256: string }[];
}

/** What the gateway knows of a case beyond the ledger: where its records are, its receipt. */
export interface CaseEntry {
  caseId: string;
  recordId: string;
  jurisdiction: string;
  programme: keyof typeof PROGRAMMES;
  outbox: string;
  receiptHash: string;
  createdAt: string;
}

/** The gateway's entry for a case it took in, or a 404 naming the case. */
export async function caseEntryOf(state: StateStore, caseId: string): Promise<CaseEntry> {
  const entry = await state.get<CaseEntry>(`case:${caseId}`);
  if (!entry) throw new RequestError("CASE_NOT_FOUND", `no case ${caseId} was taken in at this gateway`, 404, { field: "caseId" });
  return entry;
}

export interface IntakeResult {
  caseId: string;
  receipt: Receipt;
  recordId: string;
  recordHash: string;
  leafIndex: number;
  ledger: Pick<OutboxEntry, "state" | "transactionHash" | "blockNumber" | "error">;
}

export interface IntakeContext extends LedgerActionContext {
  identityKey: Uint8Array;
  pending: PendingApplications;
}

/**
 * Takes in an application as a ledger action (see ledgerAction): a refusal the ledger would give,
 * such as an identity with an open case, writes nothing; a chain that does not answer does not
 * stop intake. The citizen's receipt code is returned once and kept only as an HMAC (see
 * receipts.ts). `authorized`, the officer's role check if still under way, must pass before
 * anything is written.
 */
export async function intakeCase(ctx: IntakeContext, officer: string, input: ApplicationInput, authorized?: Promise<unknown>): Promise<IntakeResult> {
  const identity = identityCommitment(ctx.identityKey, input.applicant.residentId);
  // Drawn from the pool, as records' salts and keys are (see random-pool.ts).
  const caseId = "0x" + randomBytesFromPool(32).toString("hex");
  const record = newRecord({
    kind: "application",
    caseId,
    jurisdiction: input.jurisdiction,
    public: {
      programme: input.programme,
      area: input.area,
      householdSize: input.household.length + 1,
      documents: input.documents,
      intakeOfficer: officer,
    },
    personal: { applicant: input.applicant, household: input.household, monthlyIncome: input.monthlyIncome },
  });
  const hash = hexlify(recordHash(record));
  const { receipt, codeHash } = newReceipt(ctx.identityKey, caseId);
  const args = [caseId, PROGRAMMES[input.programme], AREAS[input.area], input.jurisdiction, hash, identity];
  let action: LedgerActionResult;
  try {
    action = await ledgerAction(ctx, {
      caseId,
      record,
      call: "submitApplication",
      authorized,
      // Once the officer's role and the dry run have passed: a request that fails them holds no one.
      reserve: () => ctx.pending.claim(args),
      args,
      extraState: (outbox): Record<string, CaseEntry> => ({
        [`case:${caseId}`]: { caseId, recordId: record.recordId, jurisdiction: input.jurisdiction, programme: input.programme, outbox, receiptHash: codeHash, createdAt: record.createdAt },
      }),
    });
  } catch (error) {
    ctx.pending.release(args);
    throw error;
  }
  return { caseId, receipt, recordId: record.recordId, recordHash: hash, leafIndex: action.leafIndex, ledger: action.ledger };
}
