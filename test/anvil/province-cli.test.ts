import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import { pino } from "pino";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AidAccess__factory, CaseRegistry__factory, GovernanceCouncil__factory } from "../../types/ethers-contracts/index.js";
import { CaseStatus } from "../../server/chain/domain.ts";
import type { Deployment } from "../../server/chain/deploy.ts";
import { loadConfig } from "../../server/config.ts";
import { startGateway, type RunningGateway } from "../../server/gateway.ts";
import { startAnvil, type Anvil } from "../helpers/anvil.ts";
import { signedApplication } from "../helpers/application.ts";
import { aidtrail, writeKeystore } from "../helpers/cli.ts";
import { DEV_KEYS } from "../helpers/local-gateway.ts";
import { residentId } from "../helpers/resident-id.ts";
import { signInAt } from "../helpers/sign-in.ts";

/*
 * A province set up from the command line alone, through a council of three (two to act), on a
 * chain that mines a block every two seconds as QBFT does (anvil); then a case taken in and
 * decided through a gateway that knows nothing but its configuration.
 */

const PASSWORD = "council member's password";
const dir = mkdtempSync(join(tmpdir(), "aidtrail-province-"));
const members = [DEV_KEYS.approver1, DEV_KEYS.approver2, DEV_KEYS.budgetChecker].map((k) => new Wallet(k));
const [caseworker, reviewer, approver, operator] = [Wallet.createRandom(), Wallet.createRandom(), Wallet.createRandom(), new Wallet(DEV_KEYS.operator)];
const deploymentFile = join(dir, "deployment.json");
const DIVISIONS = `code,name,parent
440000000000,广东省,
440100000000,广州市,440000000000
440105000000,海珠区,440100000000
440106000000,天河区,440100000000
440105001000,赤岗街道,440105000000
440106001000,沙河街道,440106000000
`;
let anvil: Anvil;
let provider: JsonRpcProvider;
let stores: string[];
let gateway: RunningGateway | undefined;
let setupSeconds = 0;

/** A command as council member `i` runs it, in a process of its own. */
const as = (i: number, args: string[]) => aidtrail([...args, "--rpc", anvil.rpcUrl, "--deployment", deploymentFile, "--keystore", stores[i]!], { AIDTRAIL_KEYSTORE_PASSWORD: PASSWORD });
/** A change the council makes: the first member proposes, the second confirms and executes. */
async function councilDoes(args: string[]) {
  const proposed = await as(0, args);
  expect(proposed.code, proposed.stderr).toBe(0);
  const executed = await as(1, args);
  expect(executed.code, executed.stderr).toBe(0);
  return executed.stdout;
}

beforeAll(async () => {
  anvil = await startAnvil();
  await anvil.mineEvery(2);
  provider = new JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true });
  stores = await Promise.all(members.map((m, i) => writeKeystore(dir, `member${i}`, m.privateKey, PASSWORD)));
  // Officers pay their own gas on this chain: the governance account funds them, as a treasury would.
  const treasury = new Wallet(DEV_KEYS.governance, provider);
  for (const officer of [caseworker, reviewer, approver]) await (await treasury.sendTransaction({ to: officer.address, value: 10n ** 18n })).wait();
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  provider?.destroy();
  await anvil?.close();
});

