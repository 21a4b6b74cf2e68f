import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import express from "express";
import { hexlify, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStatus } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { aidtrail as run, writeKeystore } from "./helpers/cli.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

const PASSWORD = "correct horse battery staple";
const dir = mkdtempSync(join(tmpdir(), "aidtrail-cli-"));
let local: Awaited<ReturnType<typeof localGateway>>;
const reviewer = Wallet.createRandom();
const approvers = [Wallet.createRandom(), Wallet.createRandom()];

const keystore = (name: string, key: string) => writeKeystore(dir, name, key, PASSWORD);
/** The chain and the deployment file the officers trust, which their tools check every draft against. */
const trusted: Record<string, string> = {};
const aidtrail = (args: string[], env: Record<string, string> = {}) => run(args, { AIDTRAIL_KEYSTORE_PASSWORD: PASSWORD, ...trusted, ...env });

beforeAll(async () => {
  local = await localGateway();
  trusted.AIDTRAIL_RPC_URL = local.rpcUrl;
  trusted.AIDTRAIL_SESSIONS = join(dir, "sessions.json");
  trusted.AIDTRAIL_DEPLOYMENT = join(dir, "deployment.json");
  writeFileSync(trusted.AIDTRAIL_DEPLOYMENT, JSON.stringify(local.deployment));
  const { access } = local.contracts;
  await (await access.grantScopedRole(roleId("REVIEWER"), reviewer.address, BigInt(TOWNSHIP))).wait();
  for (const a of approvers) await (await access.grantScopedRole(roleId("APPROVER"), a.address, BigInt(COUNTY))).wait();
}, 120_000);
afterAll(async () => local?.close());

