import { Router } from "express";
import type { ChainClient } from "../../chain/client.ts";
import { CaseStatus } from "../../chain/domain.ts";
import type { CaseEntry } from "../../cases/intake.ts";
import type { RecordLog } from "../../log/record-log.ts";
import type { AidRecord } from "../../records/record.ts";
import type { StateStore } from "../../state/state-store.ts";

/** A name as public notice shows it: the first and last characters kept, the rest masked (王小明 → 王*明, 李四 → 李*). */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return "*";
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${"*".repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}

export interface NoticesContext {
  chain: ChainClient;
  log: RecordLog;
  state: StateStore;
}

/**
 * Public notice: every case of this gateway now in its notice period, with the masked name, the
 * township, the household size and the approved amount, so that neighbours can object in time.
 * Nothing else about the person is shown.
 */
export function noticesRouter(ctx: NoticesContext): Router {
  const router = Router();
  router.get("/public/notices", async (_req, res) => {
    const notices = [];
    for (const [, entry] of await ctx.state.list<CaseEntry>("case:")) {
      const [terms, , householdSize, , noticeEnd] = await ctx.chain.cases.getCase(entry.caseId).catch(() => [null, 0n, 0n, 0n, 0n] as const);
      if (!terms || Number(terms.status) !== CaseStatus.InNotice) continue;
      const { revisions } = await ctx.log.lookup(entry.recordId, { decrypt: true });
      const record = revisions[revisions.length - 1]!.record as AidRecord;
      const applicant = record.personal.applicant as { name: string };
      notices.push({
        caseId: entry.caseId,
        name: maskName(applicant.name),
        jurisdiction: entry.jurisdiction,
        programme: entry.programme,
        householdSize: Number(householdSize),
        approvedAmount: terms.approvedAmount.toString(),
        noticeEnd: new Date(Number(noticeEnd) * 1000).toISOString(),
      });
    }
    res.json({ notices });
  });
  return router;
}
