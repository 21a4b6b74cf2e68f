import { once } from "node:events";
import { Router } from "express";
import type { RecordLog } from "../../log/record-log.ts";
import type { StateStore } from "../../state/state-store.ts";
import { backupLines } from "../../sync/backup.ts";
import { operatorToken } from "../operator-token.ts";

/**
 * The operator's backup of the gateway's data folder, taken while it serves (server/sync/backup.ts):
 * streamed as it is read, so that a large log never sits in memory; its personal fields sealed.
 */
export function adminRouter(ctx: { log: RecordLog; state: StateStore; jurisdiction: string }, token: string | undefined): Router {
  const router = Router();
  router.get("/admin/backup", operatorToken(token, "BACKUP", "AIDTRAIL_BACKUP_TOKEN", "GET /v1/admin/backup"), async (_req, res) => {
    const takenAt = new Date();
    res.type("application/x-ndjson").set("cache-control", "no-store").attachment(`aidtrail-backup-${ctx.jurisdiction}-${takenAt.toISOString().replaceAll(":", "")}.jsonl`);
    for await (const line of backupLines(ctx.log, ctx.state, ctx.jurisdiction, takenAt)) {
      if (!res.write(line)) await once(res, "drain");
    }
    res.end();
  });
  return router;
}
