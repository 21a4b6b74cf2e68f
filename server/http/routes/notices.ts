import { Router } from "express";
import type { CaseEntry } from "../../cases/intake.ts";
import type { Indexer } from "../../sync/indexer.ts";
import type { StateStore } from "../../state/state-store.ts";
import { RequestError } from "../errors.ts";
import { perMinute } from "../rate-limit.ts";
import type { noticesSchema } from "../schemas.ts";
import type { z } from "zod";
import { KEYS } from "../../state/keys.ts";

export interface NoticesContext {
  indexer: Indexer;
  state: StateStore;
}

/** A page of notices holds at most this many cases. */
const PAGE_MAX = 200;
const PAGE_DEFAULT = 50;

/** A notice as the OpenAPI document describes it. */
type Notice = z.infer<typeof noticesSchema>["notices"][number];

/**
 * Public notice: every case of this gateway now in its notice period, with the masked name, the
 * township, the household size and the approved amount, so that neighbours can object in time.
 * Nothing else about the person is shown. Open to anyone, so it costs the gateway nothing per
 * case per request: the cases in notice come from the ledger's index (read once as each entered
 * notice), the names as masked at intake, and the list is made once per block indexed. Pages of
 * at most 200 by case id (`after`, `limit`); 503 when the index cannot be brought up to the chain
 * and has never been read.
 */
export function noticesRouter(ctx: NoticesContext, limitPerMinute = 60): Router {
  const router = Router();
  const limiter = perMinute(limitPerMinute, { en: "requests for the public notices", zh: "公示查询" });
  let made: { block: number; notices: Notice[] } | null = null;
  const notices = async (): Promise<{ block: number; notices: Notice[] }> => {
    const caughtUp = await ctx.indexer.catchUp().catch(() => null);
    const block = caughtUp ?? (await ctx.indexer.indexedTo());
    if (caughtUp === null && made === null) {
      throw new RequestError("NOTICES_UNAVAILABLE", "the public notices cannot be made now: the ledger does not answer", 503, { hint: "try again in a minute", zh: { message: "公示名单暂时无法生成", hint: "请一分钟后再试" } });
    }
    if (made?.block === block) return made;
    const entries = await ctx.indexer.notices();
    const cases = await ctx.state.getMany<CaseEntry>(entries.map((n) => KEYS.case(n.caseId)));
    made = {
      block,
      notices: entries.flatMap((n, i) => {
        const entry = cases[i];
        // A case of another gateway of the deployment is that gateway's to show.
        if (!entry) return [];
        return [{ caseId: n.caseId, name: entry.publicName ?? "*", jurisdiction: entry.jurisdiction, programme: entry.programme, householdSize: n.householdSize, approvedAmount: n.approvedAmount, noticeEnd: new Date(n.noticeEnd * 1000).toISOString() }];
      }),
    };
    return made;
  };
  router.get("/public/notices", limiter, async (req, res) => {
    const after = req.query.after;
    if (after !== undefined && (typeof after !== "string" || !/^0x[0-9a-f]{64}$/.test(after))) {
      throw new RequestError("REQUEST_INVALID", "after must be the last case id of the page before, 0x and 64 lower-case hex digits", 400, { field: "after" });
    }
    const limit = req.query.limit === undefined ? PAGE_DEFAULT : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) throw new RequestError("REQUEST_INVALID", `limit must be a whole number from 1 to ${PAGE_MAX}`, 400, { field: "limit" });
    const { block, notices: all } = await notices();
    const from = after === undefined ? 0 : all.findIndex((n) => n.caseId > after);
    const page = from === -1 ? [] : all.slice(from, from + limit);
    const next = from !== -1 && from + limit < all.length ? page.at(-1)!.caseId : null;
    res.json({ notices: page, next, asOfBlock: block });
  });
  return router;
}