describe("aidtrail sign-decision", () => {
  it("shows the decision in plain words, signs it with the keystore's key and posts it; the second approver's signature relays it", async () => {
    const caseId = await local.takeIn(residentId(1));
    const url = local.gateway.url;
    const review = await aidtrail(["sign-decision", caseId, "--gateway", url, "--keystore", await keystore("reviewer", reviewer.privateKey), "--yes"]);
    expect(review.stderr).toBe("");
    expect(review.stdout).toContain(`You are about to sign, as ${reviewer.address} (REVIEWER), for case ${caseId}`);
    expect(review.stdout).toContain("PASS the case on to approval");
    expect(review.stdout).toContain("signed and relayed: 1 of 1 signatures");

    // The household size is the case's, as the ledger holds it, unless given; another is refused before anything is signed.
    const approve = (i: number, size: string[] = []) => aidtrail(["sign-decision", caseId, "--amount", "120000", ...size, "--yes"], { AIDTRAIL_GATEWAY_URL: url, AIDTRAIL_KEYSTORE: files[i]! });
    const files = [await keystore("approver0", approvers[0]!.privateKey), await keystore("approver1", approvers[1]!.privateKey)];
    const larger = await approve(0, ["--household-size", "3"]);
    expect(larger.code).toBe(2);
    expect(larger.stdout).toBe("");
    expect(larger.stderr).toContain("the gateway refused: an approval of this case is for a household of 2, as the ledger holds it");
    const first = await approve(0);
    expect(first.stdout).toContain("APPROVE 1,200.00 yuan a month for a household of 2");
    expect(first.stdout).toContain("signed by    nobody yet");
    expect(first.stdout).toContain("signed: 1 of 2 signatures so far");
    // The second approver, in another process an hour later by the chain's clock, names no amount: the decision being collected is theirs to sign.
    await local.advance(3600);
    const second = await aidtrail(["sign-decision", caseId, "--yes"], { AIDTRAIL_GATEWAY_URL: url, AIDTRAIL_KEYSTORE: files[1]! });
    expect(second.stdout).toContain("APPROVE 1,200.00 yuan a month for a household of 2");
    expect(second.stdout).toContain(`signed by    ${approvers[0]!.address}`);
    expect(second.stdout).toMatch(/signed and relayed: 2 of 2 signatures; the ledger took the decision in transaction 0x[0-9a-f]{64}/);
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.InNotice);
  }, 60_000);

  it("signs nothing without a confirmation, with a wrong password, or for an officer without the role", async () => {
    const caseId = await local.takeIn(residentId(2));
    const url = local.gateway.url;
    const file = await keystore("reviewer-2", reviewer.privateKey);
    const unconfirmed = await aidtrail(["sign-decision", caseId, "--gateway", url, "--keystore", file]);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stdout).toContain("PASS the case on to approval");
    expect(unconfirmed.stderr).toContain("nothing was signed: there is no terminal to confirm on");
    expect(unconfirmed.stderr).toContain("pass --yes");

    const wrong = await aidtrail(["sign-decision", caseId, "--gateway", url, "--keystore", file, "--yes"], { AIDTRAIL_KEYSTORE_PASSWORD: "wrong" });
    expect([wrong.code, wrong.stderr]).toEqual([2, expect.stringContaining(`the password does not open ${file}`)]);

    const stranger = await aidtrail(["sign-decision", caseId, "--gateway", url, "--keystore", await keystore("stranger", Wallet.createRandom().privateKey), "--yes"]);
    expect(stranger.code).toBe(2);
    expect(stranger.stderr).toContain("the gateway refused");
    expect(stranger.stderr).toMatch(/REVIEWER|APPROVER/);
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Submitted);

    const usage = await aidtrail(["sign-decision", caseId, "--keystore", file]);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining("required option '--gateway <url>' not specified")]);
  }, 60_000);

  it("refuses to sign when the gateway's digest is not the digest of the payload it shows", async () => {
    // A gateway that shows one decision and would have the officer sign another.
    const liar = express().use(express.json());
    liar.post("/v1/auth/challenge", (_req, res) => void res.json({ message: "sign in" }));
    liar.post("/v1/auth/session", (_req, res) => void res.json({ token: "t" }));
    const caseId = "0x" + "ab".repeat(32);
    liar.get(`/v1/cases/${caseId}/decision-request`, async (_req, res) => {
      const { DECISION_TYPES } = await import("../kit/decision.ts");
      res.json({
        domain: { name: "aidtrail CaseRegistry", version: "1", chainId: 31337, verifyingContract: local.deployment.contracts.caseRegistry },
        types: DECISION_TYPES,
        primaryType: "Decision",
        message: { caseId, stage: 1, approve: true, recordHash: "0x" + "00".repeat(32), amount: "100", householdSize: 1, round: 0, deadline: "9999999999" },
        digest: "0x" + "11".repeat(32),
        role: "APPROVER",
        threshold: 1,
      });
    });
    const server = liar.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const ran = await aidtrail(["sign-decision", caseId, "--gateway", url, "--keystore", await keystore("approver-liar", approvers[0]!.privateKey), "--yes"]);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain("the digest the gateway gave is not the digest of the payload it showed; nothing was signed");
    } finally {
      server.close();
    }
  }, 30_000);
});

