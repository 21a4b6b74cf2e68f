import { hexlify, randomBytes, Signature, type Signer } from "ethers";
import { network } from "hardhat";
import * as periods from "../../server/funds/periods.ts";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/types";
import { APPLICATION_TYPES, decisionDomain, DECISION_TYPES, identitiesHash, type Decision } from "../../kit/decision.ts";
import { deployAidtrail } from "../../server/chain/deploy.ts";
import { Area, Programme, Stage } from "../../server/chain/domain.ts";
import { roleId } from "../../server/chain/roles.ts";

/** A small province: one city, two counties, three townships, and a neighbouring province. */
export const J = {
  nation: 0n,
  province: 440000000000n,
  city: 440100000000n,
  countyA: 440105000000n,
  countyB: 440106000000n,
  townshipA1: 440105001000n,
  townshipA2: 440105002000n,
  townshipB1: 440106001000n,
  otherProvince: 450000000000n,
  otherCounty: 450102000000n,
} as const;

/** Monthly standards in fen per person, one-off standards in fen per person per case. */
export const STANDARD = { dibaoUrban: 120_000n, dibaoRural: 90_000n, temporary: 300_000n } as const;

export const DAY = 24 * 60 * 60;

export { addMonths } from "../../server/funds/periods.ts";

/** The month `YYYYMM`, in China Standard Time, that `timestamp` (seconds) falls in. */
export const periodAt = (timestamp: bigint | number): number => periods.periodAt(Number(timestamp));

/** The first second of month `period` (China Standard Time), as the chain's clock counts: see server/funds/periods.ts. */
export const startOf = (period: number): bigint => BigInt(periods.startOf(period));

/** The first second of the month after `period`: a case whose notice ended before it is entitled to `period`. */
export const endOf = (period: number): bigint => BigInt(periods.endOf(period));

