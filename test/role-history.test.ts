import { network } from "hardhat";
import { describe, expect, it } from "vitest";
import { roleHistory } from "../server/audit/verify-bundle.ts";
import { inWindows } from "../server/chain/events.ts";
import { deployAidtrail } from "../server/chain/deploy.ts";
import { roleId } from "../server/chain/roles.ts";

const PROVINCE = 440000000000n;
const COUNTY = 440105000000n;
const TOWNSHIP = 440105001000n;
const OTHER_TOWNSHIP = 440105002000n;

describe("the role history the verifier rebuilds from events", () => {
  it("answers as hasScopedRole does at every block, through grants, a narrower regrant, a rotation, a revocation and a renunciation", async () => {
    const { ethers } = await network.create();
    const [governance, officer, other, successor] = await ethers.getSigners();
    const { contracts } = await deployAidtrail(governance!);
    const { access } = contracts;
    const first = await ethers.provider.getBlockNumber();
    await (await access.registerJurisdiction(PROVINCE, 0n)).wait();
    await (await access.registerJurisdiction(COUNTY, PROVINCE)).wait();
    await (await access.registerJurisdiction(TOWNSHIP, COUNTY)).wait();
    await (await access.registerJurisdiction(OTHER_TOWNSHIP, COUNTY)).wait();
    const REVIEWER = roleId("REVIEWER");
    const APPROVER = roleId("APPROVER");
    await (await access.grantScopedRole(REVIEWER, officer!.address, COUNTY)).wait();
    await (await access.grantScopedRole(APPROVER, other!.address, COUNTY)).wait();
    await (await access.grantScopedRole(REVIEWER, officer!.address, TOWNSHIP)).wait();
    await (await access.rotateAccount(other!.address, successor!.address)).wait();
    await (await access.revokeRole(REVIEWER, officer!.address)).wait();
    await (await access.grantScopedRole(REVIEWER, other!.address, OTHER_TOWNSHIP)).wait();
    await (await access.connect(other!).renounceRole(REVIEWER, other!.address)).wait();
    const last = await ethers.provider.getBlockNumber();

    const holds = await roleHistory(access, (query) => inWindows(query, last));
    let held = 0;
    for (let block = first; block <= last; block++) {
      for (const role of [REVIEWER, APPROVER]) {
        for (const account of [officer!.address, other!.address, successor!.address]) {
          for (const jurisdiction of [COUNTY, TOWNSHIP, OTHER_TOWNSHIP]) {
            const onChain = await access.hasScopedRole(role, account, jurisdiction, { blockTag: block });
            expect(holds(role, account, jurisdiction, block), `${role.slice(0, 10)} ${account} ${jurisdiction} at block ${block}`).toBe(onChain);
            if (onChain) held++;
          }
        }
      }
    }
    expect(held).toBeGreaterThan(10);
  });
});

describe("event queries in windows", () => {
  it("cover every block once, in order, and split a window the node refuses down to single blocks", async () => {
    const asked: [number, number][] = [];
    // A node that refuses any query over more than 300 blocks, and has one event per block.
    const query = async (from: number, to: number) => {
      asked.push([from, to]);
      if (to - from >= 300) throw new Error("query returned more than 10000 results");
      return Array.from({ length: to - from + 1 }, (_, i) => from + i);
    };
    expect(await inWindows(query, 4_500)).toEqual(Array.from({ length: 4_501 }, (_, i) => i));
    expect(asked.some(([from, to]) => to - from === 1_999)).toBe(true);
    const always = async () => {
      throw new Error("the node is down");
    };
    await expect(inWindows(always, 10)).rejects.toThrow("the node is down");
  });
});
