import { hexlify, randomBytes, ZeroHash } from "ethers";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { roleId } from "../server/chain/roles.ts";
import { expectRevert } from "./helpers/expect-revert.ts";
import { buildWorld, J, type World } from "./helpers/world.ts";

let w: World;
let restore: () => Promise<void>;

beforeAll(async () => {
  w = await buildWorld();
  restore = await w.snapshot();
});
beforeEach(async () => restore());

describe("jurisdiction tree", () => {
  it("registers divisions beneath their parent and reports them", async () => {
    const [registered, parent] = await w.contracts.access.jurisdiction(J.townshipA1);
    expect(registered).toBe(true);
    expect(parent).toBe(J.countyA);
  });

  it("rejects a code that does not extend its parent's digits", async () => {
    await expectRevert(w.contracts.access.registerJurisdiction(450105000000n, J.city), "JurisdictionNotUnderParent", [
      450105000000n,
      J.city,
    ]);
  });

  it("rejects a village code, a code above its parent's level and an unknown parent", async () => {
    await expectRevert(w.contracts.access.registerJurisdiction(440105001001n, J.townshipA1), "JurisdictionNotUnderParent");
    await expectRevert(w.contracts.access.registerJurisdiction(J.province, J.city), "JurisdictionAlreadyRegistered");
    await expectRevert(w.contracts.access.registerJurisdiction(460100000000n, 460000000000n), "JurisdictionUnknown", [
      460000000000n,
    ]);
  });

  it("lets only governance register", async () => {
    await expectRevert(
      w.contracts.access.connect(w.who.outsider).registerJurisdiction(440107000000n, J.city),
      "AccessControlUnauthorizedAccount",
      [w.who.outsider.address, ZeroHash],
    );
  });
});

describe("scoped roles", () => {
  it("covers the granted jurisdiction and everything beneath it, nothing beside it", async () => {
    const approver = roleId("APPROVER");
    const a = w.contracts.access;
    expect(await a.hasScopedRole(approver, w.who.approver1.address, J.countyA)).toBe(true);
    expect(await a.hasScopedRole(approver, w.who.approver1.address, J.townshipA2)).toBe(true);
    expect(await a.hasScopedRole(approver, w.who.approver1.address, J.countyB)).toBe(false);
    expect(await a.hasScopedRole(approver, w.who.approver1.address, J.city)).toBe(false);
    expect(await a.hasScopedRole(roleId("AUDITOR"), w.who.auditor.address, J.townshipB1)).toBe(true);
    await expectRevert(a.checkRole(approver, w.who.approver1.address, J.townshipB1), "AccessOutsideJurisdiction", [
      w.who.approver1.address,
      approver,
      J.townshipB1,
    ]);
  });

  it("refuses an unscoped grant and a grant at an unknown jurisdiction", async () => {
    const a = w.contracts.access;
    await expectRevert(a.grantRole(roleId("AUDITOR"), w.who.outsider.address), "AccessScopeRequired");
    await expectRevert(a.grantScopedRole(roleId("AUDITOR"), w.who.outsider.address, 440199000000n), "JurisdictionUnknown");
  });

  it("emits RoleScoped on grant and removes the scope with the role", async () => {
    const a = w.contracts.access;
    const role = roleId("AUDITOR");
    const receipt = await (await a.grantScopedRole(role, w.who.outsider.address, J.countyB)).wait();
    const scoped = receipt!.logs.map((l) => a.interface.parseLog(l)).find((l) => l?.name === "RoleScoped");
    expect(scoped?.args.jurisdiction).toBe(J.countyB);
    expect(await a.scopeOf(role, w.who.outsider.address)).toEqual([true, J.countyB]);
    await (await a.revokeRole(role, w.who.outsider.address)).wait();
    expect(await a.scopeOf(role, w.who.outsider.address)).toEqual([false, 0n]);
    expect(await a.hasScopedRole(role, w.who.outsider.address, J.countyB)).toBe(false);
  });

  it("rotates an officer's account, keeping role and scope, and refuses merging two officers", async () => {
    const a = w.contracts.access;
    const approver = roleId("APPROVER");
    await expectRevert(a.rotateAccount(w.who.approver1.address, w.who.approver2.address), "AccessRotationInvalid");
    await expectRevert(a.rotateAccount(w.who.spare1.address, w.who.spare2.address), "AccessRotationInvalid");
    await expectRevert(
      a.connect(w.who.outsider).rotateAccount(w.who.approver1.address, w.who.spare1.address),
      "AccessControlUnauthorizedAccount",
    );
    const receipt = await (await a.rotateAccount(w.who.approver1.address, w.who.spare1.address)).wait();
    expect(receipt!.logs.map((l) => a.interface.parseLog(l)?.name)).toContain("AccountRotated");
    expect(await a.scopeOf(approver, w.who.spare1.address)).toEqual([true, J.countyA]);
    expect(await a.hasRole(approver, w.who.approver1.address)).toBe(false);
  });
});

describe("pauses", () => {
  it("pause a jurisdiction and everything beneath it, and only governance may pause", async () => {
    const a = w.contracts.access;
    const reason = hexlify(randomBytes(32));
    await expectRevert(a.connect(w.who.outsider).setPaused(J.countyA, true, reason), "AccessControlUnauthorizedAccount");
    await (await a.setPaused(J.countyA, true, reason)).wait();
    await expectRevert(a.checkNotPaused(J.townshipA1), "JurisdictionPaused", [J.townshipA1, J.countyA]);
    await a.checkNotPaused(J.townshipB1);
    await expectRevert(a.setPaused(J.countyA, true, reason), "JurisdictionPauseUnchanged");
    await (await a.setPaused(J.countyA, false, reason)).wait();
    await a.checkNotPaused(J.townshipA1);
  });
});
