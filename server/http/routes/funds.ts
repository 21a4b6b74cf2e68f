import { Router } from "express";
import { z } from "zod";
import type { SignIn } from "../../auth/sign-in.ts";
import type { LedgerActionContext } from "../../sync/ledger-action.ts";
import { draftPayoutRun, paymentFileKey, payoutRunProgress, relayPayoutRun, type PaymentFileEntry } from "../../funds/payout-run.ts";
import { isPeriod } from "../../funds/periods.ts";
import { caseEntryOf, PROGRAMMES, type CaseEntry } from "../../cases/intake.ts";
import { authorize, signedIn, type LedgerAccess } from "../officers.ts";
import { validate } from "../validate.ts";
import { MONTHLY_PROGRAMMES } from "../../chain/domain.ts";
import { allocationId, below, divisionCode, fen, text } from "../schemas.ts";
import type { Indexer } from "../../sync/indexer.ts";
import { AidtrailError } from "../../../kit/errors.ts";
import { RequestError } from "../errors.ts";
import { allocationsOnLine, appropriationProposals, type AppropriationProposal } from "../../funds/appropriations.ts";
import { draftSchema, relayFields, signedCallRoutes } from "../signed-calls.ts";
import { ALLOCATION, APPROPRIATION, APPROPRIATION_APPROVAL, documentRecord, PAYOUT_REVERSAL } from "../../records/kinds/documents.ts";
import { paymentFileRecord } from "../../records/kinds/payment-file.ts";
import { settlementRecord } from "../../records/kinds/settlement.ts";
import { outstandingPayouts } from "../../funds/settlements.ts";

/** A payout is at most 2^38 - 1 fen, the most the ledger records for one. */
const payoutAmount = fen.refine(below(38), "must be below 2^38 fen");
/** Budgets are uint80 on the ledger. */
const budgetAmount = fen.refine(below(80), "must be below 2^80 fen");
/** YYYYMM for monthly programmes, 0 for one-off ones. */
// The bounds say in the OpenAPI document what the refinement checks: no negative or far period.
const payoutPeriod = z.number().int().min(0).max(299912).refine((p) => p === 0 || isPeriod(p), "must be a month YYYYMM (years 2000 to 2999), or 0 for one-off programmes");

export const payoutRunRequest = z.object({
  programme: z.enum(MONTHLY_PROGRAMMES),
  period: z.number().int().min(200001).max(299912).refine(isPeriod, "must be a month, YYYYMM"),
  allocationId,
  batchSize: z.number().int().min(1).max(500).default(100),
});

/** A run's relay: the run's fields again, its draft, and each batch's signed transaction, in order. */
export const payoutRunRelayRequest = payoutRunRequest.extend({
  draft: z.object({
    runId: z.string().regex(/^run[0-9a-f]{16}$/, "must be the draft's run id"),
    startedAt: z.iso.datetime({ message: "must be the draft's time, as the draft gave it" }),
    batches: z.array(draftSchema).min(1).max(10_000),
  }),
  signedTransactions: z.array(relayFields.signedTransaction).min(1).max(10_000),
});

export const payoutRequest = z.object({
  caseId: z.string().regex(/^0x[0-9a-f]{64}$/, "must be a case id, 0x and 64 hex digits"),
  period: payoutPeriod,
  allocationId,
  amount: payoutAmount,
});

export const reversalRequest = z.object({
  caseId: payoutRequest.shape.caseId,
  period: payoutPeriod,
  /** Why the payment came back (the bank's return reason): sealed as personal data. */
  reason: text(2000, { lines: true }),
});

const purpose = text(500, { lines: true });

export const appropriationRequest = z.object({
  programme: z.enum(Object.keys(PROGRAMMES) as [keyof typeof PROGRAMMES]),
  fiscalYear: z.number().int().min(2000).max(2100),
  jurisdiction: divisionCode,
  amount: budgetAmount,
  purpose,
});

/** The checker's own entry of the terms they approve, from the budget as passed: the ledger refuses any but those proposed. */
export const appropriationApprovalRequest = appropriationRequest.omit({ purpose: true });

export const allocationRequest = z.object({
  parentId: allocationId,
  jurisdiction: divisionCode,
  amount: budgetAmount,
  purpose,
});

export const settlementRequest = z.object({
  period: payoutPeriod,
  settlements: z
    .array(z.object({ caseId: payoutRequest.shape.caseId, reference: text(100) }))
    .min(1)
    .max(500),
});

