import { join } from "node:path";
import { getBytes, Transaction, Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Programme, Stage } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { killProcess as kill, startGatewayProcess } from "./helpers/gateway-process.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";
import { signedApplication } from "./helpers/application.ts";
import { signInAt } from "./helpers/sign-in.ts";
import { RecordLog } from "../server/log/record-log.ts";
import { loadConfig } from "../server/config.ts";
import { verifyInclusion } from "../kit/index.ts";
import type { PayoutRun } from "../server/funds/payout-run.ts";
import type { OutboxEntry } from "../server/sync/outbox.ts";
import { StateStore } from "../server/state/state-store.ts";

const CASES = 30;
let local: Awaited<ReturnType<typeof localGateway>>;
let caseIds: string[] = [];
let period: number;
let allocationId: string;

beforeAll(async () => {
  local = await localGateway();
  await local.settingUp(setUp);
}, 180_000);

/** Cases taken in, decided and active, and a budget for the month, by the gateway; then it stops. */
async function setUp() {
  const { access, cases } = local.contracts;
  const reviewer = Wallet.createRandom();
  const approver = Wallet.createRandom();
  await (await access.grantScopedRole(roleId("REVIEWER"), reviewer.address, BigInt(TOWNSHIP))).wait();
  await (await access.grantScopedRole(roleId("APPROVER"), approver.address, BigInt(COUNTY))).wait();
  await (await access.grantScopedRole(roleId("FINANCE_OFFICER"), new Wallet(DEV_KEYS.governance).address, 0n)).wait();
  await (await cases.setThreshold(BigInt(COUNTY), Programme.Dibao, Stage.Approval, 1)).wait();

  const ids = Array.from({ length: CASES }, (_, i) => residentId(i));
  caseIds = [];
  for (const id of ids) caseIds.push(await local.takeIn(id));
  const url = local.gateway.url;
  const decide = async (caseId: string, who: typeof reviewer, query: string) => {
    const token = await signInAt(url, who.privateKey);
    const { body } = await request(url).get(`/v1/cases/${caseId}/decision-request${query}`).set("authorization", token).expect(200);
    const signature = await who.signTypedData(body.domain, body.types, body.message);
    await request(url).post(`/v1/cases/${caseId}/decisions`).set("authorization", token).send({ decision: body.message, signatures: [{ signer: who.address, signature }] }).expect(201);
  };
  for (const caseId of caseIds) {
    await decide(caseId, reviewer, "");
    await decide(caseId, approver, "?amount=100000&householdSize=2");
  }
  await local.advance(8 * 24 * 3600);
  for (const caseId of caseIds) expect((await local.signedStep(`/v1/cases/${caseId}/activate`, {}, DEV_KEYS.caseworker)).status).toBe(201);
  // The month and the budget by the chain's clock, which the notice period moved on.
  period = await local.currentPeriod();
  allocationId = await local.appropriate(Programme.Dibao, Math.floor(period / 100), 100_000_000n);
  await local.stopGateway();
}
afterAll(async () => local?.close());

describe("a gateway killed in the middle of a payout run", () => {
  it("loses nothing and pays no case twice: the restarted gateway completes the run", async () => {
    const first = await startGatewayProcess(local.env);
    const token = await signInAt(first.url, DEV_KEYS.finance);
    const fields = { programme: "dibao", period, allocationId, batchSize: 3 };
    // The finance officer signs the run's ten payBatch transactions, then the gateway relays them.
    const { body: drafted } = await request(first.url).post("/v1/payout-runs/draft").set("authorization", token).send(fields).expect(200);
    const finance = new Wallet(DEV_KEYS.finance);
    const signedTransactions = await Promise.all(drafted.batches.map((b: { transaction: object }) => finance.signTransaction(b.transaction)));
    const started = request(first.url).post("/v1/payout-runs").set("authorization", token).send({ ...fields, draft: drafted.draft, signedTransactions }).then(
      (r) => r.status,
      () => "cut off",
    );
    // Killed as soon as the first batch is on the ledger: the rest are owed, sent by nobody yet.
    const paidSoFar = async () => (await local.contracts.funds.queryFilter(local.contracts.funds.filters.PayoutMade())).length;
    while ((await paidSoFar()) === 0) await new Promise((r) => setTimeout(r, 5));
    await kill(first.child);
    expect(await started).toBe("cut off");
    expect(await paidSoFar()).toBeLessThan(CASES);

    const second = await startGatewayProcess(local.env);
    try {
      // The restarted relayer sends whatever the dead one owed, as the officer signed it; give it a
      // few rounds (a minute's worth of blocks on a chain that mines every two seconds).
      const paidCounts = async () => Promise.all(caseIds.map(async (caseId) => (await local.contracts.funds.queryFilter(local.contracts.funds.filters.PayoutMade(caseId))).filter((e) => Number(e.args.period) === period).length));
      let counts = await paidCounts();
      for (let i = 0; i < 240 && counts.some((c) => c === 0); i++) {
        await new Promise((r) => setTimeout(r, 250));
        counts = await paidCounts();
      }
      expect(counts).toEqual(caseIds.map(() => 1));
      // A second run of the month finds nothing left to pay.
      const again = await request(second.url).post("/v1/payout-runs/draft").set("authorization", await signInAt(second.url, DEV_KEYS.finance)).send({ programme: "dibao", period, allocationId });
      expect([again.status, again.body.error?.code]).toEqual([400, "PAYOUT_RUN_EMPTY"]);
      expect((await local.contracts.funds.allocation(allocationId)).paid).toBe(BigInt(CASES) * 100_000n);
      expect((await request(second.url).get("/readyz").expect(200)).body.ready).toBe(true);
      // The run's progress, as the finance officer follows it, comes to every line paid once the
      // relayer has seen the last batch's receipt (a block or two after it is mined).
      const progress = async () => (await request(second.url).get(`/v1/payout-runs/${drafted.draft.runId}`).set("authorization", await signInAt(second.url, DEV_KEYS.finance)).expect(200)).body.progress.paid;
      let paid = await progress();
      for (let i = 0; i < 60 && paid < CASES; i++) {
        await new Promise((r) => setTimeout(r, 250));
        paid = await progress();
      }
      expect(paid).toBe(CASES);
    } finally {
      await kill(second.child);
    }
    // The run reports every batch paid, each by the officer's transaction that paid it: a batch
    // mined just before the kill was found on the ledger, not refused as paid already when sent again.
    const state = await StateStore.open(join(local.env.AIDTRAIL_DATA, "state"));
    try {
      const [[, run]] = await state.list<PayoutRun>("run:");
      const payingTransactions = new Set((await local.contracts.funds.queryFilter(local.contracts.funds.filters.PayoutMade())).map((e) => e.transactionHash));
      const batches = await Promise.all(run!.batches.map(async (b) => (await state.get<OutboxEntry>(b.outbox))!));
      expect(batches.map((b) => b.state)).toEqual(run!.batches.map(() => "done"));
      for (const batch of batches) expect(payingTransactions.has(batch.transactionHash!)).toBe(true);
      expect(batches.map((b) => b.transactionHash)).toEqual(signedTransactions.map((raw) => Transaction.from(raw).hash));
      expect(await state.list("sent:")).toEqual([]);
    } finally {
      await state.close();
    }
  }, 120_000);
});

