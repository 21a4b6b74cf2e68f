import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hexlify, id, JsonRpcProvider, Wallet, type Signer } from "ethers";
import { pino } from "pino";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { LogAnchor__factory } from "../types/ethers-contracts/index.js";
import { Anchorer } from "../server/sync/anchorer.ts";
import { RecordLog } from "../server/log/record-log.ts";
import { keyringFrom } from "../server/records/envelope.ts";
import { newRecord } from "../server/records/record.ts";
import { buildWorld, type World } from "./helpers/world.ts";

let w: World;
let restore: () => Promise<void>;
const keyring = keyringFrom({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }, "standard");
const logger = pino({ enabled: false });
const options = { intervalMs: 60_000, batchSize: 10, logger };

beforeAll(async () => {
  w = await buildWorld();
  restore = await w.snapshot();
});
beforeEach(async () => restore());

/** A log of county A, registered by governance as it is before a gateway anchors it. */
async function freshLog(logId = id(`log ${Math.random()}`)) {
  if (!(await w.contracts.anchor.head(logId)).registered) await w.registerLog(logId);
  return RecordLog.open(mkdtempSync(join(tmpdir(), "aidtrail-anchorer-")), { logId, keyring });
}
const records = (n: number) => Array.from({ length: n }, (_, i) => newRecord({ kind: "access-log", jurisdiction: "440105000000", public: { i } }, "standard"));
const operatorAnchor = () => w.contracts.anchor.connect(w.who.logOperator);
/** Sends as the gateway's ChainClient does, from the log operator's account. */
const operatorSends = (signer: Signer = w.who.logOperator) => ({
  async transact(call: { to: string; data: string }) {
    const receipt = (await (await signer.sendTransaction(call)).wait())!;
    return { hash: receipt.hash, blockNumber: receipt.blockNumber, status: receipt.status!, from: receipt.from };
  },
});

describe("anchorer", () => {
  it("anchors what waits, with consistency proofs from the last anchor, and nothing when nothing waits", async () => {
    const log = await freshLog();
    const anchorer = new Anchorer(log, operatorAnchor(), operatorSends(), w.who.logOperator, options);
    expect(await anchorer.anchorOnce()).toBeNull();
    await log.append(records(6));
    expect((await anchorer.anchorOnce())?.treeSize).toBe(6);
    await log.append(records(9));
    const second = await anchorer.anchorOnce();
    expect(second).toMatchObject({ treeSize: 15, anchoring: { chainId: Number(w.chainId) } });
    expect((await w.contracts.anchor.head(log.logId)).root).toBe(second!.root);
    expect(await anchorer.pending()).toBe(0);
    expect(await anchorer.anchorOnce()).toBeNull();
    await log.close();
  });

  it("anchors at once when a batch's worth of records waits", async () => {
    const log = await freshLog();
    const anchorer = new Anchorer(log, operatorAnchor(), operatorSends(), w.who.logOperator, options);
    await log.append(records(9));
    await anchorer.notify();
    expect(Number((await w.contracts.anchor.head(log.logId)).treeSize)).toBe(0);
    await log.append(records(1));
    await anchorer.notify();
    await anchorer.anchorOnce();
    expect(Number((await w.contracts.anchor.head(log.logId)).treeSize)).toBe(10);
    await log.close();
  });

  it("after a crash between anchoring and noting it, takes the anchor from the chain and goes on", async () => {
    const log = await freshLog();
    await log.append(records(5));
    const checkpoint = await log.signCheckpoint(w.who.logOperator);
    await (await operatorAnchor().anchor(log.logId, 5, checkpoint.root, [])).wait();
    expect(await log.latestAnchored()).toBeNull();

    await log.append(records(3));
    const anchorer = new Anchorer(log, operatorAnchor(), operatorSends(), w.who.logOperator, options);
    expect((await anchorer.anchorOnce())?.treeSize).toBe(8);
    expect((await log.checkpointAt(5))?.anchoring?.blockNumber).toBeGreaterThan(0);
    await log.close();
  });

  it("fails clearly while the chain is unreachable, never blocking intake, and catches up when it returns", async () => {
    const log = await freshLog();
    const dead = new JsonRpcProvider("http://127.0.0.1:9", undefined, { staticNetwork: true });
    const unreachable = new Wallet(hexlify(randomBytes(32)), dead);
    const offline = new Anchorer(log, LogAnchor__factory.connect(await w.contracts.anchor.getAddress(), unreachable), operatorSends(unreachable), w.who.logOperator, options);
    await log.append(records(4));
    await expect(offline.anchorOnce()).rejects.toThrow();
    await log.append(records(4));
    expect(log.size).toBe(8);
    dead.destroy();
    const online = new Anchorer(log, operatorAnchor(), operatorSends(), w.who.logOperator, options);
    expect((await online.anchorOnce())?.treeSize).toBe(8);
    await log.close();
  });

  it("stops when the chain anchors a history this log does not have", async () => {
    const logId = id("shared log id");
    const first = await freshLog(logId);
    await first.append(records(4));
    await new Anchorer(first, operatorAnchor(), operatorSends(), w.who.logOperator, options).anchorOnce();
    const other = await freshLog(logId);
    await other.append(records(6));
    await expect(new Anchorer(other, operatorAnchor(), operatorSends(), w.who.logOperator, options).anchorOnce()).rejects.toMatchObject({ code: "LOG_DIVERGED" });
    await first.close();
    await other.close();
  });
});
