import { hexlify, randomBytes } from "ethers";
import { beforeAll, describe, expect, it } from "vitest";
import { STEP_ROLES, type StepName } from "../server/audit/steps.ts";
import { Programme, ROLE_NAMES, type RoleName } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { buildWorld, J, type World } from "./helpers/world.ts";

/**
 * The verifier judges each ledger step's actor by STEP_ROLES; the contracts judge the step itself.
 * Here every officer's own step is taken on the ledger by an account holding one role at a time,
 * over the county the case and its allocation are in, and the roles the ledger took it from must
 * be exactly the table's: a table that drifts from the contracts fails here.
 */
let w: World;
let restore: () => Promise<void>;
const hash = () => hexlify(randomBytes(32));
let period: number;
let county: bigint;
let proposal: bigint;
const PAID = 100_000n;
const PURPOSE = hexlify(randomBytes(32));
const ids = { inNotice: "", noticeOver: "", active: "", activeIdentity: "", suspended: "", paid: "" };

beforeAll(async () => {
  w = await buildWorld();
  const { cases, funds } = w.contracts;
  for (const name of ["active", "suspended", "paid"] as const) {
    const opened = await w.activeCase();
    ids[name] = opened.caseId;
    if (name === "active") ids.activeIdentity = opened.identity;
  }
  await (await cases.connect(w.who.approver1).suspend(ids.suspended, hash())).wait();
  period = await w.period();
  const central = await w.appropriate(Programme.Dibao, Math.floor(period / 100), J.nation, 10_000_000n);
  await (await funds.connect(w.who.centralFinance).allocate(central, J.countyA, 5_000_000n, hash())).wait();
  county = await funds.allocationCount();
  await (await funds.connect(w.who.finance).pay(county, ids.paid, period, PAID)).wait();
  for (const name of ["noticeOver", "inNotice"] as const) {
    const { caseId } = await w.submit({ household: [hash()] });
    await w.review(caseId);
    await w.approve(caseId, 150_000n);
    ids[name] = caseId;
    if (name === "noticeOver") await w.advance(8 * 24 * 3600);
  }
  await (await funds.connect(w.who.centralFinance).proposeAppropriation(Programme.Dibao, Math.floor(period / 100), J.countyA, 1_000n, PURPOSE)).wait();
  proposal = await funds.appropriationProposalCount();
  restore = await w.snapshot();
}, 120_000);

describe("the roles each ledger step needs, as the verifier's table says and the contracts judge", () => {
  const steps: Partial<Record<StepName, () => (as: ReturnType<typeof signer>) => Promise<{ wait(): Promise<unknown> }>>> = {
    objection: () => (as) => as.cases.lodgeObjection(ids.inNotice, hash()),
    activation: () => (as) => as.cases.activate(ids.noticeOver, hash()),
    suspension: () => (as) => as.cases.suspend(ids.active, hash()),
    resumption: () => (as) => as.cases.resume(ids.suspended, hash()),
    exit: () => (as) => as.cases.terminate(ids.active, hash()),
    transfer: () => (as) => as.cases.transferCase(ids.active, J.townshipA2, hash()),
    flag: () => (as) => as.cases.flagCase(ids.active, hash()),
    revision: () => (as) => {
      const h = hash();
      return as.cases.reviseRecord({ caseId: ids.active, recordHash: h, identityCommitment: ids.activeIdentity, joined: [], left: [], evidenceHash: h });
    },
    payout: () => (as) => as.funds.pay(county, ids.active, period, 1n),
    reversal: () => (as) => as.funds.reversePayout(county, ids.paid, period, PAID, hash()),
    settlement: () => (as) => as.funds.confirmSettlements(period, [{ caseId: ids.paid, evidenceHash: hash() }]),
    acknowledgement: () => (as) => as.funds.recordAcknowledgement(ids.paid, period, hash()),
    allocation: () => (as) => as.funds.allocate(county, J.townshipA1, 1n, hash()),
    // The checker's step; the maker's proposal needs the same role (test/funds.test.ts).
    appropriation: () => (as) => as.funds.approveAppropriation(proposal, Programme.Dibao, Math.floor(period / 100), J.countyA, 1_000n, PURPOSE),
  };
  const signer = () => ({ cases: w.contracts.cases.connect(w.who.spare1), funds: w.contracts.funds.connect(w.who.spare1) });

  for (const [name, prepare] of Object.entries(steps) as [StepName, NonNullable<(typeof steps)[StepName]>][]) {
    it(`${name}: taken from exactly ${STEP_ROLES[name].join(" or ")}`, async () => {
      const takenBy: RoleName[] = [];
      for (const role of ROLE_NAMES.filter((r) => r !== "GOVERNANCE")) {
        await restore();
        await (await w.contracts.access.grantScopedRole(roleId(role), w.who.spare1.address, J.countyA)).wait();
        const taken = await prepare()(signer())
          .then((tx) => tx.wait())
          .then(
            () => true,
            () => false,
          );
        if (taken) takenBy.push(role);
      }
      expect(takenBy.sort()).toEqual([...STEP_ROLES[name]].sort());
    });
  }
});
