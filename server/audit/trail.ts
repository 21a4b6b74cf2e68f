import { hexlify } from "ethers";
import type { Indexer } from "../sync/indexer.ts";
import { CaseStatus, nameOf } from "../chain/domain.ts";
import type { RecordLog } from "../log/record-log.ts";
import { paymentFileKey, type PaymentFileEntry } from "../funds/payout-run.ts";
import type { StateStore } from "../state/state-store.ts";
import { stageTimings, type StageTiming } from "../../kit/equalization.ts";
import { stepOf, type StepName } from "./steps.ts";

export interface TrailStep {
  at: string;
  where: "ledger" | "log";
  what: string;
  /** For a ledger step: which step it is, who took it and the role it needed, all as its event says (never the transaction's sender, who may be a relayer). */
  step?: StepName;
  actor?: string;
  role?: string;
  /** For a decision: every officer whose signature counted. */
  signers?: string[];
  transactionHash?: string;
  blockNumber?: number;
  /** For a record: its kind, its type where the kind has several, and its revision, as the log holds them. */
  record?: { kind: string; type: string | null; revision: number };
  recordId?: string;
  leafIndex?: number;
  leafHash?: string;
  proof?: string[] | null;
  details?: Record<string, unknown>;
}

/** A change of status as the trail names it. */
const transition = (from: number, to: number) => `${nameOf(CaseStatus, from)} → ${nameOf(CaseStatus, to)}`;

/** Every step of a case, off chain and on, in time order, and each stage's time against its limit. */
export async function caseTrail(indexer: Indexer, log: RecordLog, state: StateStore, caseId: string) {
  // With the chain out of reach the trail is served as far as the index reaches.
  await indexer.catchUp().catch(() => undefined);
  const events = await indexer.caseEvents(caseId);
  const steps: (TrailStep & { ms: number; order: number })[] = events.map((e, i) => {
    const args = e.args;
    const step = stepOf(e, events[i - 1]);
    // A case's first change of status is its CaseSubmitted (see ICaseRegistry).
    const what =
      e.name === "CaseTransition"
        ? transition(Number(args.from), Number(args.to))
        : e.name === "CaseSubmitted"
          ? transition(CaseStatus.None, CaseStatus.Submitted)
          : e.name;
    return {
      at: new Date(e.timestamp * 1000).toISOString(),
      ms: e.timestamp * 1000,
      order: e.blockNumber * 1e6 + e.logIndex,
      where: "ledger",
      what,
      ...(step && { step: step.step, actor: step.actors[0], role: step.roles.join(" or ") }),
      ...(e.name === "CaseDecided" && { signers: step!.actors }),
      transactionHash: e.transactionHash,
      blockNumber: e.blockNumber,
      details: args,
    };
  });
  const checkpoint = await log.latestAnchored();
  // A monthly run's payment file pays many cases and names none alone: it is found by the case's payouts.
  const periods = [...new Set(events.filter((e) => e.name === "PayoutMade").map((e) => Number(e.args.period)))];
  const files = (await state.getMany<PaymentFileEntry>(periods.map((period) => paymentFileKey(caseId, period)))).filter((f) => f !== undefined);
  const paidBy = (await Promise.all(files.map((f) => log.revisionIndexes(f.recordId)))).flat();
  for (const leafIndex of [...new Set([...(await log.caseLeafIndexes(caseId)), ...paidBy])]) {
    const stored = await log.stored(leafIndex);
    const ms = Date.parse(stored.createdAt);
    steps.push({
      at: stored.createdAt,
      ms,
      order: leafIndex,
      where: "log",
      // A document or complaint says which it is: an activation's notice completed, an objection, a rating.
      what: `${typeof stored.public.type === "string" ? `${stored.public.type} ` : ""}${stored.kind} record, revision ${stored.revision}`,
      record: { kind: stored.kind, type: typeof stored.public.type === "string" ? stored.public.type : null, revision: stored.revision },
      recordId: stored.recordId,
      leafIndex,
      leafHash: hexlify(await log.leafHash(leafIndex)),
      proof: checkpoint && leafIndex < checkpoint.treeSize ? (await log.inclusionProof(leafIndex, checkpoint.treeSize)).map(hexlify) : null,
    });
  }
  // In time order; at one instant, the ledger's steps in block order before the log's records in leaf order.
  steps.sort((a, b) => a.ms - b.ms || (a.where === b.where ? a.order - b.order : a.where === "ledger" ? -1 : 1));

  const firstTo = (status: CaseStatus) => steps.find((s) => s.what.endsWith(`→ ${nameOf(CaseStatus, status)}`))?.ms ?? null;
  const submitted = firstTo(CaseStatus.Submitted);
  const reviewed = firstTo(CaseStatus.Reviewed);
  const approved = firstTo(CaseStatus.InNotice);
  const active = firstTo(CaseStatus.Active);
  const firstPaid = steps.find((s) => s.what === "PayoutMade")?.ms ?? null;
  const stages: StageTiming[] = stageTimings({ submitted, reviewed, approved, active, firstPaid });
  return {
    caseId,
    checkpoint,
    stages,
    steps: steps.map(({ ms: _m, order: _o, ...step }) => step),
  };
}
