import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { drop, outboxKey, owed, pendingEntries, settle, type OutboxEntry } from "../server/sync/outbox.ts";
import { StateStore } from "../server/state/state-store.ts";

const stores: StateStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});
const entry = (caseId: string): OutboxEntry => ({ kind: "submitApplication", caseId, recordId: "r" + "0".repeat(32), owedAt: Date.now(), args: [], state: "pending", attempts: 0 });

describe("the outbox", () => {
  it("hands the relayer only what is still owed, in the order owed; settling or dropping a debt clears its mark in the same write", async () => {
    const state = await StateStore.open(mkdtempSync(join(tmpdir(), "aidtrail-outbox-")));
    stores.push(state);
    const keys = ["a", "b", "c", "d"].map((c, i) => outboxKey(c, 1_000 + i));
    await state.put(owed(Object.fromEntries(keys.map((k, i) => [k, entry("abcd"[i]!)]))));
    expect((await pendingEntries(state)).map(([k]) => k)).toEqual(keys);
    // A relayer run with transactions in flight takes only what has been owed since.
    expect((await pendingEntries(state, keys[1])).map(([k]) => k)).toEqual(keys.slice(2));

    // One write settles several: a batch of applications goes to the ledger in one transaction.
    await settle(state, [
      [keys[1]!, { ...entry("b"), state: "done", transactionHash: "0x01" }],
      [keys[2]!, { ...entry("c"), attempts: 1 }],
    ]);
    await drop(state, keys[3]!);
    expect((await pendingEntries(state)).map(([k]) => k)).toEqual([keys[0], keys[2]]);
    expect((await state.list("pending:")).map(([k]) => k)).toEqual([`pending:${keys[0]}`, `pending:${keys[2]}`]);
    // A settled entry stays readable by its key (requests and payout runs report from it).
    expect(await state.get<OutboxEntry>(keys[1]!)).toMatchObject({ state: "done", transactionHash: "0x01" });
    expect(await state.get(keys[3]!)).toBeUndefined();
  });
});
