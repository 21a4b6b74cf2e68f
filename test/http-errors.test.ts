import { hexlify, randomBytes } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { Stage } from "../server/chain/domain.ts";
import { errorBody, statusOf } from "../server/http/errors.ts";
import { toAidtrailError } from "../server/chain/ledger-error.ts";
import { LogError } from "../server/log/errors.ts";
import { RecordFormatError } from "../kit/errors.ts";
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
    // In plain words, Chinese first at the edges, with what to do.
    expect(forbidden.message).toMatch(/^the ledger refused: account 0x[0-9a-fA-F]{8}… holds no role over 440105001000 that this step needs$/);
    expect(forbidden.details.zh).toEqual({ message: expect.stringMatching(/^账本拒绝：账户 0x[0-9a-fA-F]{8}… 在 440105001000 没有办理这一步所需的职责$/), hint: "请由持有该职责的人员办理，或请上级为其授权" });
    expect(forbidden.hint).toBe("have an officer who holds the role take it, or ask governance to grant it");

    const first = await w.submit();
    const duplicate = toAidtrailError(await failure(w.submit({ identity: first.identity })));
    expect([duplicate.code, statusOf(duplicate)]).toEqual(["LEDGER_CASE_IDENTITY_ALREADY_OPEN", 409]);

    const d = await w.decision(first.caseId, { stage: Stage.Review, deadline: 1n });
    const expired = toAidtrailError(await failure(w.contracts.cases.decide(d, await w.sign(d, [w.who.reviewer1]))));
    expect([expired.code, statusOf(expired)]).toEqual(["LEDGER_DECISION_EXPIRED", 422]);
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
