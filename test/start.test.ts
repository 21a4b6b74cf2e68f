import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import request from "supertest";
import { describe, expect, it } from "vitest";
import { signInAt } from "./helpers/sign-in.ts";
import { periodAt } from "../server/funds/periods.ts";
import { FundLedger__factory } from "../types/ethers-contracts/index.js";

const dataDir = mkdtempSync(join(tmpdir(), "aidtrail-start-"));

/** Runs `npm start`'s script as a process and resolves once it says the demo runs. */
function start(): Promise<{ child: ChildProcess; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
      env: { ...process.env, AIDTRAIL_DATA: dataDir, AIDTRAIL_PORT: "0", AIDTRAIL_RPC_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d) => {
      output += d;
      if (output.includes("aidtrail demo is running")) resolve({ child, output });
    });
    child.stderr!.on("data", (d) => (output += d));
    child.on("exit", (code) => reject(new Error(`npm start exited (${code}): ${output}`)));
  });
}

const stop = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.once("exit", () => resolve());
  child.kill("SIGTERM");
});

interface Demo {
  gatewayUrl: string;
  rpcUrl: string;
  chainId: number;
  contracts: Record<string, string>;
  jurisdictions: Record<string, { code: string }>;
  accounts: { name: string; address: string; privateKey: string }[];
}

describe("npm start", () => {
  it("starts a chain, deploys a demo province and a gateway, writes demo.json, and a second start finds the same chain, block for block, after a moved clock and an empty block", async () => {
    const first = await start();
    const demo = JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8")) as Demo;
    expect(Object.keys(demo).sort()).toEqual(["accounts", "chainId", "contracts", "gatewayUrl", "jurisdictions", "note", "rpcUrl"]);
    expect(first.output).toContain(demo.gatewayUrl);
    expect((await request(demo.gatewayUrl).get("/readyz").expect(200)).body.ready).toBe(true);
    // The gateway's operator relays and anchors, and holds no officer's role.
    const operator = demo.accounts.find((a) => a.name === "gateway operator")!;
    const operatorRoles = (await request(demo.gatewayUrl).get("/v1/auth/session").set("authorization", await signInAt(demo.gatewayUrl, operator.privateKey)).expect(200)).body.roles;
    expect(operatorRoles).toEqual([{ role: "LOG_OPERATOR", jurisdiction: demo.jurisdictions.county!.code }]);
    // The budget is the fiscal year the chain's clock is in (China Standard Time).
    const provider = new JsonRpcProvider(demo.rpcUrl, undefined, { staticNetwork: true });
    const funds = FundLedger__factory.connect(demo.contracts.fundLedger!, provider);
    expect(Number((await funds.allocation(1n)).fiscalYear)).toBe(Math.floor(periodAt((await provider.getBlock("latest"))!.timestamp) / 100));
    provider.destroy();

    // The caseworker signs the application the gateway drafts for them.
    const caseworker = demo.accounts.find((a) => a.name === "caseworker")!;
    const token = await signInAt(demo.gatewayUrl, caseworker.privateKey);
    const fields = { programme: "dibao", area: "urban", jurisdiction: demo.jurisdictions.township!.code, applicant: { name: "陈一", residentId: "110101199003074477" }, household: [], monthlyIncome: 0, documents: [] };
    const { body: drafted } = await request(demo.gatewayUrl).post("/v1/cases/draft").set("authorization", token).send(fields).expect(200);
    const signature = await new Wallet(caseworker.privateKey).signTypedData(drafted.domain, drafted.types, drafted.message);
    const taken = await request(demo.gatewayUrl).post("/v1/cases").set("authorization", token).send({ ...fields, envelope: drafted.envelope, deadline: drafted.deadline, signature }).expect(201);
    expect(taken.body.ledger.state).toBe("done");
    // The demo's clock moved past a public notice (the documented demo-only command), and a transaction after it.
    const chain = new JsonRpcProvider(demo.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const timeBefore = (await chain.getBlock("latest"))!.timestamp;
    const advanced = await promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/advance.ts", "8"], { env: { ...process.env, AIDTRAIL_DATA: dataDir } });
    expect(advanced.stdout).toMatch(/^the demo's clock is now \d{4}-\d\d-\d\dT/);
    expect((await chain.getBlock("latest"))!.timestamp).toBeGreaterThanOrEqual(timeBefore + 8 * 24 * 3600);
    const [governance] = demo.accounts;
    await (await new Wallet(governance!.privateKey, chain).sendTransaction({ to: caseworker.address, value: 1n })).wait();
    const headBefore = await chain.getBlockNumber();
    const blocksBefore = await Promise.all(Array.from({ length: headBefore + 1 }, (_, n) => chain.getBlock(n)));
    const eventsBefore = await chain.getLogs({ fromBlock: 0, toBlock: headBefore });
    chain.destroy();
    await stop(first.child);

    const second = await start();
    expect(second.output).toMatch(/replaying \d+ blocks/);
    // The same chain: every block at its number with its hash and time, every event where it was.
    const replayed = new JsonRpcProvider((JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8")) as Demo).rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
    const blocksAfter = await Promise.all(Array.from({ length: headBefore + 1 }, (_, n) => replayed.getBlock(n)));
    expect(blocksAfter.map((b) => [b!.number, b!.hash, b!.timestamp])).toEqual(blocksBefore.map((b) => [b!.number, b!.hash, b!.timestamp]));
    const eventsAfter = await replayed.getLogs({ fromBlock: 0, toBlock: headBefore });
    expect(eventsAfter.map((e) => [e.blockNumber, e.transactionHash, e.index, e.data])).toEqual(eventsBefore.map((e) => [e.blockNumber, e.transactionHash, e.index, e.data]));
    replayed.destroy();
    const again = JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8")) as Demo;
    expect(again.contracts).toEqual(demo.contracts);
    const view = await request(again.gatewayUrl).get(`/v1/cases/${taken.body.caseId}`).set("authorization", await signInAt(again.gatewayUrl, caseworker.privateKey)).expect(200);
    expect(view.body.ledger.status).toBe("Submitted");
    expect((await request(again.gatewayUrl).get("/readyz").expect(200)).body.ready).toBe(true);
    await stop(second.child);
  }, 120_000);
});
