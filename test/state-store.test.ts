import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { StateStore } from "../server/state/state-store.ts";

const folder = () => mkdtempSync(join(tmpdir(), "aidtrail-state-"));

describe("state store", () => {
  it("writes made at once all land, in the order they were made", async () => {
    const state = await StateStore.open(folder());
    try {
      await Promise.all([
        ...Array.from({ length: 50 }, (_, i) => state.put({ [`k:${i}`]: { i } })),
        state.put({ same: 1 }),
        state.put({ same: 2 }),
        state.put({ gone: true }),
        state.delete("gone"),
      ]);
      expect(await Promise.all(Array.from({ length: 50 }, (_, i) => state.get(`k:${i}`)))).toEqual(Array.from({ length: 50 }, (_, i) => ({ i })));
      expect(await state.get("same")).toBe(2);
      expect(await state.get("gone")).toBeUndefined();
    } finally {
      await state.close();
    }
  });

  it("refuses a value that is not JSON alone, and writes the others made with it", async () => {
    const state = await StateStore.open(folder());
    try {
      const outcomes = await Promise.allSettled([state.put({ a: 1 }), state.put({ b: 2n, c: 3 }), state.put({ d: 4 })]);
      expect(outcomes.map((o) => o.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
      expect([await state.get("a"), await state.get("b"), await state.get("c"), await state.get("d")]).toEqual([1, undefined, undefined, 4]);
    } finally {
      await state.close();
    }
  });

  it("finishes the writes under way before it closes", async () => {
    const path = folder();
    const state = await StateStore.open(path);
    const written = Promise.all(Array.from({ length: 20 }, (_, i) => state.put({ [`k:${i}`]: i })));
    await state.close();
    await written;
    const again = await StateStore.open(path);
    try {
      expect((await again.list("k:")).length).toBe(20);
    } finally {
      await again.close();
    }
  });
});
