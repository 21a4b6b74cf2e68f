import { parseEther, Transaction, Wallet, type BaseWallet, type TransactionRequest } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStatus, PayoutState } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { COUNTY, DEV_KEYS, localGateway, OFFICERS, spouseOf, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

const PROVINCE = "440000000000";
let local: Awaited<ReturnType<typeof localGateway>>;
const officer = () => new Wallet(Wallet.createRandom().privateKey);
const reviewer = officer();
const approvers = [officer(), officer()];
const provinceFinance = officer();
const provinceChecker = officer();
const countyFinance = officer();
const bank = officer();
let caseId: string;

beforeAll(async () => {
  local = await localGateway();
  const { access } = local.contracts;
  const governance = new Wallet(DEV_KEYS.governance, local.provider);
  const grants: [string, BaseWallet, string][] = [
    ["REVIEWER", reviewer, TOWNSHIP],
    ["APPROVER", approvers[0]!, COUNTY],
    ["APPROVER", approvers[1]!, COUNTY],
    ["FINANCE_OFFICER", provinceFinance, PROVINCE],
    ["FINANCE_OFFICER", provinceChecker, PROVINCE],
    ["FINANCE_OFFICER", countyFinance, COUNTY],
    ["SETTLEMENT_AGENT", bank, COUNTY],
  ];
  for (const [role, who, scope] of grants) await (await access.connect(governance).grantScopedRole(roleId(role as "APPROVER"), who.address, BigInt(scope))).wait();
  // Officers send their own transactions here, so they pay gas; a permissioned chain with free gas needs no funding.
  for (const who of [...approvers, provinceFinance, provinceChecker, bank]) await (await governance.sendTransaction({ to: who.address, value: parseEther("1") })).wait();
  caseId = await local.takeIn(residentId(501));
  await local.activate(caseId, 100_000n, { reviewer, approvers });
}, 120_000);
afterAll(async () => local?.close());

/** Posts as `officer`: the draft, then (unless told otherwise) the signed transaction with the same fields. */
async function draftFor(officer: BaseWallet, path: string, fields: object) {
  const token = await local.signIn(officer.privateKey);
  const drafted = await request(local.gateway.url).post(`${path}/draft`).set("authorization", token).send(fields);
  return { token, drafted };
}
const sign = (officer: BaseWallet, transaction: TransactionRequest) => officer.signTransaction(transaction);
async function relay(officer: BaseWallet, path: string, fields: object) {
  const { token, drafted } = await draftFor(officer, path, fields);
  expect(drafted.status, JSON.stringify(drafted.body)).toBe(200);
  const signedTransaction = await sign(officer, drafted.body.transaction);
  return { drafted: drafted.body, relayed: await request(local.gateway.url).post(path).set("authorization", token).send({ ...fields, draft: drafted.body.draft, signedTransaction }) };
}
const statusOf = async (id: string) => Number((await local.contracts.cases.getCase(id))[0].status);

describe("an approver's own ledger steps: suspension, resumption, exit", () => {
  it("drafts the record and the transaction, relays it signed by the approver, and refuses every other signature or change, writing nothing", async () => {
    const path = `/v1/cases/${caseId}/suspension`;
    const fields = { action: "suspend", reason: "家庭收入变化，待核实" };
    const { token, drafted } = await draftFor(approvers[0]!, path, fields);
    expect(drafted.status).toBe(200);
    expect(drafted.body.record).toMatchObject({ kind: "document", caseId, public: { type: "case-suspension", decidedBy: approvers[0]!.address }, personal: { reason: fields.reason } });
    expect(drafted.body.transaction).toMatchObject({ from: approvers[0]!.address, to: await local.contracts.cases.getAddress() });
    const signedTransaction = await sign(approvers[0]!, drafted.body.transaction);
    const sizeBefore = local.gateway.log.size;
    const post = (body: object, as = token) => request(local.gateway.url).post(path).set("authorization", as).send(body);

    const other = await approvers[1]!.signTransaction({ ...drafted.body.transaction, from: approvers[1]!.address });
    expect((await post({ ...fields, draft: drafted.body.draft, signedTransaction: other }).expect(403)).body.error).toMatchObject({ code: "SIGNED_CALL_SIGNER_MISMATCH", field: "signedTransaction" });
    const changed = await post({ ...fields, reason: "另一理由", draft: drafted.body.draft, signedTransaction }).expect(400);
    expect(changed.body.error.code).toBe("SIGNED_CALL_MISMATCH");
    expect(changed.body.error.message).toContain(drafted.body.draft.recordId);
    expect((await post({ ...fields, draft: drafted.body.draft, signedTransaction: "0x1234" }).expect(400)).body.error.code).toBe("SIGNED_CALL_INVALID");
    const { from: _from, ...fieldsOfTransaction } = drafted.body.transaction;
    const unsigned = Transaction.from(fieldsOfTransaction).unsignedSerialized;
    expect((await post({ ...fields, draft: drafted.body.draft, signedTransaction: unsigned }).expect(400)).body.error.code).toBe("SIGNED_CALL_INVALID");
    const stale = { ...drafted.body.draft, createdAt: new Date(Date.now() - 2 * 24 * 3600_000).toISOString() };
    expect((await post({ ...fields, draft: stale, signedTransaction }).expect(400)).body.error).toMatchObject({ code: "SIGNED_CALL_DRAFT_EXPIRED", field: "draft.createdAt" });
    expect((await post({ ...fields, draft: { ...drafted.body.draft, salt: "xyz" }, signedTransaction }).expect(400)).body.error.field).toBe("draft.salt");
    const caseworker = await local.signIn(DEV_KEYS.caseworker);
    expect((await request(local.gateway.url).post(`${path}/draft`).set("authorization", caseworker).send(fields).expect(403)).body.error.code).toBe("FORBIDDEN_ROLE");
    expect(local.gateway.log.size).toBe(sizeBefore);
    expect(await statusOf(caseId)).toBe(CaseStatus.Active);

    const relayed = await post({ ...fields, draft: drafted.body.draft, signedTransaction }).expect(201);
    expect(relayed.body).toMatchObject({ recordId: drafted.body.draft.recordId, recordHash: drafted.body.recordHash, ledger: { state: "done" } });
    expect(await statusOf(caseId)).toBe(CaseStatus.Suspended);
    // The same signed transaction again: the step is relayed already, and nothing is written.
    const again = await post({ ...fields, draft: drafted.body.draft, signedTransaction }).expect(409);
    expect(again.body.error).toMatchObject({ code: "SIGNED_CALL_ALREADY_RELAYED", field: "signedTransaction" });
    expect(local.gateway.log.size).toBe(sizeBefore + 1);
    // Another draft signed with a nonce the account used since: refused, nothing written.
    const later = await draftFor(approvers[0]!, `/v1/cases/${caseId}/suspension`, { action: "resume", reason: "旧草稿" });
    const usedNonce = await sign(approvers[0]!, { ...later.drafted.body.transaction, nonce: later.drafted.body.transaction.nonce - 1 });
    const used = await request(local.gateway.url).post(`/v1/cases/${caseId}/suspension`).set("authorization", later.token).send({ action: "resume", reason: "旧草稿", draft: later.drafted.body.draft, signedTransaction: usedNonce }).expect(409);
    expect(used.body.error).toMatchObject({ code: "SIGNED_CALL_NONCE_USED", field: "signedTransaction" });
    expect(local.gateway.log.size).toBe(sizeBefore + 1);
  });

  it("refuses at once, logging nothing, a signed step the chain cannot take now: a nonce ahead, value, more gas than a block, an account that cannot pay its gas", async () => {
    const path = `/v1/cases/${caseId}/suspension`;
    const fields = { action: "resume", reason: "核实无误" };
    const { token, drafted } = await draftFor(approvers[1]!, path, fields);
    const sizeBefore = local.gateway.log.size;
    const relayAs = async (change: object) =>
      request(local.gateway.url)
        .post(path)
        .set("authorization", token)
        .send({ ...fields, draft: drafted.body.draft, signedTransaction: await sign(approvers[1]!, { ...drafted.body.transaction, ...change }) });
    const ahead = await relayAs({ nonce: drafted.body.transaction.nonce + 2 });
    expect([ahead.status, ahead.body.error.code]).toEqual([409, "SIGNED_CALL_NONCE_AHEAD"]);
    expect(ahead.body.error.message).toContain(`the account's next is ${drafted.body.transaction.nonce}`);
    const value = await relayAs({ value: 1n });
    expect([value.status, value.body.error.code]).toEqual([400, "SIGNED_CALL_MISMATCH"]);
    const gas = await relayAs({ gasLimit: 10n ** 12n });
    expect([gas.status, gas.body.error.code]).toEqual([400, "SIGNED_CALL_GAS_ABOVE_BLOCK"]);
    // An officer's account that cannot pay the gas: every node would refuse it, so the gateway does at once, in plain words.
    const pauper = Wallet.createRandom();
    await (await local.contracts.access.connect(new Wallet(DEV_KEYS.governance, local.provider)).grantScopedRole(roleId("APPROVER"), pauper.address, BigInt(COUNTY))).wait();
    const poor = await draftFor(pauper, path, fields);
    const broke = await request(local.gateway.url).post(path).set("authorization", poor.token).send({ ...fields, draft: poor.drafted.body.draft, signedTransaction: await sign(pauper, poor.drafted.body.transaction) });
    expect([broke.status, broke.body.error.code, broke.body.error.field]).toEqual([409, "SIGNED_CALL_FUNDS_INSUFFICIENT", "signedTransaction"]);
    expect(broke.body.error.message).toMatch(new RegExp(`^your account ${pauper.address} holds 0 wei; the transaction may cost up to \\d+ wei of gas$`));
    expect(broke.body.error.zh.message).toContain("余额为 0 wei");
    expect(local.gateway.log.size).toBe(sizeBefore);
    expect(await local.gateway.state.list("pending:")).toEqual([]);
    expect(await statusOf(caseId)).toBe(CaseStatus.Suspended);
  });

  it("fails, once the chain is back, a step taken while it was down that it cannot take (a nonce ahead), and relays the steps after it", async () => {
    // The case is suspended: one approver's resumption ahead of their account's nonces, another's as drafted.
    const other = caseId;
    const path = `/v1/cases/${other}/suspension`;
    const fields = { action: "resume", reason: "核实无误" };
    const ahead = await draftFor(approvers[1]!, path, fields);
    const aheadSigned = await sign(approvers[1]!, { ...ahead.drafted.body.transaction, nonce: ahead.drafted.body.transaction.nonce + 5 });
    const valid = await draftFor(approvers[0]!, path, { ...fields, reason: "核实收入" });
    const validSigned = await sign(approvers[0]!, valid.drafted.body.transaction);
    local.setChainDown(true);
    try {
      // Nothing can be checked against a chain that does not answer: both are owed, as any ledger step is.
      const first = await request(local.gateway.url).post(path).set("authorization", ahead.token).send({ ...fields, draft: ahead.drafted.body.draft, signedTransaction: aheadSigned }).expect(201);
      const second = await request(local.gateway.url).post(path).set("authorization", valid.token).send({ ...fields, reason: "核实收入", draft: valid.drafted.body.draft, signedTransaction: validSigned }).expect(201);
      expect([first.body.ledger.state, second.body.ledger.state]).toEqual(["pending", "pending"]);
    } finally {
      local.setChainDown(false);
    }
    await local.gateway.relayer.runOnce();
    expect(await statusOf(other)).toBe(CaseStatus.Active);
    const entries = (await local.gateway.state.list<{ recordId: string; state: string; error?: { code: string } }>("outbox:")).map(([, e]) => e);
    const of = (recordId: string) => entries.find((e) => e.recordId === recordId)!;
    expect([of(ahead.drafted.body.draft.recordId).state, of(ahead.drafted.body.draft.recordId).error?.code]).toEqual(["failed", "SIGNED_CALL_NONCE_AHEAD"]);
    expect(of(valid.drafted.body.draft.recordId).state).toBe("done");
    expect(await local.gateway.state.list("pending:")).toEqual([]);
    // Suspended again for the tests that follow.
    expect((await relay(approvers[1]!, path, { action: "suspend", reason: "再次核实" })).relayed.status).toBe(201);
  });

  it("takes and logs a signed step that someone else broadcast first: the step is on the ledger, and so is its record", async () => {
    const path = `/v1/cases/${caseId}/suspension`;
    const fields = { action: "resume", reason: "核实无误，恢复发放" };
    // A day after the suspension, by the chain's clock.
    await local.advance(24 * 3600);
    const { token, drafted } = await draftFor(approvers[1]!, path, fields);
    const signedTransaction = await sign(approvers[1]!, drafted.body.transaction);
    // The officer's wallet (or anyone holding the signed bytes) broadcasts it before the gateway relays it.
    await (await local.provider.broadcastTransaction(signedTransaction)).wait();
    expect(await statusOf(caseId)).toBe(CaseStatus.Active);
    const relayed = await request(local.gateway.url).post(path).set("authorization", token).send({ ...fields, draft: drafted.body.draft, signedTransaction }).expect(201);
    expect(relayed.body).toMatchObject({ recordId: drafted.body.draft.recordId, ledger: { state: "done", transactionHash: Transaction.from(signedTransaction).hash } });
    const proof = (await request(local.gateway.url).get(`/v1/proofs/records/${relayed.body.recordId}`).expect(200)).body;
    expect(proof.revisions[0].leafHash).toBe(drafted.body.recordHash);
    // The citizen sees when the public notice ended, and apart from it when payments resumed.
    const [terms, , , , noticeEnd] = await local.contracts.cases.getCase(caseId);
    const seen = (await request(local.gateway.url).get("/v1/citizen/case").set("x-aidtrail-receipt", local.receipts.get(caseId)!).expect(200)).body;
    expect([seen.noticeEnd, seen.resumedAt]).toEqual([new Date(Number(noticeEnd) * 1000).toISOString(), new Date(Number(terms.entitledFrom) * 1000).toISOString()]);
    expect(noticeEnd).toBeLessThan(terms.entitledFrom);
    // Suspended again for the test that follows.
    expect((await relay(approvers[1]!, path, { action: "suspend", reason: "再次核实" })).relayed.status).toBe(201);
  });

  it("resumes and ends the case, each step in the case's trail with its record and transaction", async () => {
    const suspendAgain = await draftFor(approvers[1]!, `/v1/cases/${caseId}/suspension`, { action: "suspend", reason: "重复" });
    expect([suspendAgain.drafted.status, suspendAgain.drafted.body.error.code]).toEqual([422, "LEDGER_CASE_STATUS_INVALID"]);

    const resumed = await relay(approvers[1]!, `/v1/cases/${caseId}/suspension`, { action: "resume", reason: "核实无误" });
    expect(resumed.relayed.status, JSON.stringify(resumed.relayed.body)).toBe(201);
    expect(await statusOf(caseId)).toBe(CaseStatus.Active);
    // The chain is cut once the exit is signed: the exit is logged and owed, and sent as signed when the chain is back.
    const exit = { reason: "户籍迁出本县" };
    const { token, drafted } = await draftFor(approvers[0]!, `/v1/cases/${caseId}/exit`, exit);
    const signedTransaction = await sign(approvers[0]!, drafted.body.transaction);
    local.setChainDown(true);
    const owed = await request(local.gateway.url).post(`/v1/cases/${caseId}/exit`).set("authorization", token).send({ ...exit, draft: drafted.body.draft, signedTransaction }).expect(201);
    expect(owed.body.ledger.state).toBe("pending");
    expect(await statusOf(caseId)).toBe(CaseStatus.Active);
    local.setChainDown(false);
    await local.gateway.relayer.runOnce();
    expect(await statusOf(caseId)).toBe(CaseStatus.Terminated);

    const auditor = await local.signIn(DEV_KEYS.auditor);
    const { steps } = (await request(local.gateway.url).get(`/v1/audit/cases/${caseId}/trail`).set("authorization", auditor).expect(200)).body;
    const recordIds = steps.map((s: { recordId?: string }) => s.recordId);
    expect(recordIds).toEqual(expect.arrayContaining([resumed.relayed.body.recordId, owed.body.recordId]));
    expect(JSON.stringify(steps)).not.toContain("户籍迁出本县");
  });
});

describe("finance officers' and settlement agents' own ledger steps", () => {
  it("appropriates at the province by two officers (the maker proposes, the checker enters the same terms), then allocates down to the county, each purpose hash the hash of its logged record", async () => {
    const fiscalYear = Math.floor((await local.currentPeriod()) / 100);
    const { funds } = local.contracts;
    const before = await funds.allocationCount();
    const fields = { programme: "dibao", fiscalYear, jurisdiction: PROVINCE, amount: "50000000", purpose: "省级困难群众救助补助资金" };
    const proposed = await relay(provinceFinance, "/v1/appropriations", fields);
    expect(proposed.relayed.status, JSON.stringify(proposed.relayed.body)).toBe(201);
    expect(proposed.drafted.record.public).toMatchObject({ type: "appropriation", proposedBy: provinceFinance.address });
    // One officer's step creates no money.
    expect(await funds.allocationCount()).toBe(before);
    const listed = (await request(local.gateway.url).get("/v1/appropriations/proposals").set("authorization", await local.signIn(provinceChecker.privateKey)).expect(200)).body.proposals;
    const proposal = listed.find((p: { purposeHash: string }) => p.purposeHash === proposed.relayed.body.recordHash);
    // The proposal's id is answered with its relay, as the ledger made it.
    expect(proposed.relayed.body.proposalId).toBe(proposal.proposalId);
    expect(proposal).toMatchObject({ state: "pending", programme: "dibao", fiscalYear, jurisdiction: PROVINCE, amount: "50000000", proposedBy: provinceFinance.address });
    const path = `/v1/appropriations/${proposal.proposalId}/approval`;
    const terms = { programme: "dibao", fiscalYear, jurisdiction: PROVINCE, amount: "50000000" };

    const self = await draftFor(provinceFinance, path, terms);
    expect([self.drafted.status, self.drafted.body.error.code]).toEqual([422, "LEDGER_APPROPRIATION_SELF_APPROVAL"]);
    const otherAmount = await draftFor(provinceChecker, path, { ...terms, amount: "50000001" });
    expect([otherAmount.drafted.status, otherAmount.drafted.body.error.code]).toEqual([422, "LEDGER_APPROPRIATION_TERMS_MISMATCH"]);
    const countyChecker = await draftFor(countyFinance, path, terms);
    expect([countyChecker.drafted.status, countyChecker.drafted.body.error.code]).toEqual([403, "FORBIDDEN_ROLE"]);
    const noProposal = await draftFor(provinceChecker, "/v1/appropriations/999/approval", terms);
    expect([noProposal.drafted.status, noProposal.drafted.body.error.code]).toEqual([404, "APPROPRIATION_PROPOSAL_NOT_FOUND"]);
    const badId = await draftFor(provinceChecker, "/v1/appropriations/x1/approval", terms);
    expect([badId.drafted.status, badId.drafted.body.error.field]).toEqual([400, "proposalId"]);
    expect(await funds.allocationCount()).toBe(before);

    const approved = await relay(provinceChecker, path, terms);
    expect(approved.relayed.status, JSON.stringify(approved.relayed.body)).toBe(201);
    const parentId = await funds.allocationCount();
    expect(approved.relayed.body.allocationId).toBe(parentId.toString());
    const parent = await funds.allocation(parentId);
    expect([parent.jurisdiction, parent.amount, parent.purposeHash]).toEqual([BigInt(PROVINCE), 50_000_000n, proposed.relayed.body.recordHash]);
    const [made] = await funds.queryFilter(funds.filters.AppropriationMade(parentId));
    expect([made!.args.proposer, made!.args.actor]).toEqual([provinceFinance.address, provinceChecker.address]);
    const again = await draftFor(provinceChecker, path, terms);
    expect([again.drafted.status, again.drafted.body.error.code]).toEqual([422, "LEDGER_APPROPRIATION_PROPOSAL_NOT_PENDING"]);

    const allocation = await relay(provinceFinance, "/v1/allocations", { parentId: parentId.toString(), jurisdiction: COUNTY, amount: "20000000", purpose: "转移支付 海珠区" });
    expect(allocation.relayed.status, JSON.stringify(allocation.relayed.body)).toBe(201);
    expect(await funds.available(parentId)).toBe(30_000_000n);
    // Listed for the county's finance officers and auditors, as the ledger holds them now.
    const { allocations } = (await request(local.gateway.url).get("/v1/allocations").set("authorization", await local.signIn(countyFinance.privateKey)).expect(200)).body;
    expect(allocations).toEqual(
      expect.arrayContaining([
        { allocationId: parentId.toString(), parent: "0", jurisdiction: PROVINCE, programme: "dibao", fiscalYear, amount: "50000000", allocated: "20000000", paid: "0", available: "30000000", paysCases: false },
        { allocationId: allocation.relayed.body.allocationId, parent: parentId.toString(), jurisdiction: COUNTY, programme: "dibao", fiscalYear, amount: "20000000", allocated: "0", paid: "0", available: "20000000", paysCases: true },
      ]),
    );
    await request(local.gateway.url).get("/v1/allocations").set("authorization", await local.signIn(DEV_KEYS.caseworker)).expect(403);

    const tooMuch = await draftFor(provinceFinance, "/v1/allocations", { parentId: parentId.toString(), jurisdiction: COUNTY, amount: "30000001", purpose: "超额" });
    expect([tooMuch.drafted.status, tooMuch.drafted.body.error.code]).toEqual([422, "LEDGER_ALLOCATION_INSUFFICIENT"]);
    const notTheirs = await draftFor(countyFinance, "/v1/allocations", { parentId: parentId.toString(), jurisdiction: COUNTY, amount: "1", purpose: "越级" });
    expect([notTheirs.drafted.status, notTheirs.drafted.body.error.code]).toEqual([403, "FORBIDDEN_ROLE"]);
    const unknown = await draftFor(provinceFinance, "/v1/allocations", { parentId: "999", jurisdiction: COUNTY, amount: "1", purpose: "无此拨款" });
    expect([unknown.drafted.status, unknown.drafted.body.error.code]).toEqual([404, "LEDGER_ALLOCATION_UNKNOWN"]);
    const badAmount = await draftFor(provinceFinance, "/v1/appropriations", { programme: "dibao", fiscalYear, jurisdiction: PROVINCE, amount: "-5", purpose: "x" });
    expect([badAmount.drafted.status, badAmount.drafted.body.error.field]).toEqual([400, "amount"]);
    const beyondUint80 = await draftFor(provinceFinance, "/v1/appropriations", { programme: "dibao", fiscalYear, jurisdiction: PROVINCE, amount: (2n ** 80n).toString(), purpose: "x" });
    expect([beyondUint80.drafted.status, beyondUint80.drafted.body.error.code, beyondUint80.drafted.body.error.field]).toEqual([400, "REQUEST_INVALID", "amount"]);
  });

  it("lets a finance officer pay only from an allocation of their own held at a county or below: the province's budget reaches a county case only by allocation", async () => {
    const period = await local.currentPeriod();
    const fiscalYear = Math.floor(period / 100);
    const { funds, access } = local.contracts;
    const provincial = await local.budget({ programme: "dibao", fiscalYear, jurisdiction: PROVINCE, amount: "5000000", purpose: "省级资金" }, provinceFinance.privateKey, provinceChecker.privateKey);
    const payout = { caseId, period, allocationId: provincial, amount: "1000" };
    // The county's finance officer holds no role over the province's funds: refused before anything is drafted.
    const county = await draftFor(countyFinance, "/v1/payouts", payout);
    expect([county.drafted.status, county.drafted.body.error.code]).toEqual([403, "FORBIDDEN_ROLE"]);
    // The province's own officer may not pay a county's case from them either.
    const province = await draftFor(provinceFinance, "/v1/payouts", payout);
    expect([province.drafted.status, province.drafted.body.error.code]).toEqual([422, "LEDGER_PAYOUT_ALLOCATION_ABOVE_COUNTY"]);
    const run = await draftFor(provinceFinance, "/v1/payout-runs", { programme: "dibao", period, allocationId: provincial });
    expect([run.drafted.status, run.drafted.body.error.code, run.drafted.body.error.field]).toEqual([422, "PAYOUT_RUN_ALLOCATION_ABOVE_COUNTY", "allocationId"]);
    // Another county's allocation is its finance officer's, not this county's.
    const NEIGHBOUR = "440106000000";
    const governance = new Wallet(DEV_KEYS.governance, local.provider);
    await (await access.connect(governance).registerJurisdiction(BigInt(NEIGHBOUR), BigInt(PROVINCE))).wait();
    const toNeighbour = await relay(provinceFinance, "/v1/allocations", { parentId: provincial, jurisdiction: NEIGHBOUR, amount: "1000000", purpose: "转移支付 邻县" });
    expect(toNeighbour.relayed.status, JSON.stringify(toNeighbour.relayed.body)).toBe(201);
    const neighbours = (await funds.allocationCount()).toString();
    const notYours = await draftFor(countyFinance, "/v1/payout-runs", { programme: "dibao", period, allocationId: neighbours });
    expect([notYours.drafted.status, notYours.drafted.body.error.code]).toEqual([403, "PAYOUT_RUN_ALLOCATION_NOT_YOURS"]);
    expect(Number(await funds.payoutState(caseId, period))).toBe(PayoutState.None);
  });

  it("lets the settlement agent confirm a payout arrived, the bank's reference logged and its hash on the ledger", async () => {
    const { funds } = local.contracts;
    const paidCase = await local.takeIn(residentId(502));
    await local.activate(paidCase, 100_000n, { reviewer, approvers });
    // The county's budget for the year the chain's clock is in now, and the month it is in.
    const PERIOD = await local.currentPeriod();
    const allocationId = await local.budget({ programme: "dibao", fiscalYear: Math.floor(PERIOD / 100), jurisdiction: COUNTY, amount: "1000000", purpose: "县级配套" });
    const paid = await local.signedStep("/v1/payouts", { caseId: paidCase, period: PERIOD, allocationId, amount: "100000" }, DEV_KEYS.finance);
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    expect(Number(await funds.payoutState(paidCase, PERIOD))).toBe(PayoutState.Paid);

    const unpaid = await draftFor(bank, "/v1/settlements", { period: PERIOD, settlements: [{ caseId, reference: "ICBC-0000" }] });
    expect([unpaid.drafted.status, unpaid.drafted.body.error.code]).toEqual([422, "LEDGER_PAYOUT_NOT_OUTSTANDING"]);
    const settled = await relay(bank, "/v1/settlements", { period: PERIOD, settlements: [{ caseId: paidCase, reference: "ICBC-000123" }] });
    expect(settled.relayed.status, JSON.stringify(settled.relayed.body)).toBe(201);
    expect(Number(await funds.payoutState(paidCase, PERIOD))).toBe(PayoutState.Settled);
    const [event] = await funds.queryFilter(funds.filters.PayoutSettled(paidCase));
    expect(event!.args.evidenceHash).toBe(settled.relayed.body.recordHash);
    const proof = (await request(local.gateway.url).get(`/v1/proofs/records/${settled.relayed.body.recordId}`).expect(200)).body;
    expect(proof.revisions[0].leafHash).toBe(settled.relayed.body.recordHash);
  });
});

describe("every other step of a case, and every payout, is its officer's own transaction", () => {
  const url = () => local.gateway.url;
  /** Review and approval, signed by the seeded reviewer and approvers: the case goes into public notice. */
  async function approve(id: string, amount: bigint) {
    const decide = async (signers: Wallet[], query: string) => {
      const token = await local.signIn(signers[0]!.privateKey);
      const { body } = await request(url()).get(`/v1/cases/${id}/decision-request${query}`).set("authorization", token).expect(200);
      const signatures = await Promise.all(signers.map(async (w) => ({ signer: w.address, signature: await w.signTypedData(body.domain, body.types, body.message) })));
      await request(url()).post(`/v1/cases/${id}/decisions`).set("authorization", token).send({ decision: body.message, signatures }).expect(201);
    };
    await decide([OFFICERS.reviewer], "");
    await decide(OFFICERS.approvers, `?amount=${amount}&householdSize=2`);
  }
  /**
   * What the gateway refuses to relay for the draft of `path` with `fields` by the officer of
   * `key`: the same transaction signed by `other` (who signed in themselves), and the signed
   * transaction sent with `changed` fields, so that it is not the call drafted for them. Nothing
   * is written for either.
   */
  async function refusesOthers(path: string, fields: object, changed: object, key: string, other: string) {
    const wallet = new Wallet(key);
    const { token, drafted } = await draftFor(wallet, path, fields);
    expect(drafted.status, JSON.stringify(drafted.body)).toBe(200);
    expect(drafted.body.transaction.from).toBe(wallet.address);
    const size = local.gateway.log.size;
    const otherWallet = new Wallet(other);
    const byOther = await otherWallet.signTransaction({ ...drafted.body.transaction, from: otherWallet.address });
    const asOther = await request(url()).post(path).set("authorization", await local.signIn(other)).send({ ...fields, draft: drafted.body.draft, signedTransaction: byOther });
    const signedTransaction = await wallet.signTransaction(drafted.body.transaction);
    const notTheirs = await request(url()).post(path).set("authorization", token).send({ ...fields, draft: drafted.body.draft, signedTransaction: byOther });
    const notDrafted = await request(url()).post(path).set("authorization", token).send({ ...changed, draft: drafted.body.draft, signedTransaction });
    expect(local.gateway.log.size).toBe(size);
    return { asOther, notTheirs: [notTheirs.status, notTheirs.body.error?.code], notDrafted: [notDrafted.status, notDrafted.body.error?.code] };
  }
  let inNotice: string;
  let toActivate: string;
  let allocationId: string;
  let period: number;

  beforeAll(async () => {
    inNotice = await local.takeIn(residentId(510));
    await approve(inNotice, 100_000n);
    toActivate = await local.takeIn(residentId(511));
    await approve(toActivate, 100_000n);
  }, 60_000);

  it("an objection in public notice: the reviewer's own lodgeObjection, the case back to review, the reviewer its actor", async () => {
    const path = `/v1/cases/${inNotice}/objections`;
    const fields = { objector: { name: "邻居" }, text: "申请人有经营收入" };
    const refused = await refusesOthers(path, fields, { ...fields, text: "另一异议" }, DEV_KEYS.reviewer, DEV_KEYS.caseworker);
    expect([refused.asOther.status, refused.asOther.body.error.code]).toEqual([400, "SIGNED_CALL_MISMATCH"]);
    expect(refused.notTheirs).toEqual([403, "SIGNED_CALL_SIGNER_MISMATCH"]);
    expect(refused.notDrafted).toEqual([400, "SIGNED_CALL_MISMATCH"]);
    expect((await draftFor(new Wallet(DEV_KEYS.finance), path, fields)).drafted.body.error.code).toBe("FORBIDDEN_ROLE");
    expect(await statusOf(inNotice)).toBe(CaseStatus.InNotice);

    const lodged = await local.signedStep(path, fields, DEV_KEYS.reviewer);
    expect(lodged.status, JSON.stringify(lodged.body)).toBe(201);
    expect(lodged.body.ledger.state).toBe("done");
    expect(await statusOf(inNotice)).toBe(CaseStatus.Submitted);
    const { cases } = local.contracts;
    const [transition] = (await cases.queryFilter(cases.filters.CaseTransition(inNotice))).slice(-1);
    expect([transition!.args.actor, transition!.args.evidenceHash]).toEqual([OFFICERS.reviewer.address, lodged.body.recordHash]);
  });

  it("a revision: the caseworker's own reviseRecord with the household's joined member; the applicant never changes, nor is anyone listed twice", async () => {
    const path = `/v1/cases/${inNotice}/revisions`;
    const applicantId = residentId(510);
    const household = [
      { name: "家属", relation: "配偶", residentId: spouseOf(applicantId) },
      { name: "子女", relation: "子", residentId: residentId(512, "20100101") },
    ];
    const fields = { reason: "新增家庭成员", household, monthlyIncome: 30_000 };
    const other = await draftFor(new Wallet(DEV_KEYS.caseworker), path, { reason: "x", applicant: { name: "另一人", residentId: residentId(513) } });
    expect([other.drafted.status, other.drafted.body.error.code, other.drafted.body.error.field]).toEqual([422, "REVISION_IDENTITY_CHANGED", "applicant.residentId"]);
    const twice = await draftFor(new Wallet(DEV_KEYS.caseworker), path, { reason: "x", household: [household[0], household[0]] });
    expect([twice.drafted.status, twice.drafted.body.error.code, twice.drafted.body.error.field]).toEqual([400, "HOUSEHOLD_MEMBER_REPEATED", "household.1.residentId"]);
    const invalid = await draftFor(new Wallet(DEV_KEYS.caseworker), path, { reason: "x", household: [{ name: "家属", relation: "配偶", residentId: "123" }] });
    expect([invalid.drafted.status, invalid.drafted.body.error.code, invalid.drafted.body.error.field]).toEqual([400, "IDENTITY_INVALID", "household.0.residentId"]);
    const refused = await refusesOthers(path, fields, { ...fields, monthlyIncome: 31_000 }, DEV_KEYS.caseworker, DEV_KEYS.reviewer);
    expect([refused.asOther.status, refused.asOther.body.error.code]).toEqual([403, "FORBIDDEN_ROLE"]);
    expect(refused.notTheirs).toEqual([403, "SIGNED_CALL_SIGNER_MISMATCH"]);
    expect(refused.notDrafted).toEqual([400, "SIGNED_CALL_MISMATCH"]);
    // A changed applicant is refused at the relay too, before the signature is looked at.
    const sizeBeforeDraft = local.gateway.log.size;
    const { token, drafted } = await draftFor(new Wallet(DEV_KEYS.caseworker), path, fields);
    // The draft shows the current record's personal data: a read, logged with its purpose before it was answered.
    expect(local.gateway.log.size).toBe(sizeBeforeDraft + 1);
    const read = (await local.gateway.log.lookupLeaf(sizeBeforeDraft, { decrypt: false })).revisions[0]!.record;
    expect(read).toMatchObject({ kind: "access-log", caseId: inNotice, public: { reader: new Wallet(DEV_KEYS.caseworker).address, roles: ["CASEWORKER"], fields: ["personal"], purpose: "revision: 新增家庭成员" } });
    const signedTransaction = await new Wallet(DEV_KEYS.caseworker).signTransaction(drafted.body.transaction);
    const swapped = await request(url()).post(path).set("authorization", token).send({ ...fields, applicant: { name: "另一人", residentId: residentId(513) }, draft: drafted.body.draft, signedTransaction });
    expect([swapped.status, swapped.body.error.code]).toEqual([422, "REVISION_IDENTITY_CHANGED"]);

    const revised = await request(url()).post(path).set("authorization", token).send({ ...fields, draft: drafted.body.draft, signedTransaction });
    expect(revised.status, JSON.stringify(revised.body)).toBe(201);
    expect(revised.body).toMatchObject({ revision: 1, recordHash: drafted.body.recordHash, ledger: { state: "done" } });
    expect(drafted.body.record).toMatchObject({ public: { householdSize: 3, revisedBy: new Wallet(DEV_KEYS.caseworker).address } });
    const { cases } = local.contracts;
    expect(await cases.revisions(inNotice)).toHaveLength(2);
    const [event] = await cases.queryFilter(cases.filters.CaseRecordRevised(inNotice));
    expect([event!.args.actor, event!.args.recordHash]).toEqual([new Wallet(DEV_KEYS.caseworker).address, drafted.body.recordHash]);
    const [revision] = cases.interface.decodeFunctionData("reviseRecord", Transaction.from(signedTransaction).data);
    expect([revision.joined.length, revision.left.length]).toEqual([1, 0]);
  });

  it("an activation once notice is over: the caseworker's own activate, for the case drafted and no other", async () => {
    await local.advance(7 * 24 * 3600);
    const path = `/v1/cases/${toActivate}/activate`;
    const { token, drafted } = await draftFor(new Wallet(DEV_KEYS.caseworker), path, {});
    const signedTransaction = await new Wallet(DEV_KEYS.caseworker).signTransaction(drafted.body.transaction);
    const elsewhere = await request(url()).post(`/v1/cases/${inNotice}/activate`).set("authorization", token).send({ draft: drafted.body.draft, signedTransaction });
    expect([elsewhere.status, elsewhere.body.error.code]).toEqual([400, "SIGNED_CALL_MISMATCH"]);
    const byApprover = await new Wallet(DEV_KEYS.approver1).signTransaction({ ...drafted.body.transaction, from: OFFICERS.approvers[0]!.address });
    const notTheirs = await request(url()).post(path).set("authorization", token).send({ draft: drafted.body.draft, signedTransaction: byApprover });
    expect([notTheirs.status, notTheirs.body.error.code]).toEqual([403, "SIGNED_CALL_SIGNER_MISMATCH"]);
    expect((await draftFor(new Wallet(DEV_KEYS.finance), path, {})).drafted.body.error.code).toBe("FORBIDDEN_ROLE");
    expect(await statusOf(toActivate)).toBe(CaseStatus.InNotice);

    const activated = await request(url()).post(path).set("authorization", token).send({ draft: drafted.body.draft, signedTransaction }).expect(201);
    expect(activated.body.ledger.state).toBe("done");
    expect(await statusOf(toActivate)).toBe(CaseStatus.Active);
    const { cases } = local.contracts;
    const [transition] = (await cases.queryFilter(cases.filters.CaseTransition(toActivate))).slice(-1);
    expect(transition!.args.actor).toBe(new Wallet(DEV_KEYS.caseworker).address);
  });

  it("a payout: the finance officer's own pay, within the ledger's bounds, its payment file logged", async () => {
    period = await local.currentPeriod();
    const budget = await local.signedStep("/v1/appropriations", { programme: "dibao", fiscalYear: Math.floor(period / 100), jurisdiction: COUNTY, amount: "5000000", purpose: "县级配套资金" }, DEV_KEYS.finance);
    expect(budget.status, JSON.stringify(budget.body)).toBe(201);
    allocationId = (await local.contracts.funds.allocationCount()).toString();
    const fields = { caseId: toActivate, period, allocationId, amount: "100000" };
    const refused = await refusesOthers("/v1/payouts", fields, { ...fields, amount: "99999" }, DEV_KEYS.finance, DEV_KEYS.governance);
    expect(refused.notTheirs).toEqual([403, "SIGNED_CALL_SIGNER_MISMATCH"]);
    expect(refused.notDrafted).toEqual([400, "SIGNED_CALL_MISMATCH"]);
    const finance = new Wallet(DEV_KEYS.finance);
    const future = period % 100 === 12 ? period + 89 : period + 1;
    const inFuture = await draftFor(finance, "/v1/payouts", { ...fields, period: future });
    expect([inFuture.drafted.status, inFuture.drafted.body.error.code]).toEqual([422, Math.floor(future / 100) === Math.floor(period / 100) ? "LEDGER_PAYOUT_PERIOD_IN_FUTURE" : "LEDGER_PAYOUT_OUTSIDE_FISCAL_YEAR"]);
    for (const [field, value] of [["amount", (2n ** 38n).toString()], ["allocationId", String(2 ** 24)], ["period", 202613], ["period", 300001]] as const) {
      const bad = await draftFor(finance, "/v1/payouts", { ...fields, [field]: value });
      expect([bad.drafted.status, bad.drafted.body.error.code, bad.drafted.body.error.field]).toEqual([400, "REQUEST_INVALID", field]);
    }

    const paid = await local.signedStep("/v1/payouts", fields, DEV_KEYS.finance);
    expect(paid.status, JSON.stringify(paid.body)).toBe(201);
    const { funds } = local.contracts;
    expect(await funds.payout(toActivate, period)).toEqual([BigInt(PayoutState.Paid), BigInt(allocationId), 100_000n]);
    const [made] = await funds.queryFilter(funds.filters.PayoutMade(toActivate));
    expect(made!.args.actor).toBe(finance.address);
    expect(await local.gateway.state.get(`payment-file:${toActivate}:${period}`)).toMatchObject({ recordId: paid.body.recordId });
  });

  it("a reversal: the finance officer's own reversePayout of the payout as the ledger recorded it, crediting its allocation", async () => {
    const { funds } = local.contracts;
    const fields = { caseId: toActivate, period, reason: "银行退回：账户冻结" };
    const unpaid = await draftFor(new Wallet(DEV_KEYS.finance), "/v1/reversals", { ...fields, caseId: inNotice });
    expect([unpaid.drafted.status, unpaid.drafted.body.error.code]).toEqual([422, "LEDGER_PAYOUT_NOT_OUTSTANDING"]);
    const refused = await refusesOthers("/v1/reversals", fields, { ...fields, reason: "另一原因" }, DEV_KEYS.finance, DEV_KEYS.governance);
    expect(refused.notTheirs).toEqual([403, "SIGNED_CALL_SIGNER_MISMATCH"]);
    expect(refused.notDrafted).toEqual([400, "SIGNED_CALL_MISMATCH"]);
    const before = await funds.available(allocationId);

    const reversed = await local.signedStep("/v1/reversals", fields, DEV_KEYS.finance);
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(201);
    expect(await funds.available(allocationId)).toBe(before + 100_000n);
    expect(await funds.payout(toActivate, period)).toEqual([BigInt(PayoutState.Reversed), BigInt(allocationId), 100_000n]);
    const [event] = await funds.queryFilter(funds.filters.PayoutReversed(toActivate));
    expect([event!.args.allocationId, event!.args.amount, event!.args.reasonHash, event!.args.actor]).toEqual([BigInt(allocationId), 100_000n, reversed.body.recordHash, OFFICERS.finance.address]);
    const record = (await local.gateway.log.lookup(reversed.body.recordId, { decrypt: false })).revisions[0]!.record;
    expect(record).toMatchObject({ kind: "document", caseId: toActivate, public: { type: "payout-reversal", period, allocationId, amount: "100000", reversedBy: OFFICERS.finance.address } });
    expect(JSON.stringify(record)).not.toContain("账户冻结");
    // Reversed, the month may be paid again.
    expect((await local.signedStep("/v1/payouts", { caseId: toActivate, period, allocationId, amount: "100000" }, DEV_KEYS.finance)).status).toBe(201);
  });
});
