import { Router } from "express";
import { z } from "zod";
import type { SignIn } from "../../auth/sign-in.ts";
import type { LedgerActionContext } from "../../cases/ledger-action.ts";
import { paymentFileKey, payoutRunProgress, startPayoutRun } from "../../funds/payout-run.ts";
import { ledgerAction } from "../../cases/ledger-action.ts";
import { caseEntryOf, PROGRAMMES, type CaseEntry } from "../../cases/intake.ts";
import { newRecord } from "../../records/record.ts";
import { authorize, signedIn, type LedgerAccess } from "../officers.ts";
import { validate } from "../validate.ts";
import { divisionCode, fen } from "../schemas.ts";
import { signedCallRoutes } from "../signed-calls.ts";

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
  amount: fen,
});

const purpose = z.string().min(1).max(500);

export const appropriationRequest = z.object({
  programme: z.enum(Object.keys(PROGRAMMES) as [keyof typeof PROGRAMMES]),
  fiscalYear: z.number().int().min(2000).max(2100),
  jurisdiction: divisionCode,
  amount: fen,
  purpose,
});

export const allocationRequest = z.object({
  parentId: z.string().regex(/^[1-9]\d*$/, "must be the parent allocation's id, a whole number"),
  jurisdiction: divisionCode,
  amount: fen,
  purpose,
});

export const settlementRequest = z.object({
  /** YYYYMM for monthly programmes, 0 for one-off ones. */
  period: z.number().int().min(0),
  settlements: z
    .array(z.object({ caseId: payoutRequest.shape.caseId, reference: z.string().min(1).max(100) }))
    .min(1)
    .max(500),
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

  // Appropriations, allocations and settlements are the officers' own ledger steps (see SignedCall).
  signedCallRoutes(router, "/appropriations", ctx, signIn, {
    schema: appropriationRequest,
    role: "FINANCE_OFFICER",
    jurisdictionOf: (req) => req.body.jurisdiction,
    call: (req, body) => ({
      contract: "funds",
      method: "appropriate",
      subject: `appropriation:${body.jurisdiction}`,
      args: (hash) => [PROGRAMMES[body.programme], body.fiscalYear, BigInt(body.jurisdiction), BigInt(body.amount), hash],
      record: { kind: "document", jurisdiction: body.jurisdiction, public: { type: "appropriation", ...body, madeBy: req.officer } },
    }),
  });
  signedCallRoutes(router, "/allocations", ctx, signIn, {
    schema: allocationRequest,
    role: "FINANCE_OFFICER",
    // The ledger checks the role where the parent's funds are.
    jurisdictionOf: async (req) => (await ctx.chain.funds.allocation(req.body.parentId)).jurisdiction,
    call: (req, body) => ({
      contract: "funds",
      method: "allocate",
      subject: `allocation:${body.parentId}`,
      args: (hash) => [BigInt(body.parentId), BigInt(body.jurisdiction), BigInt(body.amount), hash],
      record: { kind: "document", jurisdiction: body.jurisdiction, public: { type: "allocation", ...body, madeBy: req.officer } },
    }),
  });
  signedCallRoutes(router, "/settlements", ctx, signIn, {
    schema: settlementRequest,
    role: "SETTLEMENT_AGENT",
    jurisdictionOf: () => ctx.jurisdiction,
    call: (req, body) => ({
      contract: "funds",
      method: "confirmSettlements",
      subject: `settlement:${body.period}`,
      // One record holds the bank's references for the whole confirmation; each line names its hash.
      args: (hash) => [body.period, body.settlements.map(({ caseId }) => ({ caseId, receiptHash: hash }))],
      record: {
        kind: "settlement",
        caseId: body.settlements.length === 1 ? body.settlements[0]!.caseId : null,
        jurisdiction: ctx.jurisdiction,
        public: { period: body.period, lines: body.settlements, confirmedBy: req.officer },
      },
    }),
  });

  router.get("/payout-runs/:runId", signedIn(signIn), authorize(ctx.roles, ["FINANCE_OFFICER", "AUDITOR"], () => ctx.jurisdiction), async (req, res) => {
    res.json(await payoutRunProgress(ctx, req.params.runId as string));
  });
  return router;
}
