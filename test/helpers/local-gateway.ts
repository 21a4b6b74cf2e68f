import { expect } from "vitest";
import { randomBytes } from "node:crypto";
import { createServer, request as forward, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { JsonRpcProvider, NonceManager, Wallet } from "ethers";
import { network } from "hardhat";
import { pino } from "pino";
import request from "supertest";
import { deployAidtrail, type AidtrailContracts, type Deployment } from "../../server/chain/deploy.ts";
import { Area, Programme, Stage } from "../../server/chain/domain.ts";
import { roleId } from "../../server/chain/roles.ts";
import { defaultLogId, loadConfig } from "../../server/config.ts";
import { endOf, periodAt } from "../../server/funds/periods.ts";
import { startGateway, type GatewayTuning } from "../../server/gateway.ts";
import { signInAt } from "./sign-in.ts";
import { signedApplication } from "./application.ts";
import { checkCharacter } from "../../kit/resident-id.ts";
import type { Suite } from "../../kit/record.ts";
import { startAnvil } from "./anvil.ts";
import { newApplicationEnvelope, type ApplicationInput } from "../../server/records/kinds/application.ts";

/**
 * Hardhat's well-known development keys: for local chains only. Their accounts start with ether
 * on Hardhat's simulator, so the officers among them pay for their own transactions.
 */
export const DEV_KEYS = {
  governance: "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  operator: "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  caseworker: "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  auditor: "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  reviewer: "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  approver1: "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  approver2: "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  finance: "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  bank: "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  /** The county's second finance officer, who approves the appropriations its finance officer proposes. */
  budgetChecker: "0xf214f2b2cd398c806f84e317254e0f0b801d0643303237d97a22a48e01628897",
} as const;

/** The seeded officers, as wallets: the township's reviewer, the county's two approvers, its finance officer and its settlement agent. */
export const OFFICERS = {
  reviewer: new Wallet(DEV_KEYS.reviewer),
  approvers: [new Wallet(DEV_KEYS.approver1), new Wallet(DEV_KEYS.approver2)],
  finance: new Wallet(DEV_KEYS.finance),
  bank: new Wallet(DEV_KEYS.bank),
};

/** Guangzhou, the city over the county: a city auditor's jurisdiction. */
export const CITY = "440100000000";

export const COUNTY = "440105000000";

export const TOWNSHIP = "440105001000";

/** The resident ID takeIn gives an applicant's spouse: the applicant's, registered in Beijing's Haidian (110108), which no test applicant is. */
export function spouseOf(residentId: string): string {
  const body = "110108" + residentId.slice(6, 17);
  return body + checkCharacter(body);
}

/** Where an application is taken in: the gateway, its township, the caseworker's key, and the gateway's configuration (for its identity key). */
interface Office {
  url: string;
  caseworker: string;
  township: string;
  env: { AIDTRAIL_IDENTITY_KEY: string };
}

/** What takeIn is told of an application's people beyond their resident IDs. */
type IntakePerson = Partial<Pick<ApplicationInput, "applicant" | "household" | "health" | "assets" | "bankAccount">>;

/**
 * A gateway for county 440105 started from configuration alone, against a real JSON-RPC
 * endpoint (Hardhat's, in process), with a deployed and seeded ledger of the `suite` given (the
 * standard one unless told): the operator account
 * holds LOG_OPERATOR alone (it relays and anchors); the officers of DEV_KEYS hold their roles
 * (caseworker, reviewer at the township; approvers, finance officer, settlement agent, auditor at
 * the county) and sign their own steps.
 */
export async function localGateway(tuning: GatewayTuning = {}, chain: { rpcUrl?: string; suite?: Suite } = {}) {
  // Hardhat's simulator in this process, unless the chain is another process's (the benchmark's),
  // or the run is against an independent node (AIDTRAIL_TEST_CHAIN=anvil: npm run test:anvil).
  const anvil = !chain.rpcUrl && process.env.AIDTRAIL_TEST_CHAIN === "anvil" ? await startAnvil() : null;
  const server = chain.rpcUrl || anvil ? null : await network.createServer("hardhat", "127.0.0.1", 0);
  const rpcUrl = chain.rpcUrl ?? anvil?.rpcUrl ?? `http://127.0.0.1:${(await server!.listen()).port}`;
  const { hostname, port } = new URL(rpcUrl);
  // The gateway reaches the chain through this proxy, which a test can switch off to play an outage.
  let chainDown = false;
  // Armed, the next transaction sent reaches the chain, and then the chain goes down before it answers.
  let downAfterNextSend = false;
  // Held, transactions sent reach neither the chain nor an answer until released (then dropped): a node that hangs.
  let holdingSends = false;
  const heldSends: ServerResponse[] = [];
  // The JSON-RPC calls the gateway made, in order.
  const callsMade: { method: string; params: unknown[] }[] = [];
  const proxy = createServer(async (req, res) => {
    if (chainDown) return void res.destroy();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    callsMade.push(...[JSON.parse(body.toString("utf8")) as { method: string; params: unknown[] }].flat());
    if (holdingSends && body.includes("eth_sendRawTransaction")) return void heldSends.push(res);
    const losesAnswer = downAfterNextSend && body.includes("eth_sendRawTransaction");
    const upstream = forward({ host: hostname, port, path: req.url, method: req.method, headers: req.headers }, (reply) => {
      if (losesAnswer) {
        downAfterNextSend = false;
        chainDown = true;
        reply.resume();
        return void reply.on("end", () => res.destroy());
      }
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    upstream.end(body);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const gatewayRpcUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  const governance = new NonceManager(new Wallet(DEV_KEYS.governance, provider));
  const { deployment, contracts } = await deployAidtrail(governance, { suite: chain.suite });
  const { access, cases, standards } = contracts;
  const address = (key: string) => new Wallet(key).address;
  await (await access.registerJurisdiction(440000000000n, 0n)).wait();
  await (await access.registerJurisdiction(BigInt(CITY), 440000000000n)).wait();
  await (await access.registerJurisdiction(BigInt(COUNTY), BigInt(CITY))).wait();
  await (await access.registerJurisdiction(BigInt(TOWNSHIP), BigInt(COUNTY))).wait();
  for (const [role, key, scope] of [
    ["LOG_OPERATOR", DEV_KEYS.operator, COUNTY],
    ["CASEWORKER", DEV_KEYS.caseworker, TOWNSHIP],
    ["REVIEWER", DEV_KEYS.reviewer, TOWNSHIP],
    ["APPROVER", DEV_KEYS.approver1, COUNTY],
    // The first approver also reads a child's data; the second does not.
    ["SPECIAL_CATEGORY_READER", DEV_KEYS.approver1, COUNTY],
    ["APPROVER", DEV_KEYS.approver2, COUNTY],
    ["FINANCE_OFFICER", DEV_KEYS.finance, COUNTY],
    ["FINANCE_OFFICER", DEV_KEYS.budgetChecker, COUNTY],
    ["SETTLEMENT_AGENT", DEV_KEYS.bank, COUNTY],
    ["AUDITOR", DEV_KEYS.auditor, COUNTY],
  ] as const) {
    await (await access.grantScopedRole(roleId(role), address(key), BigInt(scope))).wait();
  }
  await (await standards.setStandard(440000000000n, Programme.Dibao, Area.Urban, 120_000n, 0)).wait();
  await (await cases.setThreshold(440000000000n, Programme.Dibao, Stage.Review, 1)).wait();
  await (await cases.setThreshold(440000000000n, Programme.Dibao, Stage.Approval, 2)).wait();
  await (await standards.setStandard(440000000000n, Programme.Temporary, Area.Urban, 300_000n, 0)).wait();
  await (await cases.setThreshold(440000000000n, Programme.Temporary, Stage.Review, 1)).wait();
  await (await cases.setThreshold(BigInt(TOWNSHIP), Programme.Temporary, Stage.Approval, 1)).wait();
  // The county gateway's record log, registered by governance for the county.
  await (await contracts.anchor.registerLog(defaultLogId(COUNTY), BigInt(COUNTY))).wait();

  const dataDir = mkdtempSync(join(tmpdir(), "aidtrail-gateway-"));
  writeFileSync(join(dataDir, "deployment.json"), JSON.stringify(deployment));
  // The names the pages show for the county's divisions, as the national code list writes them.
  writeFileSync(join(dataDir, "divisions.csv"), `code,name,parent\n440000000000,广东省,\n${CITY},广州市,440000000000\n${COUNTY},海珠区,${CITY}\n${TOWNSHIP},赤岗街道,${COUNTY}\n`);
  const env = {
    AIDTRAIL_DATA: dataDir,
    AIDTRAIL_PORT: "0",
    AIDTRAIL_RPC_URL: gatewayRpcUrl,
    AIDTRAIL_CHAIN_ID: String(deployment.chainId),
    AIDTRAIL_JURISDICTION: COUNTY,
    AIDTRAIL_MASTER_KEYS: JSON.stringify({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }),
    AIDTRAIL_IDENTITY_KEY: randomBytes(32).toString("base64"),
    AIDTRAIL_OPERATOR_KEY: DEV_KEYS.operator,
    AIDTRAIL_DIVISIONS: join(dataDir, "divisions.csv"),
    // Every test, and every caseworker of bench:gateway, signs in from 127.0.0.1: the per-address
    // sign-in limit would soon refuse them all.
    AIDTRAIL_SIGN_IN_LIMIT: "100000",
    // The browser tests open a citizen's page many times a minute from one address.
    AIDTRAIL_RECEIPT_LIMIT: "100000",
    AIDTRAIL_METRICS_TOKEN: "local-gateway-metrics-token",
    AIDTRAIL_BACKUP_TOKEN: "local-gateway-backup-token-0123456789",
  };
  // Set up at once; from here on, a block every two seconds, as QBFT mines.
  await anvil?.mineEvery(2);
  const gateway = await startGateway(loadConfig(env), pino({ enabled: false }), tuning);

  const receipts = new Map<string, string>();

  /**
   * Takes an application in through the gateway as the seeded caseworker, who signs it; returns
   * its case id (its receipt's QR payload in `receipts`). The household is the applicant and a
   * spouse, whose resident ID is the applicant's with another district's code (spouseOf);
   * `person` gives them other names, or adds a phone, an address, health, assets or a bank account.
   */
  async function takeIn(residentId: string, programme = "dibao", person: IntakePerson = {}): Promise<string> {
    const response = await takeInBody(residentId, programme, person);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    receipts.set(response.body.caseId, response.body.receipt.qr);
    return response.body.caseId;
  }

  /** The office an application is taken in at: this county's township and caseworker, unless another county's (anotherCounty). */
  const office: Office = { url: gateway.url, caseworker: DEV_KEYS.caseworker, township: TOWNSHIP, env };

  /** The gateway's answer to takeIn's application, whatever it is. */
  async function takeInBody(residentId: string, programme = "dibao", person: IntakePerson = {}, at = office) {
    const fields = {
      programme: programme as ApplicationInput["programme"],
      area: "urban" as const,
      jurisdiction: at.township,
      applicant: { name: "申请人", residentId },
      household: [{ name: "家属", relation: "配偶", residentId: spouseOf(residentId) }],
      monthlyIncome: 40_000,
      documents: [],
      ...person,
    };
    // The record's time and a deadline by the chain's clock, which tests move on.
    const now = (await provider.getBlock("latest"))!.timestamp;
    const envelope = newApplicationEnvelope(new Date(now * 1000).toISOString());
    const body = await signedApplication(fields, new Wallet(at.caseworker), { deployment, env: at.env }, BigInt(now + 3600), { envelope });
    return request(at.url).post("/v1/cases").set("authorization", await signInAt(at.url, at.caseworker)).send(body);
  }

  const others: Awaited<ReturnType<typeof startGateway>>[] = [];
  /**
   * Another county of the city, with a gateway of its own on the same chain and deployment: its
   * own log (registered for it), operator and township caseworker (new accounts, funded), its own
   * master keys, and the deployment's identity key, which every gateway of a deployment shares, so
   * that one person is one identity in every county. Answers its gateway and its office.
   */
  async function anotherCounty(county: string, township: string, names: { county: string; township: string }) {
    const operator = Wallet.createRandom();
    const caseworker = Wallet.createRandom();
    await (await access.registerJurisdiction(BigInt(county), BigInt(CITY))).wait();
    await (await access.registerJurisdiction(BigInt(township), BigInt(county))).wait();
    for (const officer of [operator, caseworker]) await (await governance.sendTransaction({ to: officer.address, value: 10n ** 18n })).wait();
    await (await access.grantScopedRole(roleId("LOG_OPERATOR"), operator.address, BigInt(county))).wait();
    await (await access.grantScopedRole(roleId("CASEWORKER"), caseworker.address, BigInt(township))).wait();
    await (await contracts.anchor.registerLog(defaultLogId(county), BigInt(county))).wait();
    const data = mkdtempSync(join(tmpdir(), "aidtrail-gateway-"));
    writeFileSync(join(data, "deployment.json"), JSON.stringify(deployment));
    writeFileSync(join(data, "divisions.csv"), `code,name,parent\n440000000000,广东省,\n${CITY},广州市,440000000000\n${county},${names.county},${CITY}\n${township},${names.township},${county}\n`);
    const otherEnv = {
      ...env,
      AIDTRAIL_DATA: data,
      AIDTRAIL_RPC_URL: rpcUrl,
      AIDTRAIL_JURISDICTION: county,
      AIDTRAIL_MASTER_KEYS: JSON.stringify({ current: "k1", keys: { k1: randomBytes(32).toString("base64") } }),
      AIDTRAIL_OPERATOR_KEY: operator.privateKey,
      AIDTRAIL_DIVISIONS: join(data, "divisions.csv"),
    };
    const other = await startGateway(loadConfig(otherEnv), pino({ enabled: false }), tuning);
    others.push(other);
    return { gateway: other, office: { url: other.url, caseworker: caseworker.privateKey, township, env: otherEnv } satisfies Office };
  }

  /**
   * An officer's own ledger step through the gateway (see SignedCall): the draft of `path` (a
   * /v1 path) with `fields`, its transaction signed with `key`, then the relay with the same
   * fields. Answers the relay, or the draft when the gateway refused to draft it.
   */
  async function signedStep(path: string, fields: object, key: string) {
    const token = await signIn(key);
    const drafted = await request(gateway.url).post(`${path}/draft`).set("authorization", token).send(fields);
    if (drafted.status !== 200) return drafted;
    const signedTransaction = await new Wallet(key).signTransaction(drafted.body.transaction);
    return request(gateway.url).post(path).set("authorization", token).send({ ...fields, draft: drafted.body.draft, signedTransaction });
  }

  /**
   * An appropriation through the gateway, as two finance officers make it: `maker` proposes
   * (POST /v1/appropriations), then `checker` enters the same terms and approves
   * (POST /v1/appropriations/:proposalId/approval). Answers the new allocation's id.
   */
  async function budget(fields: { programme: string; fiscalYear: number; jurisdiction: string; amount: string; purpose: string }, maker: string = DEV_KEYS.finance, checker: string = DEV_KEYS.budgetChecker): Promise<string> {
    const proposed = await signedStep("/v1/appropriations", fields, maker);
    if (proposed.status !== 201 || proposed.body.ledger.state !== "done") throw new Error(`the proposal was not made: ${JSON.stringify(proposed.body)}`);
    const proposalId = await contracts.funds.appropriationProposalCount();
    const { purpose: _, ...terms } = fields;
    const approved = await signedStep(`/v1/appropriations/${proposalId}/approval`, terms, checker);
    if (approved.status !== 201 || approved.body.ledger.state !== "done") throw new Error(`the appropriation was not approved: ${JSON.stringify(approved.body)}`);
    return (await contracts.funds.allocationCount()).toString();
  }

  /** A payout run as its finance officer takes it: the draft, each batch's transaction signed with `key`, the relay. Answers as signedStep does. */
  async function payoutRun(fields: { programme: string; period: number; allocationId: string; batchSize?: number }, key: string = DEV_KEYS.finance) {
    const token = await signIn(key);
    const drafted = await request(gateway.url).post("/v1/payout-runs/draft").set("authorization", token).send(fields);
    if (drafted.status !== 200) return drafted;
    const wallet = new Wallet(key);
    const signedTransactions = await Promise.all(drafted.body.batches.map((b: { transaction: object }) => wallet.signTransaction(b.transaction)));
    return request(gateway.url).post("/v1/payout-runs").set("authorization", token).send({ ...fields, draft: drafted.body.draft, signedTransactions });
  }

  /**
   * Reviews, approves (two county approvers) and activates a case through the gateway's own
   * routes, with officers who sign their decisions (the seeded ones unless given), the approval for
   * the household the ledger holds, and the activation signed by the caseworker; the notice period
   * is passed by moving the clock.
   */
  async function activate(caseId: string, amount: bigint, officers: { reviewer: Wallet; approvers: Wallet[] } = OFFICERS) {
    const tokenOf = async (w: Wallet) => signIn(w.privateKey);
    const decide = async (signers: Wallet[], query: string) => {
      const token = await tokenOf(signers[0]!);
      const { body: payload } = await request(gateway.url).get(`/v1/cases/${caseId}/decision-request${query}`).set("authorization", token).expect(200);
      const signatures = await Promise.all(signers.map(async (w) => ({ signer: w.address, signature: await w.signTypedData(payload.domain, payload.types, payload.message) })));
      const relayed = await request(gateway.url).post(`/v1/cases/${caseId}/decisions`).set("authorization", token).send({ decision: payload.message, signatures });
      if (relayed.status !== 201) throw new Error(`approval not relayed: ${JSON.stringify(relayed.body)}`);
    };
    await decide([officers.reviewer], "");
    await decide(officers.approvers, `?amount=${amount}`);
    await provider.send("evm_increaseTime", [7 * 24 * 3600]);
    await provider.send("evm_mine", []);
    const activated = await signedStep(`/v1/cases/${caseId}/activate`, {}, DEV_KEYS.caseworker);
    if (activated.status !== 201 || activated.body.ledger.state !== "done") throw new Error(`activation not relayed: ${JSON.stringify(activated.body)}`);
  }

  /** The chain's time, in seconds. */
  const chainTime = async () => (await provider.getBlock("latest"))!.timestamp;

  /** A bearer token for the account of `key`, through this gateway's sign-in routes. */
  const signIn = (key: string) => signInAt(gateway.url, key);

  let gatewayRunning = true;
  return {
    gateway,
    env,
    /** The chain's own JSON-RPC endpoint (the gateway's, in `env`, goes through the outage switch). */
    rpcUrl,
    /** Stops the in-process gateway, leaving the chain (and the data folder) for another one. */
    async stopGateway() {
      if (gatewayRunning) await gateway.close();
      gatewayRunning = false;
    },
    deployment: deployment as Deployment,
    contracts: contracts as AidtrailContracts,
    /**
     * The county's budget line for `fiscalYear`, made straight on the ledger as it takes it: its
     * finance officer proposes, the budget checker approves the same terms. Answers the allocation's id.
     */
    async appropriate(programme: Programme, fiscalYear: number, amount: bigint): Promise<string> {
      const terms = [programme, fiscalYear, BigInt(COUNTY), amount, "0x" + "00".repeat(32)] as const;
      const funds = contracts.funds;
      await (await funds.connect(new Wallet(DEV_KEYS.finance, provider)).proposeAppropriation(...terms)).wait();
      const proposalId = await funds.appropriationProposalCount();
      await (await funds.connect(new Wallet(DEV_KEYS.budgetChecker, provider)).approveAppropriation(proposalId, ...terms)).wait();
      return (await funds.allocationCount()).toString();
    },
    signIn,
    takeIn,
    takeInBody,
    anotherCounty,
    receipts,
    /** The operator's provider: for tests that fund accounts or move the clock. */
    provider,
    activate,
    signedStep,
    budget,
    payoutRun,
    /** The month the chain's clock is in (China Standard Time), YYYYMM: the latest month a payout can be for. */
    async currentPeriod() {
      return periodAt(await chainTime());
    },
    /** Moves the chain's clock to the first second of the next month (China Standard Time); answers that month. */
    async nextMonth() {
      const next = endOf(periodAt(await chainTime()));
      await provider.send("evm_setNextBlockTimestamp", [next]);
      await provider.send("evm_mine", []);
      return periodAt(next);
    },
    /**
     * Runs `work` (a test's own setting up, not what it measures) on a chain that mines each
     * transaction at once, then goes back to a block every two seconds: on anvil; on Hardhat's
     * simulator, which always mines at once, it just runs it.
     */
    async settingUp<T>(work: () => Promise<T>): Promise<T> {
      await anvil?.mineAtOnce();
      try {
        return await work();
      } finally {
        await anvil?.mineEvery(2);
      }
    },
    /** From now on the chain mines a block only when evm_mine asks for one; `mineAsUsual` undoes it. */
    async mineWhenTold() {
      if (anvil) await anvil.mineWhenTold();
      else await provider.send("evm_setAutomine", [false]);
    },
    /** The chain mines again as it did: at once on Hardhat's simulator, every two seconds on anvil. */
    async mineAsUsual() {
      if (anvil) await anvil.mineEvery(2);
      else await provider.send("evm_setAutomine", [true]);
    },
    /** Moves the chain's clock on, as the days of a public notice pass. */
    async advance(seconds: number) {
      await provider.send("evm_increaseTime", [seconds]);
      await provider.send("evm_mine", []);
    },
    /** Cuts or restores the gateway's connection to the chain. */
    setChainDown(down: boolean) {
      chainDown = down;
    },
    /** The JSON-RPC calls the gateway made since the last call, in order. */
    callsMade() {
      return callsMade.splice(0);
    },
    /** Holds every transaction the gateway sends, unanswered, until released; released, they are dropped, never having reached the chain. */
    holdSends(hold: boolean) {
      holdingSends = hold;
      if (!hold) for (const res of heldSends.splice(0)) res.destroy();
    },
    /** How many transactions are held (see holdSends). */
    sendsHeld() {
      return heldSends.length;
    },
    /** Lets the next transaction the gateway sends reach the chain, then cuts the connection before the chain's answer gets back. */
    loseAnswerToNextSend() {
      downAfterNextSend = true;
    },
    async close() {
      if (gatewayRunning) await gateway.close();
      for (const other of others) await other.close();
      provider.destroy();
      proxy.closeAllConnections();
      await new Promise((resolve) => proxy.close(resolve));
      await server?.close();
      await anvil?.close();
    },
  };
}