describe("a province set up from the command line, on a chain that mines every 2 seconds", () => {
  it("deploys with a council, registers the divisions from the code list in one batch, sets standards and thresholds, grants the officers from a roster and registers the county's log", async () => {
    const started = performance.now();
    const deployed = await aidtrail(["deploy", "--rpc", anvil.rpcUrl, "--out", deploymentFile, "--council", members.map((m) => m.address).join(","), "--threshold", "2", "--chain-id", "31337"], { AIDTRAIL_DEPLOYER_KEY: DEV_KEYS.governance });
    expect(deployed.code, deployed.stderr).toBe(0);
    const csv = join(dir, "guangdong.csv");
    writeFileSync(csv, DIVISIONS);
    const registered = await councilDoes(["register-divisions", csv]);
    expect(registered.match(/executed in transaction/g)).toHaveLength(6);
    // Run again, it finds nothing to do.
    expect((await as(0, ["register-divisions", csv])).stdout).toBe("nothing to change: the chain has it already\n");
    await councilDoes(["set-standard", "--jurisdiction", "440000000000", "--programme", "dibao", "--area", "urban", "--amount", "1,200", "--from", "2026-01-01"]);
    for (const stage of ["review", "approval"]) await councilDoes(["set-threshold", "--jurisdiction", "440000000000", "--programme", "dibao", "--stage", stage, "--signatures", "1"]);
    const roster = join(dir, "haizhu-officers.csv");
    writeFileSync(roster, `role,account,jurisdiction\nLOG_OPERATOR,${operator.address},440105000000\nCASEWORKER,${caseworker.address},440105001000\nREVIEWER,${reviewer.address},440105001000\nAPPROVER,${approver.address},440105000000\n`);
    expect((await councilDoes(["grant-roster", roster])).match(/executed in transaction/g)).toHaveLength(4);
    await councilDoes(["register-log", "440105000000"]);
    setupSeconds = (performance.now() - started) / 1000;
    console.log(`province set up from the command line on 2-second blocks in ${setupSeconds.toFixed(1)} s`);

    const deployment = JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment;
    const access = AidAccess__factory.connect(deployment.contracts.aidAccess, provider);
    for (const line of DIVISIONS.trim().split("\n").slice(1)) expect((await access.jurisdiction(BigInt(line.split(",")[0]!))).registered).toBe(true);
    const standards = await aidtrail(["standards", "440105001000", "--rpc", anvil.rpcUrl, "--deployment", deploymentFile]);
    expect(standards.stdout).toContain("dibao urban: 1,200.00 yuan (set by 440000000000)");
    expect(standards.stdout).toContain("dibao rural: none in force");
  }, 600_000);

  it("takes a case in and decides it through a gateway that knows only its configuration", async () => {
    const data = mkdtempSync(join(tmpdir(), "aidtrail-province-gateway-"));
    const env = {
      AIDTRAIL_DATA: data,
      AIDTRAIL_PORT: "0",
      AIDTRAIL_RPC_URL: anvil.rpcUrl,
      AIDTRAIL_CHAIN_ID: "31337",
      AIDTRAIL_DEPLOYMENT: deploymentFile,
      AIDTRAIL_JURISDICTION: "440105000000",
      AIDTRAIL_MASTER_KEYS: JSON.stringify({ current: "k1", keys: { k1: Buffer.alloc(32, 7).toString("base64") } }),
      AIDTRAIL_IDENTITY_KEY: Buffer.alloc(32, 9).toString("base64"),
      AIDTRAIL_OPERATOR_KEY: operator.privateKey,
    };
    gateway = await startGateway(loadConfig(env), pino({ enabled: false }));
    const deployment = JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment;
    const fields = { programme: "dibao" as const, area: "urban" as const, jurisdiction: "440105001000", applicant: { name: "申请人", residentId: residentId(31) }, household: [], monthlyIncome: 0, documents: [] };
    const now = (await provider.getBlock("latest"))!.timestamp;
    const body = await signedApplication(fields, caseworker, { deployment, env }, BigInt(now + 3600));
    const taken = await request(gateway.url).post("/v1/cases").set("authorization", await signInAt(gateway.url, caseworker.privateKey)).send(body);
    expect(taken.status, JSON.stringify(taken.body)).toBe(201);
    const caseId = taken.body.caseId as string;
    const cases = CaseRegistry__factory.connect(deployment.contracts.caseRegistry, provider);
    const statusOf = async () => Number((await cases.getCase(caseId))[0].status);
    for (const [officer, query] of [[reviewer, ""], [approver, "?amount=120000"]] as const) {
      const token = await signInAt(gateway.url, officer.privateKey);
      // The previous step may still be on its way to a block.
      let asked = await request(gateway.url).get(`/v1/cases/${caseId}/decision-request${query}`).set("authorization", token);
      for (let i = 0; i < 20 && asked.status !== 200; i++) {
        await new Promise((r) => setTimeout(r, 500));
        asked = await request(gateway.url).get(`/v1/cases/${caseId}/decision-request${query}`).set("authorization", token);
      }
      expect(asked.status, JSON.stringify(asked.body)).toBe(200);
      const signature = await officer.signTypedData(asked.body.domain, asked.body.types, asked.body.message);
      const decided = await request(gateway.url).post(`/v1/cases/${caseId}/decisions`).set("authorization", token).send({ decision: asked.body.message, signatures: [{ signer: officer.address, signature }] });
      expect(decided.status, JSON.stringify(decided.body)).toBe(201);
    }
    await expect.poll(statusOf, { timeout: 20_000 }).toBe(CaseStatus.InNotice);
  }, 120_000);

  it("pauses and resumes a county, adds a council member, and refuses a stranger and a list with a missing parent", async () => {
    const deployment = JSON.parse(readFileSync(deploymentFile, "utf8")) as Deployment;
    const access = AidAccess__factory.connect(deployment.contracts.aidAccess, provider);
    await councilDoes(["pause", "440106000000", "--reason", "审计发现问题，暂停发放"]);
    expect(await access.isPaused(440106000000n)).toBe(true);
    await councilDoes(["resume", "440106000000", "--reason", "整改完成"]);
    expect(await access.isPaused(440106000000n)).toBe(false);
    const newcomer = Wallet.createRandom().address;
    await councilDoes(["council", "add", newcomer]);
    expect(await GovernanceCouncil__factory.connect(deployment.contracts.governanceCouncil!, provider).isMember(newcomer)).toBe(true);

    const newTownship = join(dir, "new-township.csv");
    writeFileSync(newTownship, "code,name,parent\n440106002000,五山街道,440106000000\n");
    const stranger = await aidtrail(["register-divisions", newTownship, "--rpc", anvil.rpcUrl, "--deployment", deploymentFile, "--keystore", await writeKeystore(dir, "stranger", DEV_KEYS.caseworker, PASSWORD)], { AIDTRAIL_KEYSTORE_PASSWORD: PASSWORD });
    expect([stranger.code, stranger.stderr]).toEqual([2, expect.stringContaining("is not a member of the governance council")]);
    expect((await access.jurisdiction(440106002000n)).registered).toBe(false);
    // The council registers it, one division by itself.
    await councilDoes(["register-division", "440106002000", "--name", "五山街道", "--parent", "440106000000"]);
    expect(await access.jurisdiction(440106002000n)).toEqual([true, 440106000000n]);
    // A roster granted already changes nothing; one with a line that is no role is refused, nothing proposed.
    expect((await as(0, ["grant-roster", join(dir, "haizhu-officers.csv")])).stdout).toBe("nothing to change: the chain has it already\n");
    const badRoster = join(dir, "bad-roster.csv");
    writeFileSync(badRoster, `role,account,jurisdiction\nMAYOR,${Wallet.createRandom().address},440105000000\n`);
    const badRoles = await as(0, ["grant-roster", badRoster]);
    expect([badRoles.code, badRoles.stderr]).toEqual([2, expect.stringContaining('bad-roster.csv line 2 is not "role,account,jurisdiction"')]);
    const orphan = join(dir, "orphan.csv");
    writeFileSync(orphan, "code,name,parent\n440107001000,某街道,440107000000\n");
    const refused = await as(0, ["register-divisions", orphan]);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringContaining("division 440107001000 (某街道) names parent 440107000000, which is neither on the chain nor in the list")]);
  }, 300_000);
});