export interface FundsContext extends LedgerActionContext {
  roles: LedgerAccess;
  indexer: Indexer;
  /** The jurisdiction this gateway serves; its runs pay the cases it took in. */
  jurisdiction: string;
}

export function fundsRouter(ctx: FundsContext, signIn: SignIn): Router {
  const router = Router();
  // A run is the finance officer's own transactions, one payBatch a batch: drafted, signed where their key is, relayed.
  const financeOfficer = authorize(ctx.roles, "FINANCE_OFFICER", () => ctx.jurisdiction);
  router.post("/payout-runs/draft", signedIn(signIn), validate(payoutRunRequest), financeOfficer, async (req, res) => {
    res.json(await draftPayoutRun(ctx, req.officer!, ctx.jurisdiction, req.body));
  });
  router.post("/payout-runs", signedIn(signIn), validate(payoutRunRelayRequest), financeOfficer, async (req, res) => {
    const { draft, signedTransactions, ...input } = req.body as z.infer<typeof payoutRunRelayRequest>;
    const run = await relayPayoutRun(ctx, req.officer!, ctx.jurisdiction, input, draft, signedTransactions);
    res.status(201).json(await payoutRunProgress(ctx, run.runId));
  });
  const caseOf = (caseId: string): Promise<CaseEntry> => caseEntryOf(ctx.state, caseId);

  signedCallRoutes(router, "/payouts", ctx, signIn, {
    schema: payoutRequest,
    role: "FINANCE_OFFICER",
    // Whoever pays spends their own budget: the ledger checks the officer over the allocation, not over the case.
    jurisdictionOf: async (req) => (await ctx.chain.funds.allocation(req.body.allocationId)).jurisdiction,
    call: async (req, { caseId, period, allocationId, amount }) => {
      const entry = await caseOf(caseId);
      return {
        contract: "funds",
        method: "pay",
        subject: caseId,
        // A payout names no record on the ledger: the payment-file index ties the two.
        args: () => [BigInt(allocationId), caseId, period, BigInt(amount)],
        record: paymentFileRecord({ caseId, jurisdiction: entry.jurisdiction }, { period, allocationId, programme: entry.programme, lines: [{ caseId, amount }], startedBy: req.officer! }),
        extraState: (outbox, record) => ({ [paymentFileKey(caseId, period)]: { recordId: record.recordId, outbox } satisfies PaymentFileEntry }),
      };
    },
  });

  signedCallRoutes(router, "/reversals", ctx, signIn, {
    schema: reversalRequest,
    role: "FINANCE_OFFICER",
    // Over the funds credited, as the ledger checks it: the allocation the payout drew from.
    jurisdictionOf: async (req) => {
      const [, allocationId] = await ctx.chain.funds.payout(req.body.caseId, req.body.period);
      return allocationId === 0n ? (await caseOf(req.body.caseId)).jurisdiction : (await ctx.chain.funds.allocation(allocationId)).jurisdiction;
    },
    call: async (req, { caseId, period, reason }) => {
      const entry = await caseOf(caseId);
      // The ledger reverses only the payout as it recorded it: from its allocation, its whole amount.
      const [, allocationId, amount] = await ctx.chain.funds.payout(caseId, period);
      const file = await ctx.state.get<PaymentFileEntry>(paymentFileKey(caseId, period));
      return {
        contract: "funds",
        method: "reversePayout",
        subject: caseId,
        args: (hash) => [allocationId, caseId, period, amount, hash],
        record: documentRecord(PAYOUT_REVERSAL, entry, { period, allocationId: allocationId.toString(), amount: amount.toString(), paymentFile: file?.recordId ?? null, reversedBy: req.officer }, { reason }),
      };
    },
  });

  // Appropriations, allocations and settlements are the officers' own ledger steps (see SignedCall).
  // An appropriation takes two finance officers: one proposes it, another approves the same terms.
  signedCallRoutes(router, "/appropriations", ctx, signIn, {
    schema: appropriationRequest,
    role: "FINANCE_OFFICER",
    jurisdictionOf: (req) => req.body.jurisdiction,
    creates: { event: "AppropriationProposed", id: "proposalId" },
    call: (req, body) => ({
      contract: "funds",
      method: "proposeAppropriation",
      subject: `appropriation:${body.jurisdiction}`,
      args: (hash) => [PROGRAMMES[body.programme], body.fiscalYear, BigInt(body.jurisdiction), BigInt(body.amount), hash],
      record: documentRecord(APPROPRIATION, body, { ...body, proposedBy: req.officer }),
    }),
  });
  const proposal = async (proposalId: string): Promise<AppropriationProposal> => {
    const found = (await appropriationProposals(ctx.indexer)).find((p) => p.proposalId === proposalId);
    if (!found) {
      throw new AidtrailError("APPROPRIATION_PROPOSAL_NOT_FOUND", `no appropriation was proposed as ${proposalId} on the ledger`, {
        field: "proposalId",
        hint: "GET /v1/appropriations/proposals lists those waiting for a second officer",
      });
    }
    return found;
  };
  signedCallRoutes(router, "/appropriations/:proposalId/approval", ctx, signIn, {
    schema: appropriationApprovalRequest,
    role: "FINANCE_OFFICER",
    jurisdictionOf: (req) => req.body.jurisdiction,
    creates: { event: "AppropriationMade", id: "allocationId" },
    call: async (req, body) => {
      const proposalId = String(req.params.proposalId);
      if (!/^[1-9]\d{0,18}$/.test(proposalId)) throw new RequestError("REQUEST_INVALID", "the proposal id must be a whole number", 400, { field: "proposalId" });
      // The purpose is the maker's record, which the checker names by its hash as proposed; the other terms are the checker's own entry.
      const { purposeHash } = await proposal(proposalId);
      return {
        contract: "funds",
        method: "approveAppropriation",
        subject: `appropriation:${body.jurisdiction}`,
        args: () => [BigInt(proposalId), PROGRAMMES[body.programme], body.fiscalYear, BigInt(body.jurisdiction), BigInt(body.amount), purposeHash],
        record: documentRecord(APPROPRIATION_APPROVAL, body, { proposalId, ...body, purposeHash, approvedBy: req.officer }),
      };
    },
  });
  // Every budget line and allocation on the line of this gateway's county (above it, it, beneath it), as the ledger holds them now.
  router.get("/allocations", signedIn(signIn), authorize(ctx.roles, ["FINANCE_OFFICER", "AUDITOR"], () => ctx.jurisdiction), async (_req, res) => {
    res.json({ allocations: await allocationsOnLine(ctx.chain, ctx.jurisdiction) });
  });
  router.get("/appropriations/proposals", signedIn(signIn), authorize(ctx.roles, ["FINANCE_OFFICER", "AUDITOR"], () => ctx.jurisdiction), async (_req, res) => {
    res.json({ proposals: await appropriationProposals(ctx.indexer) });
  });
  signedCallRoutes(router, "/allocations", ctx, signIn, {
    schema: allocationRequest,
    role: "FINANCE_OFFICER",
    creates: { event: "AllocationMade", id: "allocationId" },
    // The ledger checks the role where the parent's funds are.
    jurisdictionOf: async (req) => (await ctx.chain.funds.allocation(req.body.parentId)).jurisdiction,
    call: (req, body) => ({
      contract: "funds",
      method: "allocate",
      subject: `allocation:${body.parentId}`,
      args: (hash) => [BigInt(body.parentId), BigInt(body.jurisdiction), BigInt(body.amount), hash],
      record: documentRecord(ALLOCATION, body, { ...body, madeBy: req.officer }),
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
      args: (hash) => [body.period, body.settlements.map(({ caseId }) => ({ caseId, evidenceHash: hash }))],
      record: settlementRecord({ caseId: body.settlements.length === 1 ? body.settlements[0]!.caseId : null, jurisdiction: ctx.jurisdiction }, body.period, body.settlements, req.officer!),
    }),
  });

  // What the bank's return file is matched against: the month's payouts not yet confirmed.
  router.get("/settlements/outstanding", signedIn(signIn), authorize(ctx.roles, ["SETTLEMENT_AGENT", "FINANCE_OFFICER", "AUDITOR"], () => ctx.jurisdiction), async (req, res) => {
    const period = Number(req.query.period);
    if (!(Number.isInteger(period) && (period === 0 || isPeriod(period)))) throw new RequestError("REQUEST_INVALID", "period must be a month, YYYYMM, or 0 for one-off payments", 400, { field: "period" });
    await ctx.indexer.catchUp().catch(() => undefined);
    res.json({ period, payouts: await outstandingPayouts(ctx, period), asOfBlock: await ctx.indexer.indexedTo() });
  });

  router.get("/payout-runs/:runId", signedIn(signIn), authorize(ctx.roles, ["FINANCE_OFFICER", "AUDITOR"], () => ctx.jurisdiction), async (req, res) => {
    res.json(await payoutRunProgress(ctx, req.params.runId as string));
  });
  return router;
}