describe("a gateway killed in the middle of an anchoring", () => {
  /** A new applicant through the gateway: her application record's id. */
  const takeIn = async (url: string, n: number) => {
    const fields = { programme: "dibao" as const, area: "urban" as const, jurisdiction: TOWNSHIP, applicant: { name: "申请人", residentId: residentId(n, "19910101") }, household: [], monthlyIncome: 0, documents: [] };
    const deadline = BigInt((await local.provider.getBlock("latest"))!.timestamp + 3600);
    const body = await signedApplication(fields, new Wallet(DEV_KEYS.caseworker), local, deadline);
    const response = await request(url).post("/v1/cases").set("authorization", await signInAt(url, DEV_KEYS.caseworker)).send(body).expect(201);
    return response.body.recordId as string;
  };
  const until = async <T>(what: string, probe: () => Promise<T | undefined>): Promise<T> => {
    for (let i = 0; i < 200; i++) {
      const found = await probe();
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`gave up waiting for ${what}`);
  };

  it("finds on restart the checkpoint its dead run put on chain, notes it, anchors on from it, and every record still proves", async () => {
    const { provider, deployment, contracts } = local;
    const anchor = contracts.anchor;
    const env = { ...local.env, AIDTRAIL_ANCHOR_INTERVAL_MS: "200" };
    // Blocks are mined only when the test says: the anchoring transaction waits in the pool.
    await local.mineWhenTold();
    const first = await startGatewayProcess(env);
    const before = await takeIn(first.url, 1);
    const sent = await until("the anchoring transaction", async () => {
      const pending = (await provider.send("eth_getBlockByNumber", ["pending", true])) as { transactions: { hash: string; to: string }[] };
      return pending.transactions.find((tx) => tx.to?.toLowerCase() === deployment.contracts.logAnchor.toLowerCase())?.hash;
    });
    await kill(first.child);
    await provider.send("evm_mine", []);
    await local.mineAsUsual();

    // The chain holds a checkpoint the dead gateway never noted as anchored.
    const config = loadConfig(env);
    const log = await RecordLog.open(join(config.dataDir, "records"), { logId: config.logId, keyring: config.keyring });
    const head = await anchor.head(log.logId);
    const noted = (await log.latestAnchored())?.treeSize ?? 0;
    expect((await provider.getTransactionReceipt(sent))?.status).toBe(1);
    expect(Number(head.treeSize)).toBeGreaterThan(noted);
    await log.close();

    const second = await startGatewayProcess(env);
    try {
      const reconciled = await until("the restarted gateway to note the anchoring", async () => {
        const { body } = await request(second.url).get("/v1/log/checkpoints/latest");
        return body.treeSize >= Number(head.treeSize) ? body : undefined;
      });
      expect(reconciled.treeSize).toBe(Number(head.treeSize));
      expect(reconciled.anchoring.transactionHash).toBe(sent);

      // Anchoring goes on from there: the chain takes the next checkpoint only if it extends the last.
      const after = await takeIn(second.url, 2);
      const latest = await until("the next anchoring", async () => {
        const { body } = await request(second.url).get("/v1/log/checkpoints/latest");
        return body.treeSize > Number(head.treeSize) && body.pending === 0 ? body : undefined;
      });
      expect(Number((await anchor.head(latest.logId)).treeSize)).toBe(latest.treeSize);
      for (const recordId of [before, after]) {
        const { body } = await request(second.url).get(`/v1/proofs/records/${recordId}`).expect(200);
        const [revision] = body.revisions;
        expect(body.checkpoint.treeSize).toBe(latest.treeSize);
        expect(verifyInclusion(getBytes(revision.leafHash), revision.leafIndex, latest.treeSize, revision.proof.map(getBytes), getBytes(latest.root)), recordId).toBe(true);
      }
      expect((await request(second.url).get("/readyz").expect(200)).body.checks.log).toBe("ok");
    } finally {
      await kill(second.child);
    }
  }, 120_000);
});
