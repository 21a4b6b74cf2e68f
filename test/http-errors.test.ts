import { hexlify, randomBytes } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { Stage } from "../server/chain/domain.ts";
import { errorBody, statusOf, toAidtrailError } from "../server/http/errors.ts";
import { LogError } from "../server/log/errors.ts";
import { RecordFormatError } from "../server/verify/errors.ts";
import { buildWorld, type World } from "./helpers/world.ts";

let w: World;
beforeAll(async () => {
  w = await buildWorld();
});

async function failure(action: Promise<unknown>): Promise<unknown> {
  try {
    await action;
  } catch (error) {
    return error;
  }
  throw new Error("expected the transaction to revert");
}

describe("chain reverts as HTTP errors", () => {
  it("keeps the custom error's name as a stable code, with a status by its meaning", async () => {
    const forbidden = toAidtrailError(await failure(w.submit({ by: w.who.outsider })));
    expect([forbidden.code, statusOf(forbidden)]).toEqual(["LEDGER_ACCESS_OUTSIDE_JURISDICTION", 403]);
    expect(forbidden.message).toMatch(/^the ledger refused the transaction: AccessOutsideJurisdiction\(0x/);

    const first = await w.submit();
    const duplicate = toAidtrailError(await failure(w.submit({ identity: first.identity })));
    expect([duplicate.code, statusOf(duplicate)]).toEqual(["LEDGER_CASE_IDENTITY_ALREADY_OPEN", 409]);

    const d = await w.decision(first.caseId, { stage: Stage.Review, deadline: 1n });
    const expired = toAidtrailError(await failure(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1]))));
    expect([expired.code, statusOf(expired)]).toEqual(["LEDGER_APPROVAL_EXPIRED", 422]);
  });

  it("maps the library's errors by code and hides anything unexpected", () => {
    expect(statusOf(new LogError("RECORD_NOT_FOUND", "x"))).toBe(404);
    expect(statusOf(new LogError("RECORD_EXISTS", "x"))).toBe(409);
    expect(statusOf(new RecordFormatError("RECORD_TOO_LARGE", "x"))).toBe(413);
    expect(statusOf(new RecordFormatError("RECORD_INVALID", "x", { field: "kind" }))).toBe(400);
    const internal = toAidtrailError(new TypeError(`cannot read ${hexlify(randomBytes(4))} of 王小明`));
    expect(errorBody(internal).error).toMatchObject({ code: "INTERNAL", message: "the gateway failed to handle the request" });
  });
});
