import { Router } from "express";
import { z } from "zod";
import type { SignIn } from "../../auth/sign-in.ts";
import type { LedgerActionContext } from "../../cases/ledger-action.ts";
import { paymentFileKey, payoutRunProgress, startPayoutRun } from "../../funds/payout-run.ts";
import { ledgerAction } from "../../cases/ledger-action.ts";
import { caseEntryOf, type CaseEntry } from "../../cases/intake.ts";
import { newRecord } from "../../records/record.ts";
import { authorize, signedIn, type LedgerAccess } from "../officers.ts";
import { validate } from "../validate.ts";

export const payoutRunRequest = z.object({
  programme: z.enum(["dibao", "tekun"]),
  period: z.number().int().refine((p) => p % 100 >= 1 && p % 100 <= 12 && p >= 200001 && p <= 299912, "must be a month, YYYYMM"),
  allocationId: z.string().regex(/^[1-9]\d*$/, "must be the allocation's id, a whole number"),
  batchSize: z.number().int().min(1).max(500).default(100),
});

export const payoutRequest = z.object({
  caseId: z.string().regex(/^0x[0-9a-f]{64}$/, "must be a case id, 0x and 64 hex digits"),
  /** YYYYMM for monthly programmes, 0 for one-off ones. */
  period: z.number().int().min(0),
  allocationId: z.string().regex(/^[1-9]\d*$/, "must be the allocation's id, a whole number"),
  amount: z.string().regex(/^[1-9]\d*$/, "must be a positive amount in fen"),
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
  const caseOf = (caseId: string): Promise<CaseEntry> => caseEntryOf(ctx.state, caseId);
  router.post(
    "/payouts",
    signedIn(signIn),
    validate(payoutRequest),
    authorize(ctx.roles, "FINANCE_OFFICER", async (req) => (await caseOf(req.body.caseId)).jurisdiction),
    async (req, res) => {
      const { caseId, period, allocationId, amount } = req.body;
      const entry = await caseOf(caseId);
      const record = newRecord({
        kind: "payment-file",
        caseId,
        jurisdiction: entry.jurisdiction,
        public: { period, allocationId, programme: entry.programme, lines: [{ caseId, amount }], startedBy: req.officer },
      });
      const action = await ledgerAction(ctx, {
        caseId,
        record,
        call: "pay",
        args: [allocationId, caseId, period, amount],
        extraState: () => ({ [paymentFileKey(caseId, period)]: { recordId: record.recordId } }),
      });
      res.status(201).json({ recordId: record.recordId, leafIndex: action.leafIndex, ledger: action.ledger });
    },
  );

  router.get("/payout-runs/:runId", signedIn(signIn), authorize(ctx.roles, ["FINANCE_OFFICER", "AUDITOR"], () => ctx.jurisdiction), async (req, res) => {
    res.json(await payoutRunProgress(ctx, req.params.runId as string));
  });
  return router;
}
