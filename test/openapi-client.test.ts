import { Wallet } from "ethers";
import { readFileSync } from "node:fs";
import createClient, { type Middleware } from "openapi-fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gatewayApiTypes, TYPES_FILE } from "../scripts/openapi-types.ts";
import { verifyBundle } from "../server/audit/verify-bundle.ts";
import type { paths } from "../server/http/openapi-types.ts";
import type { AuditBundle } from "../kit/bundle.ts";
import { COUNTY, DEV_KEYS, localGateway, spouseOf, TOWNSHIP } from "./helpers/local-gateway.ts";
import { documentAjv } from "./helpers/openapi.ts";

let local: Awaited<ReturnType<typeof localGateway>>;
/** Every answer that is not as the document says, by operation: the journey ends with none. */
const undocumented: string[] = [];

beforeAll(async () => {
  local = await localGateway();
}, 60_000);
afterAll(async () => local?.close());

/** Checks every answer against the JSON Schema the gateway's own document gives for its status. */
function documented(document: { paths: Record<string, Record<string, { responses: Record<string, { content?: { "application/json"?: { schema: object } } }> }>> }): Middleware {
  const ajv = documentAjv();
  return {
    async onResponse({ schemaPath, request, response }) {
      const responses = document.paths[schemaPath]?.[request.method.toLowerCase()]?.responses ?? {};
      const schema = (responses[String(response.status)] ?? responses.default)?.content?.["application/json"]?.schema;
      const where = `${request.method} ${schemaPath} ${response.status}`;
      if (!schema) return void undocumented.push(`${where}: no schema`);
      const validate = ajv.compile(schema);
      if (!validate(await response.clone().json())) undocumented.push(...(validate.errors ?? []).map((e) => `${where}: ${e.instancePath || "/"} ${e.message}`));
    },
  };
}

/** A client of the gateway generated from its OpenAPI document, signed in as the officer of `key` when given. */
async function client(key?: string) {
  const api = createClient<paths>({ baseUrl: local.gateway.url });
  api.use(documented(await (await fetch(`${local.gateway.url}/v1/openapi.json`)).json()));
  if (!key) return api;
  const wallet = new Wallet(key);
  const { data: challenge } = await api.POST("/v1/auth/challenge", { body: { address: wallet.address } });
  const { data: session } = await api.POST("/v1/auth/session", { body: { message: challenge!.message, signature: await wallet.signMessage(challenge!.message) } });
  api.use({ onRequest: ({ request }) => void request.headers.set("authorization", `Bearer ${session!.token}`) });
  return api;
}

/** What a refusal said, for a failed expectation to show. */
const said = (answer: { error?: unknown; response: Response }) => `${answer.response.status} ${JSON.stringify(answer.error)}`;