export async function buildWorld() {
  const connection = await network.create();
  const { ethers } = connection;
  const all = await ethers.getSigners();
  const [
    governance,
    caseworker,
    reviewer1,
    reviewer2,
    approver1,
    approver2,
    approver3,
    approverB,
    townshipApprover,
    finance,
    centralFinance,
    settlement,
    auditor,
    logOperator,
    outsider,
    caseworkerB,
    financeB,
    spare1,
    spare2,
    centralChecker,
  ] = all as [HardhatEthersSigner, ...HardhatEthersSigner[]] as HardhatEthersSigner[];
  const { contracts, deployment } = await deployAidtrail(governance!);
  const { access, standards, cases } = contracts;

  const tree: [bigint, bigint][] = [
    [J.province, J.nation],
    [J.city, J.province],
    [J.countyA, J.city],
    [J.countyB, J.city],
    [J.townshipA1, J.countyA],
    [J.townshipA2, J.countyA],
    [J.townshipB1, J.countyB],
    [J.otherProvince, J.nation],
    [J.otherCounty, J.otherProvince],
  ];
  for (const [code, parent] of tree) await (await access.registerJurisdiction(code, parent)).wait();

  const grants: [string, HardhatEthersSigner, bigint][] = [
    ["CASEWORKER", caseworker!, J.townshipA1],
    ["CASEWORKER", caseworkerB!, J.townshipB1],
    ["REVIEWER", reviewer1!, J.townshipA1],
    ["REVIEWER", reviewer2!, J.townshipA1],
    ["APPROVER", approver1!, J.countyA],
    ["APPROVER", approver2!, J.countyA],
    ["APPROVER", approver3!, J.countyA],
    ["APPROVER", approverB!, J.countyB],
    ["APPROVER", townshipApprover!, J.townshipA1],
    ["FINANCE_OFFICER", finance!, J.countyA],
    ["FINANCE_OFFICER", financeB!, J.countyB],
    ["FINANCE_OFFICER", centralFinance!, J.nation],
    ["FINANCE_OFFICER", centralChecker!, J.nation],
    ["SETTLEMENT_AGENT", settlement!, J.countyA],
    ["AUDITOR", auditor!, J.province],
    ["LOG_OPERATOR", logOperator!, J.countyA],
  ];
  for (const [role, who, scope] of grants) {
    await (await access.grantScopedRole(roleId(role as never), who.address, scope)).wait();
  }

  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  await (await standards.setStandard(J.city, Programme.Dibao, Area.Urban, STANDARD.dibaoUrban, now - 100n)).wait();
  await (await standards.setStandard(J.city, Programme.Dibao, Area.Rural, STANDARD.dibaoRural, now - 100n)).wait();
  await (await standards.setStandard(J.province, Programme.Temporary, Area.Urban, STANDARD.temporary, now - 100n)).wait();
  await (await standards.setStandard(J.province, Programme.Temporary, Area.Rural, STANDARD.temporary, now - 100n)).wait();
  for (const programme of [Programme.Dibao, Programme.Tekun, Programme.Temporary]) {
    await (await cases.setThreshold(J.province, programme, Stage.Review, 1)).wait();
    await (await cases.setThreshold(J.province, programme, Stage.Approval, 2)).wait();
  }
  await (await cases.setThreshold(J.townshipA1, Programme.Temporary, Stage.Approval, 1)).wait();

  const chainId = (await ethers.provider.getNetwork()).chainId;
  const registryAddress = await cases.getAddress();

  /** Signatures ordered by signer address, as the registry requires. */
  async function sign(decision: Decision, signers: Signer[], domainAddress = registryAddress, domainChain = chainId) {
    const signed = await Promise.all(
      signers.map(async (s) => ({
        signer: await s.getAddress(),
        signature: await s.signTypedData(decisionDomain(domainChain, domainAddress), DECISION_TYPES, decision),
      })),
    );
    return signed.sort((a, b) => (BigInt(a.signer) < BigInt(b.signer) ? -1 : 1));
  }

  async function time(): Promise<bigint> {
    return BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  }

  async function advance(seconds: number) {
    await ethers.provider.send("evm_increaseTime", [seconds]);
    await ethers.provider.send("evm_mine", []);
  }

  /**
   * A budget line made as the ledger takes it: proposed by `maker`, approved with the same terms
   * by `checker`, two finance officers over `jurisdiction`. Answers the new allocation's id.
   */
  async function appropriate(
    programme: Programme,
    fiscalYear: number,
    jurisdiction: bigint,
    amount: bigint,
    purposeHash: string = hexlify(randomBytes(32)),
    { maker = centralFinance!, checker = centralChecker! }: { maker?: Signer; checker?: Signer } = {},
  ): Promise<bigint> {
    const funds = contracts.funds;
    await (await funds.connect(maker).proposeAppropriation(programme, fiscalYear, jurisdiction, amount, purposeHash)).wait();
    const proposalId = await funds.appropriationProposalCount();
    await (await funds.connect(checker).approveAppropriation(proposalId, programme, fiscalYear, jurisdiction, amount, purposeHash)).wait();
    return await funds.allocationCount();
  }

  /** Governance registers `logId` as the record log of `jurisdiction` (county A unless told): only then is it anchored. */
  async function registerLog(logId: string, jurisdiction: bigint = J.countyA): Promise<void> {
    await (await contracts.anchor.registerLog(logId, jurisdiction)).wait();
  }

  /** The chain's current month `YYYYMM` in China Standard Time: the latest payout period it takes. */
  async function period(): Promise<number> {
    return periodAt(await time());
  }

  /**
   * Moves the chain's clock forward to `offset` seconds into month `target` (a day by default) and
   * mines a block there. The clock only moves forward: within `target` already, it stays; past
   * it, this throws.
   */
  async function moveTo(target: number, offset: number = DAY): Promise<bigint> {
    const now = await time();
    const at = startOf(target) + BigInt(offset);
    if (now >= at) {
      if (periodAt(now) === target) return now;
      throw new Error(`the chain's clock is at ${periodAt(now)}, past ${target}: it moves forward only`);
    }
    await ethers.provider.send("evm_setNextBlockTimestamp", [Number(at)]);
    await ethers.provider.send("evm_mine", []);
    return at;
  }

  /** Has the next block, and so the next transaction, carry timestamp `at` (after the latest). */
  async function nextBlockAt(at: bigint) {
    await ethers.provider.send("evm_setNextBlockTimestamp", [Number(at)]);
  }

  /** Mines a block at `at` (after the latest): the chain's clock reads `at` until the next block. */
  async function mineAt(at: bigint) {
    await nextBlockAt(at);
    await ethers.provider.send("evm_mine", []);
  }

  type ApplicationOptions = {
    programme?: Programme;
    area?: Area;
    jurisdiction?: bigint;
    identity?: string;
    household?: string[];
    by?: Signer;
    deadline?: bigint;
    caseId?: string;
    recordHash?: string;
    /** The EIP-712 domain signed in, the registry's on this chain unless a test signs for another. */
    domain?: { chainId?: bigint; registry?: string };
  };

  /** An application as submitApplications takes it, authorised by its caseworker's signature. */
  async function application(options: ApplicationOptions = {}) {
    const by = options.by ?? caseworker!;
    const identityCommitment = options.identity ?? hexlify(randomBytes(32));
    const household = options.household ?? [];
    const fields = {
      caseId: options.caseId ?? hexlify(randomBytes(32)),
      programme: options.programme ?? Programme.Dibao,
      area: options.area ?? Area.Urban,
      jurisdiction: options.jurisdiction ?? J.townshipA1,
      recordHash: options.recordHash ?? hexlify(randomBytes(32)),
      deadline: options.deadline ?? (await time()) + 3600n,
    };
    const domain = decisionDomain(options.domain?.chainId ?? chainId, options.domain?.registry ?? registryAddress);
    const authorisation = { ...fields, identities: identitiesHash(identityCommitment, household) };
    const signature = Signature.from(await by.signTypedData(domain, APPLICATION_TYPES, authorisation));
    return {
      ...fields,
      identityCommitment,
      household,
      caseworker: await by.getAddress(),
      r: signature.r,
      vs: signature.yParityAndS,
    };
  }

  async function submit(options: ApplicationOptions = {}) {
    const a = await application(options);
    await (await cases.submitApplications([a])).wait();
    return { caseId: a.caseId, recordHash: a.recordHash, identity: a.identityCommitment, household: a.household };
  }

  async function decision(caseId: string, overrides: Partial<Decision> = {}): Promise<Decision> {
    const [, , , round] = await cases.getCase(caseId);
    const revisions = await cases.revisions(caseId);
    return {
      caseId,
      stage: Stage.Review,
      approve: true,
      recordHash: revisions[revisions.length - 1]!,
      amount: 0n,
      householdSize: 0,
      round: Number(round),
      deadline: (await time()) + 3600n,
      ...overrides,
    };
  }

  async function review(caseId: string, signers: Signer[] = [reviewer1!]) {
    const d = await decision(caseId);
    await (await cases.decide(d, await sign(d, signers))).wait();
  }

  /** The case's household size as the ledger holds it: what an approval must name. */
  async function householdSize(caseId: string): Promise<number> {
    const [, , size] = await cases.getCase(caseId);
    return Number(size);
  }

  /** Approves `caseId` for `amount`, naming the case's own household size unless `size` is given. */
  async function approve(caseId: string, amount: bigint, size?: number, signers: Signer[] = [approver1!, approver2!]) {
    const d = await decision(caseId, { stage: Stage.Approval, amount, householdSize: size ?? (await householdSize(caseId)) });
    await (await cases.decide(d, await sign(d, signers))).wait();
  }

  /**
   * A case taken through review, approval, public notice and activation. Its household is
   * `household`, or `householdSize` people (two by default: the applicant and one member).
   */
  async function activeCase(options: ApplicationOptions & { amount?: bigint; householdSize?: number } = {}) {
    const household = options.household ?? Array.from({ length: (options.householdSize ?? 2) - 1 }, () => hexlify(randomBytes(32)));
    const submitted = await submit({ ...options, household });
    await review(submitted.caseId);
    await approve(submitted.caseId, options.amount ?? 150_000n);
    await advance(7 * DAY);
    await (await cases.connect(caseworker!).activate(submitted.caseId, hexlify(randomBytes(32)))).wait();
    return submitted;
  }

  /** Returns to the state at the time of the call on every `restore()`. */
  async function snapshot() {
    let id: string = await ethers.provider.send("evm_snapshot", []);
    return async () => {
      await ethers.provider.send("evm_revert", [id]);
      id = await ethers.provider.send("evm_snapshot", []);
    };
  }

  return {
    connection,
    ethers,
    contracts,
    deployment,
    chainId,
    who: {
      governance: governance!,
      caseworker: caseworker!,
      caseworkerB: caseworkerB!,
      reviewer1: reviewer1!,
      reviewer2: reviewer2!,
      approver1: approver1!,
      approver2: approver2!,
      approver3: approver3!,
      approverB: approverB!,
      townshipApprover: townshipApprover!,
      finance: finance!,
      financeB: financeB!,
      centralFinance: centralFinance!,
      settlement: settlement!,
      auditor: auditor!,
      logOperator: logOperator!,
      outsider: outsider!,
      spare1: spare1!,
      spare2: spare2!,
      centralChecker: centralChecker!,
    },
    sign,
    time,
    advance,
    period,
    moveTo,
    nextBlockAt,
    mineAt,
    application,
    submit,
    decision,
    review,
    approve,
    householdSize,
    activeCase,
    appropriate,
    registerLog,
    snapshot,
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
