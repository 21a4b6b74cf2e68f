import { Router } from "express";
import type { ChainClient } from "../../chain/client.ts";
import type { Indexer } from "../../sync/indexer.ts";
import type { StateStore } from "../../state/state-store.ts";
import { worklist } from "../../cases/worklist.ts";
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
 * they hold them in, oldest first with the days against each stage's limit. Roles as the ledger
 * holds them now; cases as its index has them, brought up to the chain first where it answers.
 */
export function worklistRouter(ctx: WorklistContext, signIn: SignIn): Router {
  const router = Router();
  router.get("/worklist", signedIn(signIn), async (req, res) => {
    const [roles, now] = await Promise.all([rolesOf(ctx.roles, req.officer!), ctx.chain.now(), ctx.indexer.catchUp().catch(() => undefined)]);
    res.json({ roles, items: await worklist(ctx, roles, now), asOfBlock: await ctx.indexer.indexedTo() });
  });
  return router;
}