describe("the gateway driven by a client generated from its OpenAPI document", () => {
  it("keeps the generated types in the tree as the document generates them", async () => {
    expect(readFileSync(TYPES_FILE, "utf8"), "server/http/openapi-types.ts is stale: npm run openapi:types").toBe(await gatewayApiTypes());
  });

  it("takes a case from intake to a settled payment, seen by its citizen and verified from the export, each officer with their own key", async () => {
    const caseworker = new Wallet(DEV_KEYS.caseworker);
    const applicantId = "110101199003074477";
    const fields = {
      programme: "dibao" as const,
      area: "urban" as const,
      jurisdiction: TOWNSHIP,
      applicant: { name: "申请人", residentId: applicantId },
      household: [{ name: "家属", relation: "配偶", residentId: spouseOf(applicantId) }],
      monthlyIncome: 40_000,
      documents: [],
    };

    // Intake: the gateway drafts, the caseworker signs the typed data, the gateway takes it in.
    const atIntake = await client(DEV_KEYS.caseworker);
    const drafted = await atIntake.POST("/v1/cases/draft", { body: fields });
    expect(drafted.data, said(drafted)).toBeDefined();
    const { envelope, deadline, domain, types, message } = drafted.data!;
    const signature = await caseworker.signTypedData(domain, types, message);
    const taken = await atIntake.POST("/v1/cases", { body: { ...fields, envelope, deadline, signature } });
    expect(taken.data, said(taken)).toBeDefined();
    const { caseId, receipt } = taken.data!;

    // Review, then approval by two county approvers, each signing on their own when they get to it.
    const decide = async (key: string, query: { approve?: string; amount?: string }) => {
      const officer = new Wallet(key);
      const api = await client(key);
      const asked = await api.GET("/v1/cases/{caseId}/decision-request", { params: { path: { caseId }, query } });
      expect(asked.data, said(asked)).toBeDefined();
      const { domain, types, message } = asked.data!;
      const signed = await api.POST("/v1/cases/{caseId}/decisions", {
        params: { path: { caseId } },
        body: { decision: message, signatures: [{ signer: officer.address, signature: await officer.signTypedData(domain, types, message) }] },
      });
      expect(signed.data, said(signed)).toBeDefined();
      return signed.data!;
    };
    expect(await decide(DEV_KEYS.reviewer, {})).toMatchObject({ state: "relayed", threshold: 1 });
    expect(await decide(DEV_KEYS.approver1, { approve: "true", amount: "150000" })).toMatchObject({ state: "collecting", threshold: 2 });
    expect(await decide(DEV_KEYS.approver2, {})).toMatchObject({ state: "relayed", signers: expect.arrayContaining([new Wallet(DEV_KEYS.approver1).address, new Wallet(DEV_KEYS.approver2).address]) });

    // Public notice passes (the demo's `npm run demo:advance`), then the caseworker activates.
    await local.advance(7 * 24 * 3600 + 60);
    const activation = await atIntake.POST("/v1/cases/{caseId}/activate/draft", { params: { path: { caseId } }, body: {} });
    expect(activation.data, said(activation)).toBeDefined();
    const activated = await atIntake.POST("/v1/cases/{caseId}/activate", {
      params: { path: { caseId } },
      body: { draft: activation.data!.draft, signedTransaction: await caseworker.signTransaction(activation.data!.transaction) },
    });
    expect(activated.data?.ledger.state, said(activated)).toBe("done");

    // The county's budget: one finance officer proposes it, a second enters the same terms and approves.
    const { data: clock } = await (await client()).GET("/v1/ledger/clock");
    const terms = { programme: "dibao" as const, fiscalYear: clock!.fiscalYear, jurisdiction: COUNTY, amount: "10000000" };
    const maker = await client(DEV_KEYS.finance);
    const proposal = { ...terms, purpose: "2027 年低保资金" };
    const proposing = await maker.POST("/v1/appropriations/draft", { body: proposal });
    expect(proposing.data, said(proposing)).toBeDefined();
    const proposed = await maker.POST("/v1/appropriations", {
      body: { ...proposal, draft: proposing.data!.draft, signedTransaction: await new Wallet(DEV_KEYS.finance).signTransaction(proposing.data!.transaction) },
    });
    expect(proposed.data?.ledger.state, said(proposed)).toBe("done");
    const checker = await client(DEV_KEYS.budgetChecker);
    const path = { proposalId: proposed.data!.proposalId! };
    const checking = await checker.POST("/v1/appropriations/{proposalId}/approval/draft", { params: { path }, body: terms });
    expect(checking.data, said(checking)).toBeDefined();
    const approved = await checker.POST("/v1/appropriations/{proposalId}/approval", {
      params: { path },
      body: { ...terms, draft: checking.data!.draft, signedTransaction: await new Wallet(DEV_KEYS.budgetChecker).signTransaction(checking.data!.transaction) },
    });
    expect(approved.data?.ledger.state, said(approved)).toBe("done");
    const allocationId = approved.data!.allocationId;
    expect(allocationId).toMatch(/^\d+$/);

    // The month's run, each batch signed by the finance officer.
    const finance = await client(DEV_KEYS.finance);
    const run = { programme: "dibao" as const, period: clock!.period, allocationId: allocationId!, batchSize: 100 };
    const planned = await finance.POST("/v1/payout-runs/draft", { body: run });
    expect(planned.data?.run.lines, said(planned)).toEqual([{ caseId, amount: "150000" }]);
    const signedTransactions = await Promise.all(planned.data!.batches.map((b) => new Wallet(DEV_KEYS.finance).signTransaction(b.transaction)));
    const relayed = await finance.POST("/v1/payout-runs", { body: { ...run, draft: planned.data!.draft, signedTransactions } });
    expect(relayed.data, said(relayed)).toBeDefined();
    await expect.poll(async () => (await finance.GET("/v1/payout-runs/{runId}", { params: { path: { runId: relayed.data!.runId } } })).data?.progress.paid, { timeout: 20_000 }).toBe(1);

    // The bank says it arrived; the citizen sees it with their receipt, typed as the case number and code.
    const bank = await client(DEV_KEYS.bank);
    const settlement = { period: clock!.period, settlements: [{ caseId, reference: "ICBC-000001" }] };
    const settling = await bank.POST("/v1/settlements/draft", { body: settlement });
    expect(settling.data, said(settling)).toBeDefined();
    const settled = await bank.POST("/v1/settlements", {
      body: { ...settlement, draft: settling.data!.draft, signedTransaction: await new Wallet(DEV_KEYS.bank).signTransaction(settling.data!.transaction) },
    });
    expect(settled.data?.ledger.state, said(settled)).toBe("done");
    await local.gateway.anchorer.anchorOnce();
    const citizen = await (await client()).GET("/v1/citizen/case", { headers: { "x-aidtrail-receipt": `${receipt.caseNumber} ${receipt.code}` } });
    expect(citizen.data?.status.code, said(citizen)).toBe("Active");
    expect(citizen.data!.payments).toMatchObject([{ period: clock!.period, amount: "150000", arrived: { transactionHash: expect.any(String) } }]);

    // The auditor's trail and export; the export verifies against the chain alone.
    const auditor = await client(DEV_KEYS.auditor);
    const trail = await auditor.GET("/v1/audit/cases/{caseId}/trail", { params: { path: { caseId } } });
    expect(trail.data?.steps.filter((s) => s.where === "ledger").map((s) => s.step), said(trail)).toEqual(
      expect.arrayContaining(["application", "review", "approval", "activation", "payout", "settlement"]),
    );
    const exported = await auditor.GET("/v1/audit/export", { params: { query: { jurisdiction: COUNTY } } });
    expect(exported.data, said(exported)).toBeDefined();
    const report = await verifyBundle(exported.data as AuditBundle, local.provider, { anchor: await local.contracts.anchor.getAddress() });
    expect(report.failures).toEqual([]);
    expect(report.summary).toMatchObject({ payouts: 1, settled: 1 });

    // The other readings, each answered as documented.
    expect((await auditor.GET("/v1/cases/{caseId}", { params: { path: { caseId }, query: {} } })).data?.ledger?.status).toBe("Active");
    expect((await auditor.GET("/v1/audit/allocations/{allocationId}/flow", { params: { path: { allocationId: allocationId! } } })).data?.tree.totals.reconciles).toBe(true);
    expect((await finance.GET("/v1/allocations")).data?.allocations.map((a) => a.allocationId)).toContain(allocationId);
    expect((await finance.GET("/v1/appropriations/proposals")).data?.proposals).toMatchObject([{ state: "made", allocationId }]);
    expect((await finance.GET("/v1/auth/session")).data?.roles).toContainEqual({ role: "FINANCE_OFFICER", jurisdiction: COUNTY });
    const anyone = await client();
    const { data: latest } = await anyone.GET("/v1/log/checkpoints/latest");
    expect((await anyone.GET("/v1/proofs/records/{recordId}", { params: { path: { recordId: taken.data!.recordId } } })).data?.revisions[0]?.anchored).toBe(true);
    expect((await anyone.GET("/v1/log/consistency", { params: { query: { from: 1, to: latest!.treeSize } } })).data?.proof.length).toBeGreaterThan(0);
    expect((await anyone.GET("/v1/public/notices")).data?.notices).toEqual([]);

    expect(undocumented).toEqual([]);
  });

  it("documents the refusals it answers as well: a case unknown, a token missing", async () => {
    const auditor = await client(DEV_KEYS.auditor);
    const unknown = await auditor.GET("/v1/audit/cases/{caseId}/trail", { params: { path: { caseId: "0x" + "00".repeat(32) } } });
    const anonymous = await (await client()).GET("/v1/audit/export", { params: { query: {} } });
    expect([unknown.error?.error.code, anonymous.error?.error.code]).toEqual([expect.any(String), "AUTH_REQUIRED"]);
    expect(undocumented).toEqual([]);
  });
});
