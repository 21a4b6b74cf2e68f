import { execFile, spawn, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, Wallet } from "ethers";
import request from "supertest";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { signInAt } from "./helpers/sign-in.ts";
import { addMonths, periodAt } from "../server/funds/periods.ts";
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
  accounts: { name: string; address: string; privateKey: string; keystore: string }[];
  keystorePassword: string;
  budgets: { programme: number; fiscalYear: number; allocationId: string }[];
  citizenReceipt: { qr: string; url: string };
}

describe("npm start", () => {
  it("starts a chain a year back, deploys a demo province and a gateway, lives the county's year through it, writes demo.json and keystores, and a second start finds the same chain, block for block, after a moved clock and an empty block", async () => {
    const first = await start();
    const demo = JSON.parse(readFileSync(join(dataDir, "demo.json"), "utf8")) as Demo;
    expect(Object.keys(demo).sort()).toEqual(["accounts", "budgets", "chainId", "citizenReceipt", "contracts", "gatewayUrl", "jurisdictions", "keystorePassword", "note", "rpcUrl"]);
    expect(first.output).toContain(demo.gatewayUrl);
    expect((await request(demo.gatewayUrl).get("/readyz").expect(200)).body.ready).toBe(true);
    // The gateway's operator relays and anchors, and holds no officer's role.
    const operator = demo.accounts.find((a) => a.name === "gateway operator")!;
    const operatorRoles = (await request(demo.gatewayUrl).get("/v1/auth/session").set("authorization", await signInAt(demo.gatewayUrl, operator.privateKey)).expect(200)).body.roles;
    expect(operatorRoles).toEqual([{ role: "LOG_OPERATOR", jurisdiction: demo.jurisdictions.county!.code }]);
    // Every officer's keystore is listed in the banner, and opens with the demo's password to their account.
    for (const account of demo.accounts.filter((a) => a.name !== "gateway operator")) expect(first.output).toContain(account.keystore);
    const caseworkerAccount = demo.accounts.find((a) => a.name === "caseworker")!;
    expect((await Wallet.fromEncryptedJson(readFileSync(caseworkerAccount.keystore, "utf8"), demo.keystorePassword)).address).toBe(caseworkerAccount.address);

    // The chain lived the past year and is back at the wall clock; this year's budget is of the year the chain's clock is in.
    const provider = new JsonRpcProvider(demo.rpcUrl, undefined, { staticNetwork: true });
    const chainNow = (await provider.getBlock("latest"))!.timestamp;
    expect(Math.abs(chainNow - Date.now() / 1000)).toBeLessThan(600);
    expect((await provider.getBlock(1))!.timestamp).toBeLessThan(chainNow - 330 * 24 * 3600);
    const funds = FundLedger__factory.connect(demo.contracts.fundLedger!, provider);
    const thisYear = Math.floor(periodAt(chainNow) / 100);
    expect(Number((await funds.allocation(BigInt(demo.budgets.at(-1)!.allocationId))).fiscalYear)).toBe(thisYear);
    provider.destroy();

    // The banner's receipt opens a case with a year of payments, newest first, each arrived, each paid by a payment file dated in its month.
    expect(first.output).toContain(demo.citizenReceipt.url);
    const citizen = (await request(demo.gatewayUrl).get("/v1/citizen/case").set("x-aidtrail-receipt", demo.citizenReceipt.qr).expect(200)).body;
    const months = Array.from({ length: 12 }, (_, i) => addMonths(periodAt(chainNow), -1 - i));
    expect(citizen.payments.map((p: { period: number }) => p.period)).toEqual(months);
    expect(citizen.payments.every((p: { arrived: unknown }) => p.arrived !== null)).toBe(true);
    expect(periodAt(Date.parse(citizen.payments[0].paymentFile.record.createdAt) / 1000)).toBe(months[0]);

    // Every officer has the demo's work before them: applications to review, decisions to approve, cases on the notice board.
    const worklistOf = async (name: string) => (await request(demo.gatewayUrl).get("/v1/worklist").set("authorization", await signInAt(demo.gatewayUrl, demo.accounts.find((a) => a.name === name)!.privateKey)).expect(200)).body.items as { stage: string }[];
    expect((await worklistOf("reviewer")).filter((i) => i.stage === "review").length).toBeGreaterThan(0);
    expect((await worklistOf("county approver 1")).filter((i) => i.stage === "approval").length).toBeGreaterThan(0);
    expect((await request(demo.gatewayUrl).get("/v1/public/notices").expect(200)).body.notices.length).toBeGreaterThan(0);
    const allocations = (await request(demo.gatewayUrl).get("/v1/allocations").set("authorization", await signInAt(demo.gatewayUrl, demo.accounts.find((a) => a.name === "finance officer")!.privateKey)).expect(200)).body.allocations as { allocationId: string; paid: string }[];
    expect(allocations.filter((a) => BigInt(a.paid) > 0n).length).toBeGreaterThanOrEqual(3);

    // As a newcomer meets it, in Chromium: the banner's link opens a year of payments on a phone, the newest checked in the
    // browser; the reviewer signs in on their page with the keystore file and password the banner gives, and finds work waiting.
    const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
    try {
      const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
      await phone.goto(demo.citizenReceipt.url);
      await expect.poll(() => phone.locator(".payment").count(), { timeout: 20_000 }).toBe(12);
      await expect.poll(() => phone.getAttribute("[data-verified]", "data-verified"), { timeout: 20_000 }).toBe("true");
      const reviewer = demo.accounts.find((a) => a.name === "reviewer")!;
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`${demo.gatewayUrl}/web/decisions.html`);
      await page.setInputFiles("#keystore", reviewer.keystore);
      await page.fill("#password", demo.keystorePassword);
      await page.click("#open-keystore");
      await expect.poll(() => page.locator(".work-item[data-stage=review]").count(), { timeout: 30_000 }).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }

    // The caseworker signs the application the gateway drafts for them.
    const caseworker = caseworkerAccount;
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
  }, 300_000);
});
