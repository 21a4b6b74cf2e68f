import type { Indexer } from "../sync/indexer.ts";
import type { StateStore } from "../state/state-store.ts";
import { KEYS } from "../state/keys.ts";
import type { CaseEntry } from "../cases/intake.ts";
import { caseNumberOf } from "../cases/receipts.ts";

/** A payout the bank has yet to confirm: paid on the ledger, neither settled nor reversed. */
export interface OutstandingPayout {
  caseId: string;
  caseNumber: string;
  amount: string;
  paidAt: string;
  transactionHash: string;
}

/**
 * The payouts for `period` to the cases of this gateway that the ledger has paid and neither a
 * settlement nor a reversal has closed, by case: what a settlement agent matches the bank's
 * return file against. Read from the ledger's index.
 */
export async function outstandingPayouts(ctx: { indexer: Indexer; state: StateStore }, period: number): Promise<OutstandingPayout[]> {
  const cases = await ctx.state.list<CaseEntry>(KEYS.cases);
  const found: OutstandingPayout[] = [];
  for (const [key, entry] of cases) {
    if (key !== KEYS.case(entry.caseId)) continue;
    const events = (await ctx.indexer.caseEvents(entry.caseId)).filter((e) => Number(e.args.period) === period);
    // The last word on a payout: a reversal reopens the month for a new payout, which the bank confirms in its turn.
    const last = events.findLast((e) => ["PayoutMade", "PayoutSettled", "PayoutReversed"].includes(e.name));
    if (last?.name !== "PayoutMade") continue;
    found.push({ caseId: entry.caseId, caseNumber: caseNumberOf(entry.caseId), amount: String(last.args.amount), paidAt: new Date(last.timestamp * 1000).toISOString(), transactionHash: last.transactionHash });
  }
  return found;
}
