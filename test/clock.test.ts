import { describe, expect, it } from "vitest";
import { LedgerClock } from "../server/chain/clock.ts";

const YEAR_MS = 365 * 24 * 3600_000;
const seconds = (ms: number) => Math.floor(ms / 1000);

describe("the gateway's clock", () => {
  it("is the wall clock while the ledger is behind it, and the ledger's once a block is seen ahead", () => {
    const clock = new LedgerClock();
    clock.observe(seconds(Date.now() - YEAR_MS));
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(60_000);
    clock.observe(seconds(Date.now() + 30 * 24 * 3600_000));
    expect(clock.now() - Date.now()).toBeGreaterThan(29 * 24 * 3600_000);
    // A draft made before the move is as old as the wall clock says.
    expect(clock.within(new Date(Date.now() - 60_000).toISOString(), 3600_000)).toBe(true);
    expect(clock.within(new Date(Date.now() - 2 * 3600_000).toISOString(), 3600_000)).toBe(false);
  });

  it("follows a demo ledger that began a year back, each new block setting it, and judges a draft's age by the ledger's time", () => {
    const clock = new LedgerClock(true);
    const yearAgo = seconds(Date.now() - YEAR_MS);
    clock.observe(yearAgo);
    expect(Math.abs(clock.now() - yearAgo * 1000)).toBeLessThan(60_000);
    expect(clock.iso().slice(0, 10)).toBe(new Date(yearAgo * 1000).toISOString().slice(0, 10));
    // A month on by the ledger; a block seen again, or an older one, does not take it back.
    const monthOn = yearAgo + 30 * 24 * 3600;
    clock.observe(monthOn);
    clock.observe(yearAgo);
    expect(Math.abs(clock.now() - monthOn * 1000)).toBeLessThan(60_000);
    expect(clock.within(new Date(monthOn * 1000 - 60_000).toISOString(), 3600_000)).toBe(true);
    expect(clock.within(new Date(Date.now()).toISOString(), 3600_000)).toBe(false);
    expect(clock.within(new Date(yearAgo * 1000).toISOString(), 3600_000)).toBe(false);
  });
});
