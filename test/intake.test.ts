import { createHash } from "node:crypto";
import { hexlify, randomBytes, Wallet } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Area, CaseStatus, Programme } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { checkCharacter, identityCommitment } from "../server/records/identity.ts";
import { receiptMatches } from "../server/cases/receipts.ts";
import type { CaseEntry } from "../server/cases/intake.ts";
import { pino } from "pino";
import { loadConfig } from "../server/config.ts";
import { startGateway } from "../server/gateway.ts";
import { pendingEntries } from "../server/state/outbox.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";
import { signInAt } from "./helpers/sign-in.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let caseworker: string;
let auditor: string;

beforeAll(async () => {
  local = await localGateway();
  caseworker = await local.signIn(DEV_KEYS.caseworker);
  auditor = await local.signIn(DEV_KEYS.auditor);
});
afterAll(async () => local?.close());

const digest = (s: string) => createHash("sha256").update(s).digest("hex");
const application = (residentId = "110101199003074477") => ({
  programme: "dibao",
  area: "urban",
  jurisdiction: TOWNSHIP,
  applicant: { name: "王小明", residentId, phone: "13812345678", address: "建国路1号" },
  household: [{ name: "王大明", relation: "父亲" }],
  monthlyIncome: 80_000,
  documents: [{ kind: "hukou", sha256: digest("户口本") }],
});
/** The data of the eth_calls the gateway made since the last look (see callsMade), to `contract` alone if given. */
const ethCallsMade = (contract?: { target: unknown }) =>
  local.callsMade().flatMap(({ method, params }) => {
    const call = params[0] as { to: string; data: string };
    return method === "eth_call" && (!contract || call.to.toLowerCase() === String(contract.target).toLowerCase()) ? [call.data] : [];
  });
const post = (body: unknown, token = caseworker) => request(local.gateway.url).post("/v1/cases").set("authorization", token).send(body as object);

