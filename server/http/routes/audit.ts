import { Router } from "express";
import type { SignIn } from "../../auth/sign-in.ts";
import { caseTrail } from "../../audit/trail.ts";
import { allocationFlow } from "../../audit/flow.ts";
import type { ChainClient } from "../../chain/client.ts";
import { caseEntryOf } from "../../cases/intake.ts";
import type { RecordLog } from "../../log/record-log.ts";
import type { StateStore } from "../../state/state-store.ts";
import { RequestError } from "../errors.ts";
import { authorize, signedIn, type LedgerAccess } from "../officers.ts";

export interface AuditContext {
  chain: ChainClient;
  roles: LedgerAccess;
  log: RecordLog;
  state: StateStore;
}

export function auditRouter(ctx: AuditContext, signIn: SignIn): Router {
  const router = Router();
  router.get(
    "/audit/cases/:caseId/trail",
    signedIn(signIn),
    authorize(ctx.roles, ["AUDITOR", "APPROVER", "CASEWORKER"], async (req) => {
      return (await caseEntryOf(ctx.state, req.params.caseId as string)).jurisdiction;
    }),
    async (req, res) => {
      res.json(await caseTrail(ctx.chain, ctx.log, req.params.caseId as string));
    },
  );
  router.get(
    "/audit/allocations/:allocationId/flow",
    signedIn(signIn),
    authorize(ctx.roles, ["AUDITOR", "FINANCE_OFFICER"], async (req) => {
      if (!/^[1-9]\d*$/.test(String(req.params.allocationId))) {
        throw new RequestError("REQUEST_INVALID", "the allocation id must be a whole number", 400, { field: "allocationId" });
      }
      return (await ctx.chain.funds.allocation(BigInt(req.params.allocationId as string))).jurisdiction;
    }),
    async (req, res) => {
      res.json(await allocationFlow(ctx.chain, BigInt(req.params.allocationId as string)));
    },
  );
  return router;
}
