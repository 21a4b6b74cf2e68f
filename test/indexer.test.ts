import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { roleId } from "../server/chain/roles.ts";
import { Indexer } from "../server/sync/indexer.ts";
import { StateStore } from "../server/state/state-store.ts";
import { COUNTY, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let state: StateStore;
const officer = () => new Wallet(Wallet.createRandom().privateKey);
const officers = { reviewer: officer(), approvers: [officer(), officer()] };

/** The chain's own answer: every event of the case registry and the fund ledger about `caseId`. */
async function onChain(caseId: string) {
  const { cases, funds } = local.contracts;
  const all = [...(await cases.queryFilter("*" as never)), ...(await funds.queryFilter("*" as never))] as unknown as { eventName: string; args: { caseId?: string }; blockNumber: number; index: number }[];
  return all
    .filter((e) => e.args?.caseId === caseId)
    .map((e) => `${e.blockNumber}/${e.index} ${e.eventName}`)
    .sort();
}
const indexed = async (indexer: Indexer, caseId: string) => (await indexer.caseEvents(caseId)).map((e) => `${e.blockNumber}/${e.logIndex} ${e.name}`).sort();

beforeAll(async () => {
  local = await localGateway();
  const { access } = local.contracts;
  await (await access.grantScopedRole(roleId("REVIEWER"), officers.reviewer.address, BigInt(TOWNSHIP))).wait();
  for (const a of officers.approvers) await (await access.grantScopedRole(roleId("APPROVER"), a.address, BigInt(COUNTY))).wait();
  state = await StateStore.open(mkdtempSync(join(tmpdir(), "aidtrail-index-")));
}, 120_000);
afterAll(async () => {
  await state?.close();
  await local?.close();
});

describe("the ledger indexer", () => {
  it("keeps every event of a case, as the chain has it, and resumes after an outage and a restart without gaps or duplicates", async () => {
    const quiet = pino({ enabled: false });
    const first = new Indexer(state, local.gateway.chain, local.deployment.deploymentBlock, quiet);
    const caseId = await local.takeIn(residentId(1));
    await first.catchUp();
    expect(await indexed(first, caseId)).toEqual(await onChain(caseId));
    expect((await first.caseEvents(caseId))[0]).toMatchObject({ name: "CaseSubmitted", args: { caseId, jurisdiction: String(BigInt(TOWNSHIP)) } });

    // The chain goes away: the run fails and the index stays where it was.
    const before = await indexed(first, caseId);
    await local.activate(caseId, 95_000n, officers);
    local.setChainDown(true);
    await expect(first.catchUp()).rejects.toThrow();
    local.setChainDown(false);
    expect(await indexed(first, caseId)).toEqual(before);

    // A new process resumes from the stored block and misses nothing.
    const second = new Indexer(state, local.gateway.chain, local.deployment.deploymentBlock, quiet);
    await second.catchUp();
    const whole = await onChain(caseId);
    expect(whole.length).toBeGreaterThan(5);
    expect(await indexed(second, caseId)).toEqual(whole);

    // Indexing the same blocks again (a crash after the write, before anyone knew) duplicates nothing.
    await state.put({ "ix:block": local.deployment.deploymentBlock - 1 });
    await second.catchUp();
    expect(await indexed(second, caseId)).toEqual(whole);
  }, 60_000);
});
