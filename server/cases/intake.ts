import { randomBytes } from "node:crypto";
import { hexlify } from "ethers";
import type { ChainClient } from "../chain/client.ts";
import { Area, Programme } from "../chain/domain.ts";
import { decodeRevert } from "../chain/reverts.ts";
import { toAidtrailError } from "../http/errors.ts";
import type { RecordLog } from "../log/record-log.ts";
import { identityCommitment } from "../records/identity.ts";
import { newRecord } from "../records/record.ts";
import { outboxKey, type OutboxEntry } from "../state/outbox.ts";
import type { StateStore } from "../state/state-store.ts";
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

export interface IntakeResult {
  caseId: string;
  receipt: Receipt;
  recordId: string;
  recordHash: string;
  leafIndex: number;
  ledger: Pick<OutboxEntry, "state" | "transactionHash" | "blockNumber" | "error">;
}

export interface IntakeContext {
  chain: ChainClient;
  log: RecordLog;
  state: StateStore;
  identityKey: Uint8Array;
}

/**
 * Takes in an application: the record (personal fields sealed) is durable in the log and the
 * ledger transaction is owed in the outbox before this returns. A refusal the ledger would give
 * (for example an identity with an open case) is found first, by a dry run, so it writes
 * nothing; a chain that does not answer does not stop intake: the relayer sends the transaction
 * when the chain is back.
 */
export async function intakeCase(ctx: IntakeContext, officer: string, input: ApplicationInput): Promise<{ result: Omit<IntakeResult, "ledger">; outbox: string }> {
  const identity = identityCommitment(ctx.identityKey, input.applicant.residentId);
  const caseId = hexlify(randomBytes(32));
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
  const args = [caseId, PROGRAMMES[input.programme], AREAS[input.area], input.jurisdiction, hash, identity];

  try {
    await ctx.chain.cases.submitApplication.staticCall(caseId, args[1] as number, args[2] as number, BigInt(input.jurisdiction), hash, identity);
  } catch (error) {
    if (decodeRevert(error)) throw toAidtrailError(error);
  }

  const { receipt, codeHash } = newReceipt(caseId);
  const outbox = outboxKey(caseId);
  const entry: OutboxEntry = { kind: "submitApplication", caseId, recordId: record.recordId, args, state: "pending", attempts: 0, owedAt: Date.now() };
  const caseEntry: CaseEntry = { caseId, recordId: record.recordId, jurisdiction: input.jurisdiction, programme: input.programme, outbox, receiptHash: codeHash, createdAt: record.createdAt };
  // The debt first, then the evidence: after a crash between them the relayer finds a debt whose
  // record never reached the log and drops it, where the other order would strand a logged record.
  await ctx.state.put({ [outbox]: entry, [`case:${caseId}`]: caseEntry });
  let appended;
  try {
    [appended] = await ctx.log.append([record]);
  } catch (error) {
    await ctx.state.delete(outbox);
    await ctx.state.delete(`case:${caseId}`);
    throw error;
  }
  return { result: { caseId, receipt, recordId: record.recordId, recordHash: hash, leafIndex: appended!.leafIndex }, outbox };
}