describe("aidtrail sign-call", () => {
  it("checks the gateway's draft, shows the step in plain words, signs the transaction with the keystore's key and has it relayed", async () => {
    const caseId = await local.takeIn(residentId(4));
    const [approver, second] = approvers.map((a) => new Wallet(a.privateKey));
    await local.activate(caseId, 100_000n, { reviewer: new Wallet(reviewer.privateKey), approvers: [approver!, second!] });
    // The approver sends this transaction from their own account, so it pays the gas on this chain.
    await (await new Wallet(DEV_KEYS.governance, local.provider).sendTransaction({ to: approver!.address, value: 10n ** 18n })).wait();
    const file = await keystore("approver-call", approver!.privateKey);
    const url = local.gateway.url;
    const suspended = await aidtrail(["sign-call", "suspend", "--case", caseId, "--reason", "收入变化待核实", "--gateway", url, "--keystore", file, "--yes"]);
    expect(suspended.stderr).toBe("");
    expect(suspended.stdout).toContain(`You are about to sign, as ${approver!.address}, a transaction of your own account that will`);
    expect(suspended.stdout).toContain(`SUSPEND the payments of case ${caseId}`);
    expect(suspended.stdout).toMatch(/signed and relayed: the ledger took the step in transaction 0x[0-9a-f]{64}; evidence record r[0-9a-f]{32} at leaf \d+/);
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Suspended);

    const unconfirmed = await aidtrail(["sign-call", "resume", "--case", caseId, "--reason", "核实无误", "--gateway", url, "--keystore", file]);
    expect([unconfirmed.code, unconfirmed.stderr]).toEqual([2, expect.stringContaining("nothing was signed: there is no terminal to confirm on")]);
    expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Suspended);
    const refused = await aidtrail(["sign-call", "suspend", "--case", caseId, "--reason", "再次", "--gateway", url, "--keystore", file, "--yes"]);
    expect([refused.code, refused.stderr]).toEqual([2, expect.stringMatching(/^aidtrail: 账本拒绝：案件 0x[0-9a-f]{8}… 现为“已暂停”，不能办理这一步\n[\s\S]*the gateway refused: the ledger refused: case 0x[0-9a-f]{8}… is Suspended: this step does not apply/)]);
    const usage = await aidtrail(["sign-call", "exit", "--reason", "x", "--gateway", url, "--keystore", file]);
    expect([usage.code, usage.stderr]).toEqual([2, expect.stringContaining("exit needs --case <caseId>")]);
  }, 60_000);
});

describe("aidtrail keystore", () => {
  it("writes a new key, or a demo account's, as an encrypted keystore the other commands open; never over a file, never without a password", async () => {
    const { openKeystore } = await import("../cli/keystore.ts");
    const fresh = join(dir, "new-officer.json");
    const made = await aidtrail(["keystore", fresh]);
    const address = /account (0x[0-9a-fA-F]{40})/.exec(made.stdout)?.[1];
    expect([made.code, address]).toEqual([0, expect.any(String)]);
    expect((await openKeystore(fresh, { AIDTRAIL_KEYSTORE_PASSWORD: PASSWORD })).address).toBe(address);
    const again = await aidtrail(["keystore", fresh]);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining(`${fresh} exists already; nothing was written`)]);
    const noPassword = await aidtrail(["keystore", join(dir, "unprotected.json")], { AIDTRAIL_KEYSTORE_PASSWORD: "" });
    expect([noPassword.code, noPassword.stderr]).toEqual([2, expect.stringContaining("no keystore password was given")]);

    const demo = join(dir, "demo.json");
    writeFileSync(demo, JSON.stringify({ accounts: [{ name: "finance officer", privateKey: DEV_KEYS.finance }] }));
    const finance = join(dir, "demo-finance.json");
    expect((await aidtrail(["keystore", finance, "--demo-account", "finance officer", "--demo", demo])).code).toBe(0);
    expect((await openKeystore(finance, { AIDTRAIL_KEYSTORE_PASSWORD: PASSWORD })).address).toBe(new Wallet(DEV_KEYS.finance).address);
    const unknown = await aidtrail(["keystore", join(dir, "nobody.json"), "--demo-account", "mayor", "--demo", demo]);
    expect([unknown.code, unknown.stderr]).toEqual([2, expect.stringContaining("the demo has no account named mayor")]);
  });
});

