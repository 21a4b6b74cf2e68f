import { Router } from "express";
import type { SignIn } from "../../auth/sign-in.ts";
import { caseTrail } from "../../audit/trail.ts";
import { allocationFlow } from "../../audit/flow.ts";
import { exportBundle } from "../../audit/export.ts";
import type { Deployment } from "../../chain/deploy.ts";
import type { ChainClient } from "../../chain/client.ts";
import type { Indexer } from "../../sync/indexer.ts";
import type { Anchorer } from "../../sync/anchorer.ts";
import { caseEntryOf, caseJurisdiction, OVER_THE_CASE } from "../../cases/intake.ts";
import type { RecordLog } from "../../log/record-log.ts";
import type { StateStore } from "../../state/state-store.ts";
import { RequestError } from "../errors.ts";
import { allocationId } from "../schemas.ts";
import { authorize, signedIn, type LedgerAccess } from "../officers.ts";

export interface AuditContext {
  chain: ChainClient;
  /** Trails and flows are read from its events, not from the chain per request. */
  indexer: Indexer;
  roles: LedgerAccess;
  log: RecordLog;
  state: StateStore;
  deployment: Deployment;
  /** The division this gateway serves: exports default to it. */
  jurisdiction: string;
  /** An export up to now anchors what waits first, so that it leaves out no record logged before it. */
  anchorer: Pick<Anchorer, "anchorOnce">;
}

/** How long an export waits for the anchorer before it cuts the range at what is anchored already. */
const EXPORT_ANCHOR_WAIT_MS = 30_000;

/** `from` and `to` of an export: ISO 8601 times, either may be left out. */
function timeParam(value: unknown, field: string): Date | undefined {
  if (value === undefined) return undefined;
  const time = new Date(String(value));
  if (Number.isNaN(time.getTime())) throw new RequestError("REQUEST_INVALID", `${field} must be an ISO 8601 time, such as 2026-11-01T00:00:00Z`, 400, { field });
  return time;
}

export function auditRouter(ctx: AuditContext, signIn: SignIn): Router {
  const router = Router();
  router.get(
    "/audit/cases/:caseId/trail",
    signedIn(signIn),
    authorize(ctx.roles, ["AUDITOR", "APPROVER", "CASEWORKER"], (req) => caseJurisdiction(ctx.state, req.params.caseId as string, ctx.jurisdiction), OVER_THE_CASE),
    async (req, res) => {
      const { caseId } = await caseEntryOf(ctx.state, req.params.caseId as string);
      res.json(await caseTrail(ctx.indexer, ctx.log, ctx.state, caseId));
    },
  );
  router.get(
    "/audit/allocations/:allocationId/flow",
    signedIn(signIn),
    authorize(ctx.roles, ["AUDITOR", "FINANCE_OFFICER"], async (req) => {
      if (!allocationId.safeParse(req.params.allocationId).success) {
        throw new RequestError("REQUEST_INVALID", "the allocation id must be a whole number below 2^24", 400, { field: "allocationId" });
      }
      return (await ctx.chain.funds.allocation(BigInt(req.params.allocationId as string))).jurisdiction;
    }),
    async (req, res) => {
      res.json(await allocationFlow(ctx.chain, ctx.indexer, BigInt(req.params.allocationId as string)));
    },
  );
  router.get(
    "/audit/export",
    signedIn(signIn),
    authorize(ctx.roles, "AUDITOR", (req) => {
      const jurisdiction = String(req.query.jurisdiction ?? ctx.jurisdiction);
      if (!/^\d{12}$/.test(jurisdiction)) throw new RequestError("REQUEST_INVALID", "jurisdiction must be a 12-digit division code", 400, { field: "jurisdiction" });
      return jurisdiction;
    }),
    async (req, res) => {
      const to = timeParam(req.query.to, "to");
      // Up to now: what was logged up to the request is anchored first (a chain that does not
      // answer in time leaves it out, and the bundle says which records it left out and why).
      if (!to) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([ctx.anchorer.anchorOnce().catch(() => null), new Promise((resolve) => (timer = setTimeout(resolve, EXPORT_ANCHOR_WAIT_MS)))]);
        clearTimeout(timer);
      }
      const bundle = await exportBundle(ctx.log, ctx.deployment, {
        jurisdiction: String(req.query.jurisdiction ?? ctx.jurisdiction),
        from: timeParam(req.query.from, "from"),
        to,
        auditor: req.officer!,
        at: new Date(ctx.chain.clock.now()),
      });
      res.attachment(`aidtrail-audit-${bundle.jurisdiction}-${bundle.range.start}-${bundle.range.end}.json`).json(bundle);
    },
  );
  return router;
}
