import { STAGE_LIMITS_DAYS } from "../../kit/equalization.ts";
import { CaseStatus, coversDivision, type RoleName } from "../chain/domain.ts";
import type { Indexer } from "../sync/indexer.ts";
import type { StateStore } from "../state/state-store.ts";
import { KEYS } from "../state/keys.ts";
import type { CaseEntry } from "./intake.ts";
import { atGlance, type CaseAtGlance } from "./lookup.ts";

/** What an officer does next on a case: its review, its approval, or, once its public notice is over, its activation. */
export type WorkStage = "review" | "approval" | "activation";

/** Who may take each stage on the ledger, and the status a case waits in for it. */
const STAGES: { stage: WorkStage; status: CaseStatus; roles: readonly RoleName[]; limitDays: number | null }[] = [
  { stage: "review", status: CaseStatus.Submitted, roles: ["REVIEWER"], limitDays: STAGE_LIMITS_DAYS.review },
  { stage: "approval", status: CaseStatus.Reviewed, roles: ["APPROVER"], limitDays: STAGE_LIMITS_DAYS.approval },
  // Due once the notice has ended, with no limit of its own: the first payment's counts from approval.
  { stage: "activation", status: CaseStatus.InNotice, roles: ["CASEWORKER", "APPROVER"], limitDays: null },
];

export interface WorkItem extends CaseAtGlance {
  stage: WorkStage;
  /** Since when the case waits for this stage: its last change of status, or its notice's end. */
  since: string;
  days: number;
  /** The stage's limit in days, or null for one without. */
  limitDays: number | null;
  overdue: boolean;
}

/**
 * The cases of this gateway waiting for a stage one of the officer's roles takes, over a
 * jurisdiction that role covers: oldest first, with the days waited against the stage's limit.
 * Read from the ledger's index (the index is as current as the block it reached); a case in
 * notice is due for activation once its notice has ended by the ledger's clock (`now`, seconds).
 */
export async function worklist(ctx: { indexer: Indexer; state: StateStore }, roles: readonly { role: RoleName; jurisdiction: string }[], now: number): Promise<WorkItem[]> {
  const due = STAGES.filter((s) => roles.some((r) => s.roles.includes(r.role)));
  if (due.length === 0) return [];
  const [statuses, notices] = await Promise.all([ctx.indexer.statuses(), ctx.indexer.notices()]);
  const noticeEnd = new Map(notices.map((n) => [n.caseId, n.noticeEnd]));
  const waiting = statuses.flatMap((s) => {
    const stage = due.find((d) => d.status === s.status);
    if (!stage) return [];
    const since = stage.stage === "activation" ? noticeEnd.get(s.caseId) : s.since;
    return since === undefined || since > now ? [] : [{ caseId: s.caseId, stage, since, order: s.blockNumber * 1e6 + s.logIndex }];
  });
  const entries = await ctx.state.getMany<CaseEntry>(waiting.map((w) => KEYS.case(w.caseId)));
  return waiting
    .flatMap(({ stage, since, order }, i) => {
      const entry = entries[i];
      // A case of another gateway of the deployment is on that gateway's worklist.
      if (!entry || !roles.some((r) => stage.roles.includes(r.role) && coversDivision(r.jurisdiction, entry.jurisdiction))) return [];
      const days = Math.floor((now - since) / 86_400);
      return [{ order, item: { ...atGlance(entry), stage: stage.stage, since: new Date(since * 1000).toISOString(), days, limitDays: stage.limitDays, overdue: stage.limitDays !== null && days > stage.limitDays } }];
    })
    // Oldest first; within one second, in ledger order.
    .sort((a, b) => a.item.since.localeCompare(b.item.since) || a.order - b.order)
    .map(({ item }) => item);
}
