import { Router } from "express";
import type { ChainClient } from "../../chain/client.ts";
import type { Indexer } from "../../sync/indexer.ts";
import type { StateStore } from "../../state/state-store.ts";
import { worklist } from "../../cases/worklist.ts";
import { casesNumbered } from "../../cases/lookup.ts";
import { RequestError } from "../errors.ts";
import { rolesOf, signedIn, type LedgerAccess } from "../officers.ts";
import type { SignIn } from "../../auth/sign-in.ts";

export interface WorklistContext {
  chain: Pick<ChainClient, "now">;
  indexer: Indexer;
  state: StateStore;
  roles: LedgerAccess;
}

/**
 * An officer's worklist: the cases waiting for a stage their roles take, over the jurisdictions
 * they hold them in, oldest first with the days against each stage's limit; and a case found by
 * its number. Roles as the ledger holds them now; cases as its index has them, brought up to the
 * chain first where it answers.
 */
export function worklistRouter(ctx: WorklistContext, signIn: SignIn): Router {
  const router = Router();
  router.get("/worklist", signedIn(signIn), async (req, res) => {
    const [roles, now] = await Promise.all([rolesOf(ctx.roles, req.officer!), ctx.chain.now(), ctx.indexer.catchUp().catch(() => undefined)]);
    res.json({ roles, items: await worklist(ctx, roles, now), asOfBlock: await ctx.indexer.indexedTo() });
  });
  // A case found by the number on its receipt, as an officer is told it on the phone or at the counter.
  router.get("/cases", signedIn(signIn), async (req, res) => {
    const number = typeof req.query.number === "string" ? req.query.number.replace(/[\s-]/g, "") : "";
    if (!/^[0-9a-fA-F]{16}$/.test(number)) {
      throw new RequestError("REQUEST_INVALID", "number must be a case number: the 16 letters and digits on the receipt", 400, {
        field: "number",
        hint: "type the case number as the receipt prints it, for example 01654604BD51D833",
        zh: { message: "案件号应为回执上的 16 位字母和数字", hint: "请按回执上印的案件号输入，例如 01654604BD51D833" },
      });
    }
    const [roles] = await Promise.all([rolesOf(ctx.roles, req.officer!), ctx.indexer.catchUp().catch(() => undefined)]);
    res.json({ cases: await casesNumbered(ctx, roles, number) });
  });
  return router;
}
