import { Router } from "express";
import { z } from "zod";
import type { SignIn } from "../../auth/sign-in.ts";
import type { LedgerActionContext } from "../../cases/ledger-action.ts";
import { payoutRunProgress, startPayoutRun } from "../../funds/payout-run.ts";
import { authorize, signedIn, type LedgerAccess } from "../officers.ts";
import { validate } from "../validate.ts";

export const payoutRunRequest = z.object({
  programme: z.enum(["dibao", "tekun"]),
  period: z.number().int().refine((p) => p % 100 >= 1 && p % 100 <= 12 && p >= 200001 && p <= 299912, "must be a month, YYYYMM"),
  allocationId: z.string().regex(/^[1-9]\d*$/, "must be the allocation's id, a whole number"),
  batchSize: z.number().int().min(1).max(500).default(100),
});

export interface FundsContext extends LedgerActionContext {
  roles: LedgerAccess;
  /** The jurisdiction this gateway serves; its runs pay the cases it took in. */
  jurisdiction: string;
}

export function fundsRouter(ctx: FundsContext, signIn: SignIn): Router {
  const router = Router();
  router.post("/payout-runs", signedIn(signIn), validate(payoutRunRequest), authorize(ctx.roles, "FINANCE_OFFICER", () => ctx.jurisdiction), async (req, res) => {
    const run = await startPayoutRun(ctx, req.officer!, ctx.jurisdiction, req.body);
    res.status(201).json(await payoutRunProgress(ctx, run.runId));
  });
  router.get("/payout-runs/:runId", signedIn(signIn), authorize(ctx.roles, ["FINANCE_OFFICER", "AUDITOR"], () => ctx.jurisdiction), async (req, res) => {
    res.json(await payoutRunProgress(ctx, req.params.runId as string));
  });
  return router;
}
