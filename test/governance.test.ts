import { network } from "hardhat";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { deployAidtrail, type AidtrailContracts } from "../server/chain/deploy.ts";
import { roleId } from "../server/chain/roles.ts";
import { expectRevert } from "./helpers/expect-revert.ts";

let c: AidtrailContracts;
let members: HardhatEthersSigner[];
let outsider: HardhatEthersSigner;
let revert: () => Promise<void>;
const PROVINCE = 440000000000n;

beforeAll(async () => {
  const { ethers } = await network.create();
  const signers = await ethers.getSigners();
  members = signers.slice(1, 4);
  outsider = signers[5]!;
  ({ contracts: c } = await deployAidtrail(signers[0]!, { council: { members: members.map((m) => m.address), threshold: 2 } }));
  let snapshot: string = await ethers.provider.send("evm_snapshot", []);
  revert = async () => {
    await ethers.provider.send("evm_revert", [snapshot]);
    snapshot = await ethers.provider.send("evm_snapshot", []);
  };
});
beforeEach(async () => revert());

async function propose(by: HardhatEthersSigner, target: string, data: string): Promise<bigint> {
  await (await c.council!.connect(by).propose(target, 0, data)).wait();
  return await c.council!.proposalCount();
}

describe("governance council", () => {
  it("holds governance, not the deployer", async () => {
    const deployer = (await network.create()).ethers;
    expect(await c.access.hasRole(roleId("GOVERNANCE"), await c.council!.getAddress())).toBe(true);
    const [first] = await deployer.getSigners();
    expect(await c.access.hasRole(roleId("GOVERNANCE"), first!.address)).toBe(false);
  });

  it("acts only once the threshold of members has confirmed", async () => {
    const data = c.access.interface.encodeFunctionData("registerJurisdiction", [PROVINCE, 0n]);
    const id = await propose(members[0]!, await c.access.getAddress(), data);
    await expectRevert(c.council!.connect(members[0]!).execute(id), "CouncilThresholdNotMet", [id, 1, 2]);
    await expectRevert(c.council!.connect(members[0]!).confirm(id), "CouncilAlreadyConfirmed", [id, members[0]!.address]);
    await (await c.council!.connect(members[1]!).confirm(id)).wait();
    await (await c.council!.connect(members[2]!).execute(id)).wait();
    expect((await c.access.jurisdiction(PROVINCE))[0]).toBe(true);
    await expectRevert(c.council!.connect(members[2]!).execute(id), "CouncilAlreadyExecuted", [id]);
  });

  it("counts a withdrawn confirmation out", async () => {
    const data = c.access.interface.encodeFunctionData("registerJurisdiction", [PROVINCE, 0n]);
    const id = await propose(members[0]!, await c.access.getAddress(), data);
    await (await c.council!.connect(members[1]!).confirm(id)).wait();
    await (await c.council!.connect(members[1]!).revokeConfirmation(id)).wait();
    await expectRevert(c.council!.connect(members[1]!).revokeConfirmation(id), "CouncilNotConfirmed");
    await expectRevert(c.council!.connect(members[0]!).execute(id), "CouncilThresholdNotMet", [id, 1, 2]);
  });

  it("refuses outsiders and unknown proposals, and changes itself only through proposals", async () => {
    await expectRevert(c.council!.connect(outsider).propose(await c.access.getAddress(), 0, "0x"), "CouncilNotMember", [outsider.address]);
    await expectRevert(c.council!.connect(members[0]!).confirm(99), "CouncilProposalUnknown", [99]);
    await expectRevert(c.council!.connect(members[0]!).addMember(outsider.address), "CouncilOnlySelf");
    const council = await c.council!.getAddress();
    const add = await propose(members[0]!, council, c.council!.interface.encodeFunctionData("addMember", [outsider.address]));
    await (await c.council!.connect(members[1]!).confirm(add)).wait();
    await (await c.council!.connect(members[1]!).execute(add)).wait();
    expect(await c.council!.members()).toContain(outsider.address);

    const tooHigh = await propose(members[0]!, council, c.council!.interface.encodeFunctionData("setThreshold", [5]));
    await (await c.council!.connect(members[1]!).confirm(tooHigh)).wait();
    await expectRevert(c.council!.connect(members[1]!).execute(tooHigh), "CouncilConfigInvalid", [4, 5]);
  });

  it("refuses a council that could never act", async () => {
    const { ethers } = await network.create();
    const [deployer] = await ethers.getSigners();
    await expectRevert(deployAidtrail(deployer!, { council: { members: [members[0]!.address], threshold: 2 } }), "CouncilConfigInvalid", [1, 2]);
    await expectRevert(
      deployAidtrail(deployer!, { council: { members: [members[0]!.address, members[0]!.address], threshold: 1 } }),
      "CouncilMemberExists",
    );
  });
});
