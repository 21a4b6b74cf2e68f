import { parseEther, Transaction, Wallet, type BaseWallet, type TransactionRequest } from "ethers";
import request from "supertest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CaseStatus, PayoutState } from "../server/chain/domain.ts";
import { roleId } from "../server/chain/roles.ts";
import { COUNTY, DEV_KEYS, localGateway, TOWNSHIP } from "./helpers/local-gateway.ts";
import { residentId } from "./helpers/resident-id.ts";

const PROVINCE = "440000000000";
const PERIOD = 202611;
let local: Awaited<ReturnType<typeof localGateway>>;
const officer = () => new Wallet(Wallet.createRandom().privateKey);
const reviewer = officer();
const approvers = [officer(), officer()];
const provinceFinance = officer();
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
    ["FINANCE_OFFICER", countyFinance, COUNTY],
    ["SETTLEMENT_AGENT", bank, COUNTY],
  ];
  for (const [role, who, scope] of grants) await (await access.connect(governance).grantScopedRole(roleId(role as "APPROVER"), who.address, BigInt(scope))).wait();
  // Officers send their own transactions here, so they pay gas; a permissioned chain with free gas needs no funding.
  for (const who of [...approvers, provinceFinance, bank]) await (await governance.sendTransaction({ to: who.address, value: parseEther("1") })).wait();
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
    // The same signed transaction again: its nonce is spent, and nothing is written.
    const again = await post({ ...fields, draft: drafted.body.draft, signedTransaction }).expect(409);
    expect(again.body.error).toMatchObject({ code: "SIGNED_CALL_NONCE_USED", field: "signedTransaction" });
    expect(local.gateway.log.size).toBe(sizeBefore + 1);
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
  it("appropriates at the province and allocates down to the county, each purpose hash the hash of its logged record", async () => {
    const appropriation = await relay(provinceFinance, "/v1/appropriations", { programme: "dibao", fiscalYear: 2026, jurisdiction: PROVINCE, amount: "50000000", purpose: "省级困难群众救助补助资金" });
    expect(appropriation.relayed.status, JSON.stringify(appropriation.relayed.body)).toBe(201);
    const { funds } = local.contracts;
    const parentId = await funds.allocationCount();
    const parent = await funds.allocation(parentId);
    expect([parent.jurisdiction, parent.amount, parent.purposeHash]).toEqual([BigInt(PROVINCE), 50_000_000n, appropriation.relayed.body.recordHash]);

    const allocation = await relay(provinceFinance, "/v1/allocations", { parentId: parentId.toString(), jurisdiction: COUNTY, amount: "20000000", purpose: "转移支付 海珠区" });
    expect(allocation.relayed.status, JSON.stringify(allocation.relayed.body)).toBe(201);
    expect(await funds.available(parentId)).toBe(30_000_000n);

    const tooMuch = await draftFor(provinceFinance, "/v1/allocations", { parentId: parentId.toString(), jurisdiction: COUNTY, amount: "30000001", purpose: "超额" });
    expect([tooMuch.drafted.status, tooMuch.drafted.body.error.code]).toEqual([422, "LEDGER_ALLOCATION_INSUFFICIENT"]);
    const notTheirs = await draftFor(countyFinance, "/v1/allocations", { parentId: parentId.toString(), jurisdiction: COUNTY, amount: "1", purpose: "越级" });
    expect([notTheirs.drafted.status, notTheirs.drafted.body.error.code]).toEqual([403, "FORBIDDEN_ROLE"]);
    const unknown = await draftFor(provinceFinance, "/v1/allocations", { parentId: "999", jurisdiction: COUNTY, amount: "1", purpose: "无此拨款" });
    expect([unknown.drafted.status, unknown.drafted.body.error.code]).toEqual([404, "LEDGER_ALLOCATION_UNKNOWN"]);
    const badAmount = await draftFor(provinceFinance, "/v1/appropriations", { programme: "dibao", fiscalYear: 2026, jurisdiction: PROVINCE, amount: "-5", purpose: "x" });
    expect([badAmount.drafted.status, badAmount.drafted.body.error.field]).toEqual([400, "amount"]);
  });

  it("lets the settlement agent confirm a payout arrived, the bank's reference logged and its hash on the ledger", async () => {
    const { funds } = local.contracts;
    const paidCase = await local.takeIn(residentId(502));
    await local.activate(paidCase, 100_000n, { reviewer, approvers });
    const allocationId = (await funds.allocationCount()).toString();
    const finance = await local.signIn(countyFinance.privateKey);
    await request(local.gateway.url).post("/v1/payouts").set("authorization", finance).send({ caseId: paidCase, period: PERIOD, allocationId, amount: "100000" }).expect(201);
    expect(Number(await funds.payoutState(paidCase, PERIOD))).toBe(PayoutState.Paid);

    const unpaid = await draftFor(bank, "/v1/settlements", { period: PERIOD, settlements: [{ caseId, reference: "ICBC-0000" }] });
    expect([unpaid.drafted.status, unpaid.drafted.body.error.code]).toEqual([422, "LEDGER_PAYOUT_NOT_OUTSTANDING"]);
    const settled = await relay(bank, "/v1/settlements", { period: PERIOD, settlements: [{ caseId: paidCase, reference: "ICBC-2026-11-000123" }] });
    expect(settled.relayed.status, JSON.stringify(settled.relayed.body)).toBe(201);
    expect(Number(await funds.payoutState(paidCase, PERIOD))).toBe(PayoutState.Settled);
    const [event] = await funds.queryFilter(funds.filters.PayoutSettled(paidCase));
    expect(event!.args.receiptHash).toBe(settled.relayed.body.recordHash);
    const proof = (await request(local.gateway.url).get(`/v1/proofs/records/${settled.relayed.body.recordId}`).expect(200)).body;
    expect(proof.revisions[0].leafHash).toBe(settled.relayed.body.recordHash);
  });
});