describe("officers' tools pin what they sign to the deployment they trust and the chain itself", () => {
  /** A dishonest gateway: it answers sign-in and the routes `routes` sets up, and keeps what it is asked to relay. */
  async function liarGateway(routes: (app: express.Express, relayed: string[]) => void) {
    const relayed: string[] = [];
    const app = express().use(express.json());
    app.post("/v1/auth/challenge", (_req, res) => void res.json({ message: "sign in" }));
    app.post("/v1/auth/session", (_req, res) => void res.json({ token: "t" }));
    routes(app, relayed);
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, relayed, close: () => server.close() };
  }

  it("sign-call refuses a draft whose call, contract, chain, value, type, nonce or gas is not what was asked, the trusted deployment and the chain say, signing nothing", async () => {
    const officer = new Wallet(approvers[0]!.privateKey);
    const caseId = "0x" + "ef".repeat(32);
    const { newRecord } = await import("../server/records/record.ts");
    const { recordHash } = await import("../kit/record.ts");
    const record = newRecord({ kind: "document", caseId, jurisdiction: COUNTY, public: { type: "case-suspension" }, personal: { reason: "x" } }, "standard");
    const hash = hexlify(recordHash(record));
    const cases = local.contracts.cases;
    const nonce = await local.provider.getTransactionCount(officer.address, "pending");
    const honest = { from: officer.address, to: String(cases.target), chainId: String(local.deployment.chainId), nonce, gasLimit: "100000", type: 0, gasPrice: "1", value: "0", data: cases.interface.encodeFunctionData("suspend", [caseId, hash]) };
    const alterations: [string, object, string][] = [
      ["a call naming another record", { data: cases.interface.encodeFunctionData("suspend", [caseId, "0x" + "00".repeat(32)]) }, "the transaction does not make the call asked for"],
      ["another contract", { to: local.deployment.contracts.fundLedger }, `the transaction goes to ${local.deployment.contracts.fundLedger}, not to your deployment's caseRegistry`],
      ["another chain", { chainId: "1" }, `the transaction is for chain 1, not chain ${local.deployment.chainId} of your deployment`],
      ["value", { value: "1" }, "the transaction would send 1 wei"],
      ["an unknown type", { type: 3 }, "the transaction is of type 3, which this chain does not take"],
      ["a nonce ahead", { nonce: nonce + 3 }, `the transaction has nonce ${nonce + 3}, but your account's next is ${nonce}`],
      ["more gas than a block", { gasLimit: "1000000000000" }, "the transaction asks for 1000000000000 gas, more than a block holds"],
    ];
    let draft: object = honest;
    const liar = await liarGateway((app, relayed) => {
      app.post(`/v1/cases/${caseId}/suspension/draft`, (_req, res) => void res.json({ draft: { recordId: record.recordId, createdAt: record.createdAt, salt: record.salt }, record, recordHash: hash, transaction: draft }));
      app.post(`/v1/cases/${caseId}/suspension`, (req, res) => {
        relayed.push(req.body.signedTransaction);
        res.status(201).json({ recordId: record.recordId, leafIndex: 0, ledger: { state: "failed", error: { code: "X", message: "x" } } });
      });
    });
    try {
      const file = await keystore("approver-pinned", officer.privateKey);
      const sign = () => aidtrail(["sign-call", "suspend", "--case", caseId, "--reason", "x", "--gateway", liar.url, "--keystore", file, "--yes"]);
      for (const [what, change, message] of alterations) {
        draft = { ...honest, ...change };
        const ran = await sign();
        expect([what, ran.code, ran.stdout]).toEqual([what, 2, ""]);
        expect(ran.stderr).toContain(message);
        expect(ran.stderr).toContain("nothing was signed");
      }
      expect(liar.relayed).toEqual([]);
      // The same draft unaltered is shown and signed: the checks refuse what is wrong, not everything.
      draft = honest;
      const ran = await sign();
      expect(ran.stdout).toContain(`SUSPEND the payments of case ${caseId}`);
      expect(liar.relayed).toHaveLength(1);
    } finally {
      liar.close();
    }
  }, 60_000);

  it("sign-decision refuses a decision whose EIP-712 domain is not the trusted deployment's case registry on this chain, signing nothing", async () => {
    const { DECISION_TYPES, decisionDomain } = await import("../kit/decision.ts");
    const { TypedDataEncoder } = await import("ethers");
    const caseId = "0x" + "ac".repeat(32);
    const registry = local.deployment.contracts.caseRegistry;
    const message = { caseId, stage: 1, approve: true, recordHash: "0x" + "00".repeat(32), amount: "100", householdSize: 1, round: 0, deadline: "9999999999" };
    let domain = decisionDomain(local.deployment.chainId, registry);
    const liar = await liarGateway((app, relayed) => {
      app.get(`/v1/cases/${caseId}/decision-request`, (_req, res) =>
        void res.json({ domain, types: DECISION_TYPES, primaryType: "Decision", message, digest: TypedDataEncoder.hash(domain, DECISION_TYPES, message), role: "APPROVER", threshold: 2, signers: [] }),
      );
      app.post(`/v1/cases/${caseId}/decisions`, (req, res) => {
        relayed.push(req.body.signatures[0].signature);
        res.status(202).json({ state: "collecting", signers: [req.body.signatures[0].signer], threshold: 2 });
      });
    });
    try {
      const file = await keystore("approver-domain", approvers[0]!.privateKey);
      const sign = () => aidtrail(["sign-decision", caseId, "--gateway", liar.url, "--keystore", file, "--yes"]);
      for (const other of [decisionDomain(1, registry), decisionDomain(local.deployment.chainId, local.deployment.contracts.fundLedger), { ...decisionDomain(local.deployment.chainId, registry), name: "other" }]) {
        domain = other;
        const ran = await sign();
        expect([ran.code, ran.stdout]).toEqual([2, ""]);
        expect(ran.stderr).toContain(`not for your deployment's case registry ${registry} on chain ${local.deployment.chainId}; nothing was signed`);
      }
      expect(liar.relayed).toEqual([]);
      domain = decisionDomain(local.deployment.chainId, registry);
      expect((await sign()).stdout).toContain("signed: 1 of 2 signatures so far");
      expect(liar.relayed).toHaveLength(1);
    } finally {
      liar.close();
    }
  }, 60_000);

  it("signs in once per keystore and keeps the session for the next command; a session the gateway no longer knows is renewed once", async () => {
    const caseId = "0x" + "ad".repeat(32);
    const { DECISION_TYPES, decisionDomain } = await import("../kit/decision.ts");
    const { TypedDataEncoder } = await import("ethers");
    const domain = decisionDomain(local.deployment.chainId, local.deployment.contracts.caseRegistry);
    const message = { caseId, stage: 1, approve: true, recordHash: "0x" + "00".repeat(32), amount: "100", householdSize: 1, round: 0, deadline: "9999999999" };
    const sessions: string[] = [];
    let known = new Set<string>();
    const app = express().use(express.json());
    app.post("/v1/auth/challenge", (_req, res) => void res.json({ message: "sign in" }));
    app.post("/v1/auth/session", (_req, res) => {
      const token = `t${sessions.length}`;
      sessions.push(token);
      known.add(token);
      res.json({ token, expiresAt: new Date(Date.now() + 3600_000).toISOString() });
    });
    app.get(`/v1/cases/${caseId}/decision-request`, (req, res) => {
      if (!known.has(String(req.headers.authorization).replace("Bearer ", ""))) return void res.status(401).json({ error: { code: "AUTH_TOKEN_INVALID", message: "the session token is invalid or expired" } });
      res.json({ domain, types: DECISION_TYPES, primaryType: "Decision", message, digest: TypedDataEncoder.hash(domain, DECISION_TYPES, message), role: "APPROVER", threshold: 2, signers: [] });
    });
    app.post(`/v1/cases/${caseId}/decisions`, (req, res) => void res.status(202).json({ state: "collecting", signers: [req.body.signatures[0].signer], threshold: 2 }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const file = await keystore("approver-session", approvers[1]!.privateKey);
      const sign = () => aidtrail(["sign-decision", caseId, "--gateway", url, "--keystore", file, "--yes"]);
      for (let i = 0; i < 3; i++) expect((await sign()).stdout).toContain("signed: 1 of 2 signatures so far");
      expect(sessions).toEqual(["t0"]);
      // The gateway restarted: it knows the kept token no more.
      known = new Set();
      expect((await sign()).stdout).toContain("signed: 1 of 2 signatures so far");
      expect(sessions).toEqual(["t0", "t1"]);
      expect(readFileSync(trusted.AIDTRAIL_SESSIONS!, "utf8")).toContain("t1");
    } finally {
      server.close();
    }
  }, 60_000);

  it("refuses a deployment file of another chain, signing nothing", async () => {
    const other = join(dir, "other-chain.json");
    writeFileSync(other, JSON.stringify({ ...local.deployment, chainId: 1 }));
    const ran = await aidtrail(["sign-decision", "0x" + "ac".repeat(32), "--gateway", "http://127.0.0.1:9", "--keystore", await keystore("approver-chain", approvers[0]!.privateKey), "--yes"], { AIDTRAIL_DEPLOYMENT: other });
    expect([ran.code, ran.stdout]).toEqual([2, ""]);
    expect(ran.stderr).toContain(`is a deployment on chain 1`);
    expect(ran.stderr).toContain("nothing was signed");
  });
});

