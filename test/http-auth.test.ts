import { randomBytes } from "node:crypto";
import { Wallet } from "ethers";
import express from "express";
import { pino } from "pino";
import request from "supertest";
import { beforeAll, describe, expect, it } from "vitest";
import { SignIn } from "../server/auth/sign-in.ts";
import { roleId } from "../server/chain/roles.ts";
import { createApp } from "../server/http/app.ts";
import { authorize, signedIn } from "../server/http/officers.ts";
import { authRouter } from "../server/http/routes/auth.ts";
import { citizenRouter, type CitizenContext } from "../server/http/routes/citizen.ts";
import { buildWorld, J, type World } from "./helpers/world.ts";

let w: World;
let clock = new Date("2026-11-25T08:00:00Z");
let signIn: SignIn;
let app: express.Express;
const tokenSecret = randomBytes(32);
const options = { domain: "gateway.example", uri: "https://gateway.example", jurisdiction: "440105000000", tokenSecret };

beforeAll(async () => {
  w = await buildWorld();
  signIn = new SignIn({ ...options, chainId: Number(w.chainId), now: () => clock });
  // A route only county A's approvers may use, to show authorisation is read from the chain per request.
  const approvals = express.Router();
  approvals.get("/approvals-demo/:jurisdiction", signedIn(signIn), authorize(w.contracts.access, "APPROVER", (req) => req.params.jurisdiction as string), (req, res) => {
    res.json({ officer: req.officer });
  });
  app = createApp({ readiness: async () => ({}), logger: pino({ enabled: false }), maxBodyBytes: 65536, version: "test", routers: [authRouter(signIn, w.contracts.access, 1000), approvals] });
});

async function signInAs(wallet: { address: string; signMessage(m: string): Promise<string> }) {
  const { message } = (await request(app).post("/v1/auth/challenge").send({ address: wallet.address }).expect(200)).body;
  return { message: message as string, signature: await wallet.signMessage(message) };
}

