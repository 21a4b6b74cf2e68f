import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEV_KEYS, localGateway, spouseOf, TOWNSHIP } from "./helpers/local-gateway.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
let caseworker: string;
let auditor: string;

beforeAll(async () => {
  local = await localGateway();
  [caseworker, auditor] = await Promise.all([local.signIn(DEV_KEYS.caseworker), local.signIn(DEV_KEYS.auditor)]);
}, 60_000);
afterAll(async () => local?.close());

const applicant = "110101199003074477";
const fields = (name: string, relation = "配偶") => ({
  programme: "dibao",
  area: "urban",
  jurisdiction: TOWNSHIP,
  applicant: { name, residentId: applicant },
  household: [{ name: "家属", relation, residentId: spouseOf(applicant) }],
  monthlyIncome: 40_000,
  documents: [],
});
const draft = (body: object | string, type = "application/json") => request(local.gateway.url).post("/v1/cases/draft").set("authorization", caseworker).set("content-type", type).send(typeof body === "string" ? body : JSON.stringify(body));

describe("bad input", () => {
  it("is refused with a 4xx and a stable code, nothing written, however it is made", async () => {
    const size = local.gateway.log.size;
    // Nested past any record's shape: refused before anything walks it (these overflowed the stack).
    expect((await draft("[".repeat(5_000) + "]".repeat(5_000)).expect(400)).body.error.code).toBe("RECORD_TOO_DEEP");
    expect((await draft('{"a":'.repeat(100_000) + "1" + "}".repeat(100_000)).expect(400)).body.error.code).toBe("RECORD_TOO_DEEP");
    // Not JSON in UTF-8: refused, not decoded as latin1 or read as text.
    expect((await draft(fields("王芳"), "application/json; charset=latin1").expect(415)).body.error.code).toBe("REQUEST_ENCODING");
    expect((await draft(JSON.stringify(fields("王芳")), "text/plain").expect(415)).body.error.code).toBe("REQUEST_ENCODING");
    // Names a person reads: not blank, nothing hidden in them.
    for (const name of ["   ", "王\u0000芳", "\u202e芳王", "王\u200b芳", "王\n芳"]) {
      expect((await draft(fields(name)).expect(400)).body.error, JSON.stringify(name)).toMatchObject({ code: "REQUEST_INVALID", field: "applicant.name" });
    }
    expect((await draft(fields("王芳", "\u2066配偶")).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "household.0.relation" });
    // Ids beyond what the ledger stores.
    for (const id of [(2n ** 64n).toString(), (2n ** 24n).toString(), "1".repeat(40), "x"]) {
      expect((await request(local.gateway.url).get(`/v1/audit/allocations/${id}/flow`).set("authorization", auditor).expect(400)).body.error).toMatchObject({ code: "REQUEST_INVALID", field: "allocationId" });
    }
    const finance = await local.signIn(DEV_KEYS.finance);
    for (const amount of ["abc", (2n ** 38n).toString(), "-1"]) {
      const refused = await request(local.gateway.url).post("/v1/payouts/draft").set("authorization", finance).send({ caseId: "0x" + "11".repeat(32), period: 0, allocationId: "1", amount }).expect(400);
      expect(refused.body.error, amount).toMatchObject({ code: "REQUEST_INVALID", field: "amount" });
    }
    expect(local.gateway.log.size).toBe(size);
  });

  it("answers 503 on a route that needs the chain while it is down", async () => {
    local.setChainDown(true);
    try {
      const answer = await request(local.gateway.url).get("/v1/auth/session").set("authorization", await local.signIn(DEV_KEYS.reviewer).catch(() => caseworker));
      expect([answer.status, answer.body.error?.code]).toEqual([503, "LEDGER_UNAVAILABLE"]);
    } finally {
      local.setChainDown(false);
    }
  });
});