describe("aidtrail sign-call, every step of a case and its money", () => {
  it("lodges an objection, revises, activates, pays, reverses and runs a month's payouts, each from the officer's keystore", async () => {
    const url = local.gateway.url;
    const caseId = await local.takeIn(residentId(5));
    const files = {
      caseworker: await keystore("cw-steps", DEV_KEYS.caseworker),
      reviewer: await keystore("rv-steps", DEV_KEYS.reviewer),
      approvers: [await keystore("ap1-steps", DEV_KEYS.approver1), await keystore("ap2-steps", DEV_KEYS.approver2)],
      finance: await keystore("fo-steps", DEV_KEYS.finance),
      checker: await keystore("bc-steps", DEV_KEYS.budgetChecker),
    };
    const step = (file: string, args: string[]) => aidtrail(["sign-call", ...args, "--gateway", url, "--keystore", file, "--yes"]);
    const decide = async () => {
      expect((await aidtrail(["sign-decision", caseId, "--gateway", url, "--keystore", files.reviewer, "--yes"])).code).toBe(0);
      for (const file of files.approvers) expect((await aidtrail(["sign-decision", caseId, "--amount", "100000", "--household-size", "2", "--gateway", url, "--keystore", file, "--yes"])).code).toBe(0);
    };
    const status = async () => Number((await local.contracts.cases.getCase(caseId))[0].status);
    const relayed = /signed and relayed: the ledger took the step in transaction 0x[0-9a-f]{64}/;
    await decide();
    expect(await status()).toBe(CaseStatus.InNotice);

    const objected = await step(files.reviewer, ["object", "--case", caseId, "--objector", "邻居", "--text", "申请人有经营收入"]);
    expect(objected.stdout).toContain(`LODGE AN OBJECTION to case ${caseId}`);
    expect([objected.code, objected.stdout]).toEqual([0, expect.stringMatching(relayed)]);
    expect(await status()).toBe(CaseStatus.Submitted);

    const revised = await step(files.caseworker, ["revise", "--case", caseId, "--reason", "核实收入", "--monthly-income", "30000"]);
    expect(revised.stdout).toContain("household    0 joined, 0 left");
    expect([revised.code, revised.stdout]).toEqual([0, expect.stringMatching(relayed)]);
    expect(await local.contracts.cases.revisions(caseId)).toHaveLength(2);
    const noChange = await step(files.caseworker, ["revise", "--case", caseId, "--reason", "x"]);
    expect([noChange.code, noChange.stderr]).toEqual([2, expect.stringContaining("revise needs --monthly-income <fen> or --changes <file>")]);

    await decide();
    await local.advance(7 * 24 * 3600);
    const activated = await step(files.caseworker, ["activate", "--case", caseId]);
    expect([activated.code, activated.stdout]).toEqual([0, expect.stringMatching(relayed)]);
    expect(await status()).toBe(CaseStatus.Active);

    const period = await local.currentPeriod();
    // An appropriation by two officers: the finance officer proposes, the budget checker enters the same terms and approves.
    const terms = ["--programme", "dibao", "--fiscal-year", String(Math.floor(period / 100)), "--jurisdiction", COUNTY];
    const before = await local.contracts.funds.allocationCount();
    const proposed = await step(files.finance, ["appropriate", ...terms, "--amount", "1000000", "--purpose", "县级配套"]);
    expect(proposed.stdout).toContain(`PROPOSE an appropriation of 10,000.00 yuan for dibao`);
    expect([proposed.code, proposed.stdout]).toEqual([0, expect.stringMatching(relayed)]);
    expect(await local.contracts.funds.allocationCount()).toBe(before);
    const proposal = String(await local.contracts.funds.appropriationProposalCount());
    const misread = await step(files.checker, ["approve-appropriation", "--proposal", proposal, ...terms, "--amount", "10000000"]);
    expect([misread.code, misread.stderr]).toEqual([2, expect.stringContaining(`the terms entered are not those of proposal ${proposal}`)]);
    const selfApproved = await step(files.finance, ["approve-appropriation", "--proposal", proposal, ...terms, "--amount", "1000000"]);
    expect([selfApproved.code, selfApproved.stderr]).toEqual([2, expect.stringContaining("须由另一位财务人员复核")]);
    const approved = await step(files.checker, ["approve-appropriation", "--proposal", proposal, ...terms, "--amount", "1000000"]);
    expect(approved.stdout).toContain(`APPROVE appropriation proposal ${proposal}: 10,000.00 yuan for dibao`);
    expect([approved.code, approved.stdout]).toEqual([0, expect.stringMatching(relayed)]);
    const allocation = (await local.contracts.funds.allocationCount()).toString();
    expect(allocation).toBe(String(before + 1n));
    const paid = await step(files.finance, ["pay", "--case", caseId, "--period", String(period), "--allocation", allocation, "--amount", "100000"]);
    expect(paid.stdout).toContain(`PAY 1,000.00 yuan to case ${caseId} for period ${period}, from allocation ${allocation}`);
    expect([paid.code, paid.stdout]).toEqual([0, expect.stringMatching(relayed)]);
    const reversed = await step(files.finance, ["reverse", "--case", caseId, "--period", String(period), "--reason", "银行退回"]);
    expect(reversed.stdout).toContain(`REVERSE the payout of 1,000.00 yuan to case ${caseId} for period ${period}, crediting allocation ${allocation}`);
    expect([reversed.code, reversed.stdout]).toEqual([0, expect.stringMatching(relayed)]);
    expect(await local.contracts.funds.available(allocation)).toBe(1_000_000n);

    const ran = await step(files.finance, ["payout-run", "--programme", "dibao", "--period", String(period), "--allocation", allocation]);
    expect(ran.stderr).toBe("");
    expect(ran.stdout).toContain(`PAY 1 cases of dibao for period ${period}, 1,000.00 yuan in all, from allocation ${allocation}`);
    expect(ran.stdout).toMatch(/signed and relayed: run run[0-9a-f]{16}, 1 of 1 cases paid on the ledger so far/);
    expect((await local.contracts.funds.payout(caseId, period))[2]).toBe(100_000n);
    const again = await step(files.finance, ["payout-run", "--programme", "dibao", "--period", String(period), "--allocation", allocation]);
    expect([again.code, again.stderr]).toEqual([2, expect.stringContaining(`no case of dibao is due a payment for ${period}`)]);
  }, 120_000);

  it("signs no payout run whose transaction pays other than its payment file says", async () => {
    const officer = new Wallet(DEV_KEYS.finance);
    const funds = local.contracts.funds;
    const { newRecord } = await import("../server/records/record.ts");
    const caseId = "0x" + "ef".repeat(32);
    const lines = [{ caseId, amount: "100" }];
    const record = newRecord({ kind: "payment-file", jurisdiction: COUNTY, public: { runId: "run" + "0".repeat(16), period: 202611, allocationId: "1", programme: "dibao", lines, startedBy: officer.address } }, "standard");
    const liar = express().use(express.json());
    liar.post("/v1/auth/challenge", (_req, res) => void res.json({ message: "sign in" }));
    liar.post("/v1/auth/session", (_req, res) => void res.json({ token: "t" }));
    liar.post("/v1/payout-runs/draft", (_req, res) => {
      res.json({
        run: { runId: "run" + "0".repeat(16), programme: "dibao", period: 202611, allocationId: "1", lines, skipped: [] },
        draft: { runId: "run" + "0".repeat(16), startedAt: record.createdAt, batches: [{ recordId: record.recordId, createdAt: record.createdAt, salt: record.salt }] },
        // The file pays 100 fen; the transaction 100,000.
        batches: [{ record, size: 1, transaction: { from: officer.address, to: funds.target, chainId: "31337", nonce: 0, gasLimit: "100000", type: 0, gasPrice: "1", data: funds.interface.encodeFunctionData("payBatch", [1n, 202611, [{ caseId, amount: 100_000n }]]) } }],
      });
    });
    const server = liar.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      const ran = await aidtrail(["sign-call", "payout-run", "--programme", "dibao", "--period", "202611", "--allocation", "1", "--gateway", url, "--keystore", await keystore("finance-liar", officer.privateKey), "--yes"]);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toContain("batch 1's transaction does not pay what its payment file says; nothing was signed");
    } finally {
      server.close();
    }
  }, 30_000);
});

