import { describe, expect, it } from "vitest";
import { Reading } from "../server/chain/reading.ts";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("a reading from the chain", () => {
  it("is read once for its first use, then used while it is fresh, and read again in the background once stale", async () => {
    let reads = 0;
    const gate: { open?: () => void } = {};
    const reading = new Reading(async () => {
      reads++;
      if (reads === 2) await new Promise<void>((resolve) => (gate.open = resolve));
      return reads;
    }, 20);
    expect(await Promise.all([reading.get(), reading.get()])).toEqual([1, 1]);
    expect(reads).toBe(1);
    await pause(30);
    // Stale: the old value is used at once while one read, not one per use, runs.
    expect(await Promise.all([reading.get(), reading.get()])).toEqual([1, 1]);
    expect(reads).toBe(2);
    gate.open!();
    await pause(0);
    expect(await reading.get()).toBe(2);
  });

  it("waits for a new read once forgotten, and a failed first read fails its use without keeping the failure", async () => {
    let fail = true;
    const reading = new Reading(async () => {
      if (fail) throw new Error("the node did not answer");
      return "fresh";
    }, 1000);
    await expect(reading.get()).rejects.toThrow("the node did not answer");
    fail = false;
    expect(await reading.get()).toBe("fresh");
    fail = true;
    reading.forget();
    await expect(reading.get()).rejects.toThrow("the node did not answer");
  });
});
