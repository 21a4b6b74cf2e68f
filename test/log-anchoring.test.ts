import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexlify, id } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordLog } from "../server/log/record-log.ts";
import { keyringFrom } from "../server/records/envelope.ts";
import { newRecord } from "../server/records/record.ts";
import { verifyRecord } from "../kit/index.ts";
import { expectRevert } from "./helpers/expect-revert.ts";
import { buildWorld, type World } from "./helpers/world.ts";

// The record log and the anchor contract together: what the gateway's anchorer will do.
const LOG_ID = id("gateway 440105 records");
let w: World;
let log: RecordLog;

beforeAll(async () => {
  w = await buildWorld();
  await w.registerLog(LOG_ID);
  log = await RecordLog.open(mkdtempSync(join(tmpdir(), "aidtrail-anchoring-")), {
    logId: LOG_ID,
    keyring: keyringFrom({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }, "standard"),
  });
});
afterAll(async () => log.close());

const records = (n: number) =>
  Array.from({ length: n }, (_, i) => newRecord({ kind: "payment-file", jurisdiction: "440105000000", public: { line: i }, personal: { account: `6222${i}` } }, "standard"));

async function anchorLatest() {
  const anchor = w.contracts.anchor.connect(w.who.logOperator);
  const head = await w.contracts.anchor.head(LOG_ID);
  const checkpoint = await log.signCheckpoint(w.who.logOperator);
  const proof = (await log.consistencyProof(Number(head.treeSize), checkpoint.treeSize)).map(hexlify);
  const receipt = await (await anchor.anchor(LOG_ID, checkpoint.treeSize, checkpoint.root, proof)).wait();
  await log.recordAnchoring(checkpoint.treeSize, {
    chainId: Number(w.chainId),
    anchor: await w.contracts.anchor.getAddress(),
    transactionHash: receipt!.hash,
    blockNumber: receipt!.blockNumber,
  });
  return checkpoint;
}

describe("anchoring the record log on chain", () => {
  it("anchors successive checkpoints with the log's own consistency proofs, and the chain checks its inclusion proofs", async () => {
    const first = records(7);
    await log.append(first);
    await anchorLatest();
    await log.append(records(50));
    await log.append(records(13));
    const checkpoint = await anchorLatest();
    expect(checkpoint.treeSize).toBe(70);
    expect((await w.contracts.anchor.head(LOG_ID)).root).toBe(checkpoint.root);

    const found = await log.lookup(first[3]!.recordId, { decrypt: true });
    const revision = found.revisions[0]!;
    expect(await w.contracts.anchor.verifyInclusion(LOG_ID, 70, revision.leafIndex, revision.leafHash, revision.proof!)).toBe(true);

    const anchoredEvents = await w.contracts.anchor.queryFilter(w.contracts.anchor.filters.CheckpointAnchored(LOG_ID));
    const anchored = new Map(anchoredEvents.map((e) => [Number(e.args.treeSize), e.args.root]));
    const verdict = verifyRecord({ ...revision, record: revision.record, proof: revision.proof!, checkpoint: found.checkpoint!, expectedSigner: w.who.logOperator.address, anchored });
    expect(verdict.failures).toEqual([]);
  });

  it("cannot anchor a rewritten log: the chain refuses a root that does not extend the anchored one", async () => {
    const forked = await RecordLog.open(mkdtempSync(join(tmpdir(), "aidtrail-forked-")), {
      logId: LOG_ID,
      keyring: keyringFrom({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }, "standard"),
    });
    await forked.append(records(80));
    const head = await w.contracts.anchor.head(LOG_ID);
    const proof = (await forked.consistencyProof(Number(head.treeSize), 80)).map(hexlify);
    await expectRevert(
      w.contracts.anchor.connect(w.who.logOperator).anchor(LOG_ID, 80, hexlify(await forked.root()), proof),
      "CheckpointInconsistent",
      [LOG_ID, head.treeSize, 80],
    );
    await forked.close();
  });
});
