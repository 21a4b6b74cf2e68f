import { beforeAll, describe, expect, it } from "vitest";
import { batchPayout, checkpoint, payrollWorld, singlePayout, TARGETS } from "../bench/gas-scenarios.ts";
import { buildWorld, type World } from "./helpers/world.ts";

// Gas is deterministic for a given EVM fork and bytecode, so the targets the national payroll
// depends on are held here, not only reported by `npm run bench:gas`.
let w: World;
let payroll: Awaited<ReturnType<typeof payrollWorld>>;

beforeAll(async () => {
  w = await buildWorld();
  payroll = await payrollWorld(w, 100);
});

describe("gas targets", () => {
  it("a single payout costs at most 75,000 for a case's first payment and 60,000 for a later month", async () => {
    const { first, later } = await singlePayout(payroll, 2020);
    expect(first).toBeLessThanOrEqual(TARGETS.singleFirst);
    expect(later).toBeLessThanOrEqual(TARGETS.singleLater);
  });

  it("a batch of 100 costs at most 30,000 per case for first payments and 15,000 for a later month", async () => {
    const { first, later } = await batchPayout(payroll, 100, 2030);
    expect(first / 100).toBeLessThanOrEqual(TARGETS.batch100First);
    expect(later / 100).toBeLessThanOrEqual(TARGETS.batch100Later);
  });

  it("a checkpoint of 2^20 leaves costs at most 80,000", async () => {
    expect((await checkpoint(w, 20)).gas).toBeLessThanOrEqual(TARGETS.checkpoint2e20);
  });
});
