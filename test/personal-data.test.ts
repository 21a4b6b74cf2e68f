import { createHash, createHmac, randomBytes } from "node:crypto";
import { hexlify, keccak256, toUtf8Bytes, id } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { Programme } from "../server/chain/domain.ts";
import { inclusionProof, leafHash, rootHash } from "../kit/index.ts";
import { buildWorld, J, type World } from "./helpers/world.ts";

/** An applicant's record as the township office holds it, off chain. */
const applicant = {
  name: "王小明",
  nationalId: "11010519491231002X",
  phone: "13812345678",
  address: "北京市朝阳区建国路1号",
  household: [{ name: "王大明", relation: "父亲", nationalId: "110105195003070016" }],
  monthlyIncome: 80_000,
};

let w: World;
let onChain: string;
let identityCommitment: string;
let memberCommitment: string;

beforeAll(async () => {
  w = await buildWorld();
  const salt = randomBytes(16).toString("hex");
  const record = JSON.stringify({ ...applicant, salt });
  const recordHash = "0x" + createHash("sha256").update(record).digest("hex");
  const commit = (nationalId: string) => "0x" + createHmac("sha256", "deployment identity key").update(nationalId).digest("hex");
  identityCommitment = commit(applicant.nationalId);
  memberCommitment = commit(applicant.household[0]!.nationalId);

  // The whole life of a case, and the anchoring of its record in a log.
  const { caseId } = await w.submit({ recordHash, identity: identityCommitment, household: [memberCommitment] });
  await w.review(caseId);
  await w.approve(caseId, 150_000n);
  await (await w.contracts.cases.connect(w.who.caseworker).lodgeObjection(caseId, id("objection"))).wait();
  await w.review(caseId);
  await w.approve(caseId, 150_000n);
  await w.advance(8 * 24 * 3600);
  await (await w.contracts.cases.connect(w.who.caseworker).activate(caseId, id("notice over"))).wait();
  const f = w.contracts.funds;
  const period = await w.period();
  await w.appropriate(Programme.Dibao, Math.floor(period / 100), J.countyA, 10_000_000n, id("budget"));
  await (await f.connect(w.who.finance).pay(1n, caseId, period, 150_000n)).wait();
  await (await f.connect(w.who.settlement).confirmSettlements(period, [{ caseId, evidenceHash: id("bank receipt") }])).wait();
  await (await f.connect(w.who.caseworker).recordAcknowledgement(caseId, period, id("citizen ack"))).wait();
  const recheck = "0x" + createHash("sha256").update(record + "2027").digest("hex");
  await (
    await w.contracts.cases
      .connect(w.who.caseworker)
      .reviseRecord({ caseId, recordHash: recheck, identityCommitment, joined: [], left: [memberCommitment], evidenceHash: id("annual re-check") })
  ).wait();
  const leaves = [Buffer.from(record)];
  await w.registerLog(id("log"));
  await (await w.contracts.anchor.connect(w.who.logOperator).anchor(id("log"), 1, hexlify(rootHash(leaves)), [])).wait();
  expect(await w.contracts.anchor.verifyInclusion(id("log"), 1, 0, hexlify(leafHash(leaves[0]!)), inclusionProof(leaves, 0).map(hexlify))).toBe(true);

  // Everything the chain holds in logs and transaction inputs, as one lower-case hex string.
  const provider = w.ethers.provider;
  const logs = await provider.getLogs({ fromBlock: 0, toBlock: "latest" });
  const parts = logs.flatMap((l) => [...l.topics, l.data]);
  const latest = await provider.getBlockNumber();
  for (let n = 0; n <= latest; n++) {
    const block = await provider.getBlock(n, true);
    for (const tx of block!.prefetchedTransactions) parts.push(tx.data);
  }
  onChain = parts.join("").toLowerCase().replaceAll("0x", "");
});

const needles = (value: string) => {
  const text = Buffer.from(value, "utf8").toString("hex");
  return [
    text,
    keccak256(toUtf8Bytes(value)).slice(2),
    createHash("sha256").update(value).digest("hex"),
  ];
};

describe("personal data on chain", () => {
  it("the scan sees what is on chain (the identity commitments are there)", () => {
    expect(onChain).toContain(identityCommitment.slice(2));
    expect(onChain).toContain(memberCommitment.slice(2));
  });

  it.each([
    ["name", applicant.name],
    ["national ID", applicant.nationalId],
    ["national ID digits", applicant.nationalId.slice(0, 17)],
    ["phone", applicant.phone],
    ["address", applicant.address],
    ["household member", applicant.household[0]!.name],
    ["household member's national ID", applicant.household[0]!.nationalId],
  ])("no event or transaction carries the applicant's %s, nor an unkeyed hash of it", (_, value) => {
    for (const needle of needles(value)) expect(onChain).not.toContain(needle);
  });

  it("the national IDs do not appear as numbers either", () => {
    for (const nationalId of [applicant.nationalId, applicant.household[0]!.nationalId]) {
      const asNumber = BigInt(nationalId.slice(0, 17)).toString(16);
      expect(onChain).not.toContain(asNumber.padStart(64, "0"));
    }
  });
});
