import { beforeAll, describe, expect, it } from "vitest";
import { batchPayout, checkpoint, intake, payrollWorld, singlePayout, TARGETS, type Payroll } from "../bench/gas-scenarios.ts";
import { buildWorld, type World } from "./helpers/world.ts";

// Gas is deterministic for a given EVM fork and bytecode, so the targets the national payroll
// depends on are held here, not only reported by `npm run bench:gas`. Each includes its
// authorisation: a payout is the finance officer's own transaction, an application carries its
// caseworker's signature.
let w: World;
let payroll: Payroll;

beforeAll(async () => {
  w = await buildWorld();
  payroll = await payrollWorld(w, 100);
});

describe("gas targets", () => {
  let single: { first: number; later: number };

  it("a single payout costs at most 60,000 for a later month of a group", async () => {
    single = await singlePayout(payroll);
    expect(single.later).toBeLessThanOrEqual(TARGETS.singleLater);
  });

  it("a single payout costs at most 75,000 for the first month of a group", () => {
    expect(single.first).toBeLessThanOrEqual(TARGETS.singleFirst);
  });

  it("a batch of 100 costs at most 30,000 per case for the first month of a group and 15,000 for a later month", async () => {
    const { first, later } = await batchPayout(payroll, 100);
    expect(first / 100).toBeLessThanOrEqual(TARGETS.batch100First);
    expect(later / 100).toBeLessThanOrEqual(TARGETS.batch100Later);
  });

  it("an application in a batch of 100, signed, costs at most 90,000", async () => {
    const { gas } = await intake(w, 100);
    expect(gas / 100).toBeLessThanOrEqual(TARGETS.application100);
  });

  it("a checkpoint of 2^20 leaves costs at most 80,000", async () => {
    expect((await checkpoint(w, 20)).gas).toBeLessThanOrEqual(TARGETS.checkpoint2e20);
  });
});
