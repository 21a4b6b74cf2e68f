import { hexlify, randomBytes } from "ethers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Area, Programme } from "../server/chain/domain.ts";
import { expectRevert } from "./helpers/expect-revert.ts";
import { buildWorld, DAY, J, STANDARD, type World } from "./helpers/world.ts";

let w: World;
let restore: () => Promise<void>;
/** The world's standards took effect before it was built; `now` is after. */
let now: bigint;
const later = (days: number) => now + BigInt(days * DAY);

beforeAll(async () => {
  w = await buildWorld();
  now = await w.time();
  restore = await w.snapshot();
});
beforeEach(async () => restore());

const at = (jurisdiction: bigint, time: bigint, programme: Programme = Programme.Dibao, area: Area = Area.Urban) => w.contracts.standards.standardAt(jurisdiction, programme, area, time);

describe("assistance standards", () => {
  it("takes the nearest jurisdiction's own standard: the township's, else the county's, else the city's", async () => {
    const s = w.contracts.standards;
    await (await s.setStandard(J.countyA, Programme.Dibao, Area.Urban, 125_000n, now)).wait();
    await (await s.setStandard(J.townshipA1, Programme.Dibao, Area.Urban, 130_000n, now)).wait();
    expect(await at(J.townshipA1, now)).toEqual([130_000n, J.townshipA1]);
    expect(await at(J.townshipA2, now)).toEqual([125_000n, J.countyA]);
    expect(await at(J.countyA, now)).toEqual([125_000n, J.countyA]);
    expect(await at(J.townshipB1, now)).toEqual([STANDARD.dibaoUrban, J.city]);
    expect(await at(J.countyB, now)).toEqual([STANDARD.dibaoUrban, J.city]);
    // Each programme and area stands apart.
    expect(await at(J.townshipA1, now, Programme.Dibao, Area.Rural)).toEqual([STANDARD.dibaoRural, J.city]);
    expect(await at(J.townshipA1, now, Programme.Temporary, Area.Urban)).toEqual([STANDARD.temporary, J.province]);
  });

  it("gives the version in force at the time asked: an earlier one before the latest takes effect", async () => {
    const s = w.contracts.standards;
    await (await s.setStandard(J.city, Programme.Dibao, Area.Urban, 130_000n, later(10))).wait();
    await (await s.setStandard(J.city, Programme.Dibao, Area.Urban, 140_000n, later(20))).wait();
    expect(await at(J.townshipA1, later(10) - 1n)).toEqual([STANDARD.dibaoUrban, J.city]);
    expect(await at(J.townshipA1, later(10))).toEqual([130_000n, J.city]);
    expect(await at(J.townshipA1, later(20) - 1n)).toEqual([130_000n, J.city]);
    expect(await at(J.townshipA1, later(20))).toEqual([140_000n, J.city]);
  });

  it("falls back to an ancestor's standard while a jurisdiction's own are not yet in force", async () => {
    const s = w.contracts.standards;
    await (await s.setStandard(J.townshipA1, Programme.Dibao, Area.Urban, 90_000n, later(5))).wait();
    await (await s.setStandard(J.townshipA1, Programme.Dibao, Area.Urban, 95_000n, later(9))).wait();
    expect(await at(J.townshipA1, later(5) - 1n)).toEqual([STANDARD.dibaoUrban, J.city]);
    expect(await at(J.townshipA1, later(5))).toEqual([90_000n, J.townshipA1]);
    expect(await at(J.townshipA1, later(9))).toEqual([95_000n, J.townshipA1]);
  });

  it("passes over a level where only other jurisdictions have standards", async () => {
    await (await w.contracts.standards.setStandard(J.townshipA2, Programme.Dibao, Area.Urban, 1n, now)).wait();
    await (await w.contracts.standards.setStandard(J.countyB, Programme.Dibao, Area.Urban, 2n, now)).wait();
    expect(await at(J.townshipA1, now)).toEqual([STANDARD.dibaoUrban, J.city]);
  });

  it("takes a version effective at the same time as the latest, which then replaces it", async () => {
    const s = w.contracts.standards;
    await (await s.setStandard(J.city, Programme.Dibao, Area.Urban, 130_000n, later(1))).wait();
    await (await s.setStandard(J.city, Programme.Dibao, Area.Urban, 131_000n, later(1))).wait();
    expect(await at(J.townshipA1, later(1))).toEqual([131_000n, J.city]);
  });

  it("keeps every version set at a jurisdiction, oldest first, each announced with its number", async () => {
    const s = w.contracts.standards;
    const receipt = await (await s.setStandard(J.city, Programme.Dibao, Area.Urban, 130_000n, later(1))).wait();
    const set = receipt!.logs.map((l) => s.interface.parseLog(l)).find((l) => l?.name === "StandardSet")!;
    expect([set.args.jurisdiction, set.args.version, set.args.amount, set.args.effectiveFrom, set.args.sender]).toEqual([
      J.city,
      1n,
      130_000n,
      later(1),
      w.who.governance.address,
    ]);
    const history = await s.history(J.city, Programme.Dibao, Area.Urban);
    expect(history.map((v) => v.amount)).toEqual([STANDARD.dibaoUrban, 130_000n]);
    expect(history[0]!.effectiveFrom).toBeLessThan(now);
    expect(history[1]!.effectiveFrom).toBe(later(1));
    expect(await s.history(J.townshipA1, Programme.Dibao, Area.Urban)).toEqual([]);
  });

  it("refuses a version effective before the latest, a zero amount, an unknown jurisdiction and anyone but governance", async () => {
    const s = w.contracts.standards;
    await (await s.setStandard(J.city, Programme.Dibao, Area.Urban, 130_000n, later(2))).wait();
    await expectRevert(s.setStandard(J.city, Programme.Dibao, Area.Urban, 1n, later(2) - 1n), "StandardEffectiveDateNotIncreasing", [later(2) - 1n, later(2)]);
    await expectRevert(s.setStandard(J.city, Programme.Dibao, Area.Urban, 0n, later(3)), "StandardAmountZero");
    await expectRevert(s.setStandard(440199000000n, Programme.Dibao, Area.Urban, 1n, later(3)), "StandardJurisdictionUnknown", [440199000000n]);
    await expectRevert(s.connect(w.who.outsider).setStandard(J.city, Programme.Dibao, Area.Urban, 1n, later(3)), "StandardUnauthorized", [w.who.outsider.address]);
    await expectRevert(s.connect(w.who.logOperator).setStandard(J.city, Programme.Dibao, Area.Urban, 1n, later(3)), "StandardUnauthorized", [w.who.logOperator.address]);
  });

  it("are held by the case registry: the deployment's standards are the registry's address, which announces each version", async () => {
    const registry = await w.contracts.cases.getAddress();
    expect(w.deployment.contracts.assistanceStandards).toBe(registry);
    expect(await w.contracts.standards.getAddress()).toBe(registry);
    const receipt = await (await w.contracts.standards.setStandard(J.city, Programme.Dibao, Area.Urban, 130_000n, later(1))).wait();
    const set = receipt!.logs.find((l) => w.contracts.cases.interface.parseLog(l)?.name === "StandardSet")!;
    expect(set.address).toBe(registry);
    // The registry's own interface answers for them too.
    expect(await w.contracts.cases.standardAt(J.townshipA1, Programme.Dibao, Area.Urban, later(1))).toEqual([130_000n, J.city]);
  });

  it("gives a payout its case's word and standard in one call, 0 where none is in force", async () => {
    const { caseId } = await w.submit({ household: [hexlify(randomBytes(32))] });
    const [word] = await w.contracts.cases.caseWords([caseId]);
    expect(await w.contracts.cases.payoutWord(caseId, now)).toEqual([word, STANDARD.dibaoUrban]);
    await (await w.contracts.standards.setStandard(J.townshipA1, Programme.Dibao, Area.Urban, 130_000n, later(1))).wait();
    expect(await w.contracts.cases.payoutWord(caseId, later(1))).toEqual([word, 130_000n]);
    const before = (await w.contracts.standards.history(J.city, Programme.Dibao, Area.Urban))[0]!.effectiveFrom - 1n;
    expect(await w.contracts.cases.payoutWord(caseId, before)).toEqual([word, 0n]);
    expect(await w.contracts.cases.payoutWord(hexlify(randomBytes(32)), now)).toEqual([0n, 0n]);
  });

  it("says when no standard is in force", async () => {
    await expectRevert(at(J.otherCounty, now), "StandardNotSet", [J.otherCounty, Programme.Dibao, Area.Urban, now]);
    const before = (await w.contracts.standards.history(J.city, Programme.Dibao, Area.Urban))[0]!.effectiveFrom - 1n;
    await expectRevert(at(J.townshipA1, before), "StandardNotSet", [J.townshipA1, Programme.Dibao, Area.Urban, before]);
    await expectRevert(at(J.townshipA1, now, Programme.Housing), "StandardNotSet", [J.townshipA1, Programme.Housing, Area.Urban, now]);
  });
});