describe("case intake", () => {
  let taken: { caseId: string; recordId: string; recordHash: string; leafIndex: number; receipt: { code: string; qr: string } };

  it("logs the record, puts the case on the ledger and hands the citizen a receipt", async () => {
    const response = await post(application()).expect(201);
    taken = response.body;
    expect(response.body.ledger).toMatchObject({ state: "done", transactionHash: expect.stringMatching(/^0x[0-9a-f]{64}$/) });
    expect(taken.receipt.qr).toBe(`aidtrail:case:${taken.caseId}:${taken.receipt.code}`);
    const [terms] = await local.contracts.cases.getCase(taken.caseId);
    expect(Number(terms.status)).toBe(CaseStatus.Submitted);
    expect((await local.contracts.cases.revisions(taken.caseId))[0]).toBe(taken.recordHash);
    const [submitted] = await local.contracts.cases.queryFilter(local.contracts.cases.filters.CaseSubmitted(taken.caseId));
    expect(await local.contracts.cases.openCaseOf(submitted!.args.identityCommitment, Programme.Dibao)).toBe(taken.caseId);
    const stored = await local.gateway.state.get<CaseEntry>(`case:${taken.caseId}`);
    const identityKey = Buffer.from(local.env.AIDTRAIL_IDENTITY_KEY, "base64");
    expect(receiptMatches(identityKey, taken.caseId, taken.receipt.code, stored!.receiptHash)).toBe(true);
    expect(receiptMatches(identityKey, taken.caseId, "0".repeat(12), stored!.receiptHash)).toBe(false);
    expect(JSON.stringify(stored)).not.toContain(taken.receipt.code);
  });

  it("refuses a second open case of the same person, writing nothing", async () => {
    const size = local.gateway.log.size;
    const cases = (await local.gateway.state.list("case:")).length;
    const refused = await post(application("110101199003074477")).expect(409);
    expect(refused.body.error.code).toBe("LEDGER_CASE_IDENTITY_ALREADY_OPEN");
    expect(local.gateway.log.size).toBe(size);
    expect((await local.gateway.state.list("case:")).length).toBe(cases);
  });

  it("answers a retried request with the first answer, not a second case", async () => {
    const key = `retry-${Date.now()}`;
    const first = await post(application("110105194912310020".slice(0, 17) + "X")).set("idempotency-key", key);
    const size = local.gateway.log.size;
    const again = await post(application("110105194912310020".slice(0, 17) + "X")).set("idempotency-key", key);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body).toEqual(first.body);
    expect(local.gateway.log.size).toBe(size);
  });

  it("refuses bad input with its code and field, writing nothing", async () => {
    const size = local.gateway.log.size;
    expect((await post(application("110101199003074478")).expect(400)).body.error).toMatchObject({ code: "IDENTITY_INVALID", field: "residentId" });
    expect((await post({ ...application(), programme: "lottery" }).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "programme" });
    expect((await post({ ...application(), documents: [{ kind: "x", sha256: "abc" }] }).expect(400)).body.error.field).toBe("documents.0.sha256");
    expect(local.gateway.log.size).toBe(size);
  });

  it("checks concurrent intakes together, refusing only the one the ledger would refuse", async () => {
    const residentId = (body: string) => body + checkCharacter(body);
    const size = local.gateway.log.size;
    ethCallsMade();
    const answers = await Promise.all([
      post(application(residentId("11010119850505101"))),
      post(application(residentId("11010119850505102"))),
      // The applicant of the first test, whose case is open.
      post(application("110101199003074477")),
      post(application(residentId("11010119850505103"))),
      post(application(residentId("11010119850505104")), auditor),
      post(application(residentId("11010119850505105"))),
    ]);
    const calls = ethCallsMade();
    expect(answers.map((a) => a.status)).toEqual([201, 201, 409, 201, 403, 201]);
    expect(answers[2]!.body.error.code).toBe("LEDGER_CASE_IDENTITY_ALREADY_OPEN");
    expect(answers[4]!.body.error.code).toBe("FORBIDDEN_ROLE");
    expect(local.gateway.log.size).toBe(size + 4);
    // Six requests' role checks (two officers) in fewer calls than six, and dry runs run
    // together: a batch the ledger refused (it held the open case) was run again one by one.
    const of = (name: string, contract: { interface: { getFunction(name: string): { selector: string } | null } }) => calls.filter((data) => data.startsWith(contract.interface.getFunction(name)!.selector));
    expect(of("hasScopedRole", local.contracts.access).length + of("multicall", local.contracts.access).length).toBeLessThan(6);
    const dryRuns = of("checkApplications", local.contracts.cases).map((data) => Number(BigInt("0x" + data.slice(10 + 64, 10 + 128))));
    expect(Math.max(...dryRuns)).toBeGreaterThan(1);
  });

  it("asks the ledger the roles of officers whose requests arrive together in one call, each question once", async () => {
    const { chain } = local.gateway;
    const { access } = local.contracts;
    const officer = (key: string) => new Wallet(key).address;
    const caseworkerRole = roleId("CASEWORKER");
    ethCallsMade();
    const answers = await Promise.all([
      chain.hasScopedRole(caseworkerRole, officer(DEV_KEYS.caseworker), BigInt(TOWNSHIP)),
      chain.hasScopedRole(caseworkerRole, officer(DEV_KEYS.auditor), BigInt(TOWNSHIP)),
      chain.hasScopedRole(roleId("AUDITOR"), officer(DEV_KEYS.auditor), BigInt(TOWNSHIP)),
      chain.hasScopedRole(caseworkerRole, officer(DEV_KEYS.caseworker), BigInt(TOWNSHIP)),
    ]);
    expect(answers).toEqual([true, false, true, true]);
    const together = ethCallsMade(access);
    expect(together).toHaveLength(1);
    expect(access.interface.decodeFunctionData("multicall", together[0]!)[0]).toHaveLength(3);
    // One officer's question alone is asked as it is.
    expect(await chain.hasScopedRole(caseworkerRole, officer(DEV_KEYS.caseworker), BigInt(COUNTY))).toBe(false);
    const alone = ethCallsMade(access);
    expect(alone).toHaveLength(1);
    expect(alone[0]!.startsWith(access.interface.getFunction("hasScopedRole").selector)).toBe(true);
  });

  it("refuses the second of two applications of one person made at once, though neither is on the ledger yet", async () => {
    const size = local.gateway.log.size;
    const answers = await Promise.all([post(application("11010119700101100" + checkCharacter("11010119700101100"))), post(application("11010119700101100" + checkCharacter("11010119700101100")))]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const refused = answers.find((a) => a.status === 409)!;
    expect(refused.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN" });
    expect(refused.body.error.message).toContain(answers.find((a) => a.status === 201)!.body.caseId);
    expect(local.gateway.log.size).toBe(size + 1);
    // A request refused its role holds no one: the caseworker's, made with it, goes through.
    const person = application("11010119700101101" + checkCharacter("11010119700101101"));
    expect((await Promise.all([post(person, auditor), post(person)])).map((a) => a.status)).toEqual([403, 201]);
  });

  it("lets only a caseworker over the township take a case in", async () => {
    expect((await post(application("110101199507070015"), auditor).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    // The role is the answer even when the ledger would also refuse (this applicant's case is
    // open): a caller without the role learns nothing about who has a case.
    expect((await post(application("110101199003074477"), auditor).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    expect((await post({ ...application("110101199507070015"), jurisdiction: "440105002000" }).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    await request(local.gateway.url).post("/v1/cases").send(application()).expect(401);
  });

  it("takes cases in while the chain is down, and puts them on the ledger when it returns", async () => {
    local.setChainDown(true);
    try {
      expect((await request(local.gateway.url).get("/readyz").expect(503)).body.checks.chain).toMatch(/^unreachable/);
      const pending = await post(application("110101200001011232")).expect(201);
      expect(pending.body.ledger.state).toBe("pending");
      expect((await local.gateway.log.lookup(pending.body.recordId, { decrypt: false })).revisions).toHaveLength(1);
      // A dry run cannot tell, but the gateway knows whom its applications owed are for.
      const twice = await post(application("110101200001011232")).expect(409);
      expect(twice.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN", message: expect.stringContaining(`on its way to the ledger: case ${pending.body.caseId}`) });
      // A role never confirmed before the outage cannot be taken on trust.
      const unknown = await request(local.gateway.url).get(`/v1/cases/${pending.body.caseId}`).set("authorization", auditor).expect(503);
      expect(unknown.body.error.code).toBe("LEDGER_UNAVAILABLE");
      local.setChainDown(false);
      await local.gateway.relayer.runOnce();
      const [terms] = await local.contracts.cases.getCase(pending.body.caseId);
      expect(Number(terms.status)).toBe(CaseStatus.Submitted);
      const view = (await request(local.gateway.url).get(`/v1/cases/${pending.body.caseId}`).set("authorization", caseworker).expect(200)).body;
      expect(view.submission).toMatchObject({ state: "done", transactionHash: expect.stringMatching(/^0x/) });
      // On the ledger, the case is the ledger's to guard.
      expect((await post(application("110101200001011232")).expect(409)).body.error.message).toMatch(/^the ledger refused the transaction: CaseIdentityAlreadyOpen/);
    } finally {
      local.setChainDown(false);
    }
  });

  it("relays applications owed together in one transaction, and a batch the ledger refuses case by case", async () => {
    const residentId = (body: string) => body + checkCharacter(body);
    const submissions = (taken: { caseId: string }[]) =>
      Promise.all(taken.map(async ({ caseId }) => (await request(local.gateway.url).get(`/v1/cases/${caseId}`).set("authorization", caseworker).expect(200)).body.submission));
    const takeWhileChainIsDown = async (ids: string[]) => {
      local.setChainDown(true);
      try {
        const taken: { caseId: string }[] = [];
        for (const id of ids) taken.push((await post(application(residentId(id))).expect(201)).body);
        return taken;
      } finally {
        local.setChainDown(false);
      }
    };

    const together = await takeWhileChainIsDown(["11010119800101123", "11010119800101124", "11010119800101125"]);
    await local.gateway.relayer.runOnce();
    const relayed = await submissions(together);
    expect(relayed.map((s) => s.state)).toEqual(["done", "done", "done"]);
    expect(new Set(relayed.map((s) => s.transactionHash)).size).toBe(1);
    for (const { caseId } of together) expect(Number((await local.contracts.cases.getCase(caseId))[0].status)).toBe(CaseStatus.Submitted);

    const ids = ["11010119800101126", "11010119800101127", "11010119800101128"];
    const refusedOne = await takeWhileChainIsDown(ids);
    // Meanwhile another gateway of the deployment opens a case for the second applicant.
    const identityKey = Buffer.from(local.env.AIDTRAIL_IDENTITY_KEY, "base64");
    const elsewhere = local.contracts.cases.connect(new Wallet(DEV_KEYS.caseworker, local.provider));
    await (await elsewhere.submitApplication(hexlify(randomBytes(32)), Programme.Dibao, Area.Urban, BigInt(TOWNSHIP), hexlify(randomBytes(32)), identityCommitment(identityKey, residentId(ids[1]!)))).wait();
    await local.gateway.relayer.runOnce();
    const [first, second, third] = await submissions(refusedOne);
    expect(second).toMatchObject({ state: "failed", error: { code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN" } });
    expect([first.state, third.state]).toEqual(["done", "done"]);
    expect(first.transactionHash).not.toBe(third.transactionHash);
    // The refused application holds its applicant no longer: a new one goes to the ledger, which refuses it for the case opened elsewhere.
    expect((await post(application(residentId(ids[1]!))).expect(409)).body.error.message).toMatch(/^the ledger refused the transaction: CaseIdentityAlreadyOpen/);
  });

  it("shows personal data only for a stated purpose, to a role that works with it, and logs the read", async () => {
    const url = `/v1/cases/${taken.caseId}`;
    const plain = (await request(local.gateway.url).get(url).set("authorization", caseworker).expect(200)).body;
    expect(plain.ledger.status).toBe("Submitted");
    expect(plain.revisions[0].record.personal).toBeUndefined();
    expect(plain.personalData).toMatch(/give \?purpose=/);

    const size = local.gateway.log.size;
    const read = (await request(local.gateway.url).get(`${url}?purpose=${encodeURIComponent("eligibility review")}`).set("authorization", caseworker).expect(200)).body;
    expect(read.revisions[0].record.personal.applicant.name).toBe("王小明");
    expect(local.gateway.log.size).toBe(size + 1);
    const accessLog = await local.gateway.log.stored(size);
    expect(accessLog).toMatchObject({ kind: "access-log", caseId: taken.caseId, public: { reader: new Wallet(DEV_KEYS.caseworker).address, purpose: "eligibility review" } });

    const audited = (await request(local.gateway.url).get(`${url}?purpose=audit`).set("authorization", auditor).expect(200)).body;
    expect(audited.revisions[0].record.personal).toBeUndefined();
    expect(audited.personalData).toMatch(/roles do not read personal data/);
    expect((await request(local.gateway.url).get("/v1/cases/0x" + "00".repeat(32)).set("authorization", caseworker).expect(404)).body.error.code).toBe("CASE_NOT_FOUND");
  });
});

describe("case intake that does not wait for the ledger", () => {
  let quick: Awaited<ReturnType<typeof localGateway>>;
  beforeAll(async () => {
    quick = await localGateway({ ledgerWaitMs: 0 });
  });
  afterAll(async () => quick?.close());

  it("answers once the record is durable and the call owed, then puts the case on the ledger", async () => {
    const token = await quick.signIn(DEV_KEYS.caseworker);
    const response = await request(quick.gateway.url).post("/v1/cases").set("authorization", token).send(application()).expect(201);
    expect(response.body.ledger).toEqual({ state: "pending" });
    expect((await quick.gateway.log.lookup(response.body.recordId, { decrypt: false })).revisions).toHaveLength(1);
    // The relayer was started by the intake, not left to its next round (five seconds away).
    await expect.poll(async () => Number((await quick.contracts.cases.getCase(response.body.caseId))[0].status), { timeout: 2_000 }).toBe(CaseStatus.Submitted);
  });

  it("still holds, after a restart, the applicant of an application owed from before it", async () => {
    const applicant = application("11010119600101100" + checkCharacter("11010119600101100"));
    quick.setChainDown(true);
    let owed: string;
    try {
      owed = (await request(quick.gateway.url).post("/v1/cases").set("authorization", await quick.signIn(DEV_KEYS.caseworker)).send(applicant).expect(201)).body.caseId;
      // The relayer the intake started finds the chain down, and leaves the application owed.
      await quick.gateway.relayer.runOnce();
      await quick.stopGateway();
    } finally {
      quick.setChainDown(false);
    }
    // The new process's relayer has not run yet (its first round is a minute away): the ledger does not have the case.
    const again = await startGateway(loadConfig(quick.env), pino({ enabled: false }), { ledgerWaitMs: 0, relayIntervalMs: 60_000 });
    try {
      const token = await signInAt(again.url, DEV_KEYS.caseworker);
      const refused = await request(again.url).post("/v1/cases").set("authorization", token).send(applicant).expect(409);
      expect(refused.body.error).toMatchObject({ code: "LEDGER_CASE_IDENTITY_ALREADY_OPEN", message: expect.stringContaining(`on its way to the ledger: case ${owed}`) });
      await expect(quick.contracts.cases.getCase(owed)).rejects.toThrow(/CaseUnknown/);
    } finally {
      await again.close();
    }
  });

  it("finds on the ledger, after a restart, an application whose transaction was mined but whose answer was lost", async () => {
    const start = () => startGateway(loadConfig(quick.env), pino({ enabled: false }), { ledgerWaitMs: 0, relayIntervalMs: 60_000 });
    const applicant = application("11010119600101200" + checkCharacter("11010119600101200"));
    const submitted = (caseId: string) => quick.contracts.cases.queryFilter(quick.contracts.cases.filters.CaseSubmitted(caseId));
    await quick.stopGateway();
    const first = await start();
    // What an earlier test left owed goes first, so that the answer lost is this application's.
    await first.relayer.runOnce();
    quick.loseAnswerToNextSend();
    let caseId: string;
    try {
      caseId = (await request(first.url).post("/v1/cases").set("authorization", await signInAt(first.url, DEV_KEYS.caseworker)).send(applicant).expect(201)).body.caseId;
      // The relayer's transaction is mined, but the gateway never hears so: the application is still owed when it stops.
      await expect.poll(async () => (await submitted(caseId)).length).toBe(1);
      await first.relayer.runOnce();
    } finally {
      await first.close();
      quick.setChainDown(false);
    }
    const [mined] = await submitted(caseId);
    const again = await start();
    try {
      await again.relayer.runOnce();
      const view = (await request(again.url).get(`/v1/cases/${caseId}`).set("authorization", await signInAt(again.url, DEV_KEYS.caseworker)).expect(200)).body;
      // The transaction that was mined is the case's, not a refusal of a second one.
      expect(view.submission).toEqual({ state: "done", transactionHash: mined!.transactionHash });
      expect(view.ledger.status).toBe("Submitted");
      expect(await submitted(caseId)).toHaveLength(1);
      expect(await again.state.list("sent:")).toEqual([]);
    } finally {
      await again.close();
    }
  });

  it("sends batches of applications without waiting for each to be mined, so that a chain mining on a period takes several in a block", async () => {
    const start = () => startGateway(loadConfig(quick.env), pino({ enabled: false }), { ledgerWaitMs: 0, relayIntervalMs: 60_000 });
    const { provider } = quick;
    const pool = async () => ((await provider.send("eth_getBlockByNumber", ["pending", false])) as { transactions: string[] }).transactions;
    await quick.stopGateway();
    const gateway = await start();
    const blockGasLimit = (await provider.getBlock("latest"))!.gasLimit;
    // Blocks are mined when the test says, as a permissioned chain mines one a period, and are
    // large enough for every batch at once.
    await provider.send("evm_setAutomine", [false]);
    await provider.send("evm_setBlockGasLimit", ["0x" + (1_000_000_000).toString(16)]);
    try {
      const token = await signInAt(gateway.url, DEV_KEYS.caseworker);
      const caseIds: string[] = [];
      for (let n = 0; n < 260; n += 20) {
        const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => request(gateway.url).post("/v1/cases").set("authorization", token).send(application(residentId(n + i, "19700101"))).expect(201)));
        caseIds.push(...taken.map((r) => r.body.caseId as string));
      }
      // The first intake's run sent what was owed then; while its transaction waits for a block,
      // the run sends what was owed since, within half a second, rather than once it is mined.
      const sentAll = async () => (await pendingEntries(gateway.state)).every(([, entry]) => entry.sentAs !== undefined);
      await expect.poll(sentAll, { timeout: 5_000 }).toBe(true);
      const sent = await pool();
      expect(sent.length).toBeGreaterThanOrEqual(2);
      // Until the oldest is mined, the others cannot be, and the chain is asked only for the oldest's receipt.
      const receiptsAskedFor = () => quick.callsMade().flatMap(({ method, params }) => (method === "eth_getTransactionReceipt" ? [params[0] as string] : []));
      receiptsAskedFor();
      const asked: string[] = [];
      await expect.poll(() => asked.push(...receiptsAskedFor()), { timeout: 5_000 }).toBeGreaterThan(2);
      expect(new Set(asked)).toEqual(new Set([sent[0]]));
      await provider.send("evm_mine", []);
      await gateway.relayer.runOnce();
      const block = await provider.getBlockNumber();
      const events = await quick.contracts.cases.queryFilter(quick.contracts.cases.filters.CaseSubmitted(), block, block);
      const carriers = new Set(events.map((e) => e.transactionHash));
      expect(carriers.size).toBeGreaterThanOrEqual(2);
      expect([...carriers].filter((hash) => !sent.includes(hash))).toEqual([]);
      const onLedger = new Set((await quick.contracts.cases.queryFilter(quick.contracts.cases.filters.CaseSubmitted())).map((e) => e.args.caseId));
      expect(caseIds.filter((caseId) => !onLedger.has(caseId))).toEqual([]);
      expect(await gateway.state.list("sent:")).toEqual([]);
    } finally {
      await provider.send("evm_setAutomine", [true]);
      await provider.send("evm_setBlockGasLimit", ["0x" + blockGasLimit.toString(16)]);
      await gateway.close();
    }
  });
});