describe("aidtrail status and export", () => {
  it("status tells the anchor lag, and exits 1 when the gateway is not ready and 2 when it cannot be reached", async () => {
    const url = local.gateway.url;
    await local.gateway.anchorer.anchorOnce();
    const anchored = await aidtrail(["status", "--gateway", url]);
    expect(anchored.code).toBe(0);
    expect(anchored.stdout).toContain(`gateway   ${url}: up, ready`);
    expect(anchored.stdout).toMatch(/anchored {2}\d+ records, checkpoint of .* in block \d+/);
    expect(anchored.stdout).toContain("waiting   0 records not yet anchored");

    await local.takeIn(residentId(3));
    const lagging = JSON.parse((await aidtrail(["status", "--gateway", url, "--json"])).stdout);
    expect(lagging.waiting).toBeGreaterThan(0);

    local.setChainDown(true);
    try {
      const down = await aidtrail(["status", "--gateway", url]);
      expect(down.code).toBe(1);
      expect(down.stdout).toContain("NOT READY");
    } finally {
      local.setChainDown(false);
    }
    const gone = await aidtrail(["status", "--gateway", "http://127.0.0.1:9"]);
    expect([gone.code, gone.stderr]).toEqual([2, expect.stringContaining("cannot reach the gateway at http://127.0.0.1:9")]);
  }, 60_000);

  it("export writes the auditor's bundle, which `aidtrail verify` then checks against the chain", async () => {
    await local.gateway.anchorer.anchorOnce();
    const out = join(dir, "bundle.json");
    const auditor = await keystore("auditor", DEV_KEYS.auditor);
    const exported = await aidtrail(["export", "--gateway", local.gateway.url, "--keystore", auditor, "--out", out]);
    expect(exported.stderr).toBe("");
    expect(exported.stdout).toMatch(new RegExp(`wrote ${out}: \\d+ leaves .* records of ${COUNTY}, \\d+ checkpoints`));
    expect(JSON.parse(readFileSync(out, "utf8")).format).toBe("aidtrail.audit-bundle/2");
    const verified = await aidtrail(["verify", out, "--rpc", local.env.AIDTRAIL_RPC_URL, "--anchor", local.deployment.contracts.logAnchor]);
    expect([verified.code, verified.stdout]).toEqual([0, expect.stringContaining("VERIFIED")]);

    const caseworker = await aidtrail(["export", "--gateway", local.gateway.url, "--keystore", await keystore("caseworker", DEV_KEYS.caseworker), "--out", join(dir, "no.json")]);
    expect([caseworker.code, caseworker.stderr]).toEqual([2, expect.stringContaining("AUDITOR")]);
    const badTime = await aidtrail(["export", "--gateway", local.gateway.url, "--keystore", auditor, "--from", "last week"]);
    expect([badTime.code, badTime.stderr]).toEqual([2, expect.stringContaining("--from must be an ISO 8601 time")]);
  }, 60_000);
});
