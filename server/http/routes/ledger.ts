import { Router } from "express";
import type { ChainClient } from "../../chain/client.ts";
import { periodAt } from "../../funds/periods.ts";
import type { Division } from "../../chain/domain.ts";
import type { Deployment } from "../../chain/deploy.ts";

/**
 * The ledger's clock, public: every payout is for a month not after the chain's current one (China
 * Standard Time) and in its allocation's fiscal year, so an officer planning a run, and anyone
 * checking one, needs the month and year by the chain's clock, not by their own.
 */
export function ledgerRouter(chain: ChainClient, divisions: readonly Division[], deployment: Deployment): Router {
  const router = Router();
  // The deployment this gateway relays to, public: an officer's page keeps it the first time and holds every later draft to it, unless the officer opened the deployment file their province gave them.
  const relaysTo = JSON.stringify({ chainId: deployment.chainId, suite: deployment.suite, contracts: deployment.contracts });
  router.get("/deployment", (_req, res) => {
    res.type("json").send(relaysTo);
  });
  // The divisions' names, public: the ledger knows a division by its code; people by its name.
  const named = JSON.stringify({ divisions });
  router.get("/divisions", (_req, res) => {
    res.type("json").send(named);
  });
  router.get("/ledger/clock", async (_req, res) => {
    const timestamp = await chain.now();
    const period = periodAt(timestamp);
    res.json({ time: new Date(timestamp * 1000).toISOString(), timestamp, period, fiscalYear: Math.floor(period / 100) });
  });
  return router;
}
