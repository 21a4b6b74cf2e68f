import { Router } from "express";
import { hexlify } from "ethers";
import type { RecordLog } from "../../log/record-log.ts";
import { RequestError } from "../errors.ts";

/**
 * Proofs anyone may ask for: they reveal hashes only, never a record's content, its salt or a
 * person. An auditor checks them with aidtrail/verify against the roots anchored on chain.
 */
export function proofsRouter(log: RecordLog): Router {
  const router = Router();
  router.get("/proofs/records/:recordId", async (req, res) => {
    const found = await log.proofs(req.params.recordId as string);
    res.json({ ...found, revisions: found.revisions.map((revision) => ({ ...revision, anchored: revision.proof !== null })) });
  });
  router.get("/log/checkpoints/latest", async (_req, res) => {
    const checkpoint = await log.latestAnchored();
    if (!checkpoint) throw new RequestError("CHECKPOINT_NOT_FOUND", "no checkpoint of this log is anchored yet", 404, { hint: "the anchorer anchors within its interval; try again shortly" });
    res.json({ ...checkpoint, pending: log.size - checkpoint.treeSize });
  });
  router.get("/log/consistency", async (req, res) => {
    const from = Number(req.query.from);
    const to = req.query.to === undefined ? (await log.latestAnchored())?.treeSize ?? log.size : Number(req.query.to);
    if (!Number.isSafeInteger(from)) throw new RequestError("REQUEST_INVALID", "from must be a tree size", 400, { field: "from" });
    res.json({ from, to, proof: (await log.consistencyProof(from, to)).map(hexlify) });
  });
  return router;
}