describe("officer sign-in", () => {
  it("gives a token to whoever signs the challenge with the account's key, and says which roles the ledger gives it", async () => {
    const { message, signature } = await signInAs(w.who.approver1);
    expect(message).toContain(`wants you to sign in with your Ethereum account:\n${w.who.approver1.address}`);
    expect(message).toContain(`Chain ID: ${w.chainId}`);
    const session = (await request(app).post("/v1/auth/session").send({ message, signature }).expect(200)).body;
    expect(session.address).toBe(w.who.approver1.address);
    const me = await request(app).get("/v1/auth/session").set("authorization", `Bearer ${session.token}`).expect(200);
    expect(me.body).toEqual({ address: w.who.approver1.address, roles: [{ role: "APPROVER", jurisdiction: "440105000000" }] });
  });

  it("refuses a reused, changed, expired or foreign signature, each with its code", async () => {
    const first = await signInAs(w.who.approver1);
    await request(app).post("/v1/auth/session").send(first).expect(200);
    expect((await request(app).post("/v1/auth/session").send(first).expect(401)).body.error.code).toBe("AUTH_CHALLENGE_UNKNOWN");

    // A phishing page that relays the gateway's challenge has the officer sign it rewritten: another
    // domain, URI, chain, statement or expiry, the nonce kept. The officer's own signature of it gets nothing.
    const officer = w.who.approver1;
    for (const [from, to] of [
      ["gateway.example wants", "evil.example wants"],
      ["URI: https://gateway.example", "URI: https://evil.example"],
      [`Chain ID: ${w.chainId}`, "Chain ID: 1"],
      ["Sign in to the aidtrail gateway", "Claim your subsidy at the aidtrail gateway"],
      [/Expiration Time: .*/, "Expiration Time: 2099-01-01T00:00:00.000Z"],
    ] as const) {
      const { message: issued } = (await request(app).post("/v1/auth/challenge").send({ address: officer.address }).expect(200)).body;
      const rewritten = (issued as string).replace(from, to);
      expect(rewritten).not.toBe(issued);
      const refused = await request(app).post("/v1/auth/session").send({ message: rewritten, signature: await officer.signMessage(rewritten) }).expect(401);
      expect(refused.body.error).toMatchObject({ code: "AUTH_CHALLENGE_ALTERED", field: "message" });
      // The challenge is spent: signing the original afterwards gets nothing either.
      expect((await request(app).post("/v1/auth/session").send({ message: issued, signature: await officer.signMessage(issued) }).expect(401)).body.error.code).toBe("AUTH_CHALLENGE_UNKNOWN");
    }

    const foreign = await signInAs(w.who.approver1);
    const other = await Wallet.createRandom().signMessage(foreign.message);
    expect((await request(app).post("/v1/auth/session").send({ message: foreign.message, signature: other }).expect(401)).body.error.code).toBe("AUTH_SIGNATURE_INVALID");

    const late = await signInAs(w.who.approver1);
    clock = new Date(clock.getTime() + 10 * 60_000);
    expect((await request(app).post("/v1/auth/session").send(late).expect(401)).body.error.code).toBe("AUTH_CHALLENGE_EXPIRED");

    expect((await request(app).post("/v1/auth/challenge").send({ address: "0x12" }).expect(400)).body.error.code).toBe("AUTH_ADDRESS_INVALID");
    expect((await request(app).post("/v1/auth/session").send({ message: "x", signature: "0x00" }).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "signature" });
  });

  it("refuses requests without a valid, unexpired token", async () => {
    expect((await request(app).get("/v1/auth/session").expect(401)).body.error.code).toBe("AUTH_REQUIRED");
    expect((await request(app).get("/v1/auth/session").set("authorization", "Bearer nonsense").expect(401)).body.error.code).toBe("AUTH_TOKEN_INVALID");
    const { token } = (await request(app).post("/v1/auth/session").send(await signInAs(w.who.approver1)).expect(200)).body;
    // Used once, so the gateway has it as verified: neither a changed copy nor its expiry gets past that.
    await request(app).get("/v1/auth/session").set("authorization", `Bearer ${token}`).expect(200);
    const changed = token.slice(0, -2) + (token.endsWith("AA") ? "BB" : "AA");
    expect((await request(app).get("/v1/auth/session").set("authorization", `Bearer ${changed}`).expect(401)).body.error.code).toBe("AUTH_TOKEN_INVALID");
    clock = new Date(clock.getTime() + 9 * 3600_000);
    expect((await request(app).get("/v1/auth/session").set("authorization", `Bearer ${token}`).expect(401)).body.error.code).toBe("AUTH_TOKEN_INVALID");
    // A token is bound to the gateway it was issued for: another county's, or another chain's, is refused, whatever key signed it.
    for (const elsewhere of [new SignIn({ ...options, jurisdiction: "440106000000", chainId: Number(w.chainId), now: () => clock }), new SignIn({ ...options, chainId: 1, now: () => clock })]) {
      const wallet = w.who.approver1;
      const message = elsewhere.challenge(wallet.address);
      const { token: foreign } = await elsewhere.session(message, await wallet.signMessage(message));
      expect((await request(app).get("/v1/auth/session").set("authorization", `Bearer ${foreign}`).expect(401)).body.error.code).toBe("AUTH_TOKEN_INVALID");
    }
  });

  it("authorises against the ledger on every request: a role revoked on chain stops working at once", async () => {
    const { token } = (await request(app).post("/v1/auth/session").send(await signInAs(w.who.approver2)).expect(200)).body;
    const bearer = `Bearer ${token}`;
    await request(app).get(`/v1/approvals-demo/${J.townshipA1}`).set("authorization", bearer).expect(200);
    const otherCounty = await request(app).get(`/v1/approvals-demo/${J.countyB}`).set("authorization", bearer).expect(403);
    expect(otherCounty.body.error).toMatchObject({ code: "FORBIDDEN_ROLE", message: `account ${w.who.approver2.address} does not hold APPROVER over jurisdiction ${J.countyB} on the ledger` });
    await (await w.contracts.access.revokeRole(roleId("APPROVER"), w.who.approver2.address)).wait();
    await request(app).get(`/v1/approvals-demo/${J.townshipA1}`).set("authorization", bearer).expect(403);
  });

  it("rate-limits the receipt checks, a citizen's every route, as configured", async () => {
    // A receipt that opens nothing is refused without reading anything: the router needs no more.
    const limited = createApp({ readiness: async () => ({}), logger: pino({ enabled: false }), maxBodyBytes: 65536, version: "test", routers: [citizenRouter({} as CitizenContext, 2)] });
    await request(limited).get("/v1/citizen/record").set("x-aidtrail-receipt", "nothing").expect(401);
    await request(limited).get("/v1/citizen/case").set("x-aidtrail-receipt", "nothing").expect(401);
    const refused = await request(limited).get("/v1/citizen/record").set("x-aidtrail-receipt", "nothing").expect(429);
    expect(refused.body.error).toMatchObject({ code: "RATE_LIMITED", message: "too many receipt checks from this address" });
  });

  it("rate-limits the sign-in routes", async () => {
    const limited = createApp({ readiness: async () => ({}), logger: pino({ enabled: false }), maxBodyBytes: 65536, version: "test", routers: [authRouter(signIn, w.contracts.access, 2)] });
    await request(limited).post("/v1/auth/challenge").send({ address: w.who.outsider.address }).expect(200);
    await request(limited).post("/v1/auth/challenge").send({ address: w.who.outsider.address }).expect(200);
    expect((await request(limited).post("/v1/auth/challenge").send({ address: w.who.outsider.address }).expect(429)).body.error.code).toBe("RATE_LIMITED");
  });
});
