import { z } from "zod";
import { challengeRequest, sessionRequest } from "./routes/auth.ts";
import { disclosureRequest, READ_PURPOSES, receiptReissueRequest, activationRequest, applicationDraftRequest, applicationRequest, decisionSignaturesRequest, exitRequest, objectionRequest, personLookupRequest, revisionRequest, suspensionRequest } from "./routes/cases.ts";
import { allocationRequest, appropriationApprovalRequest, appropriationRequest, payoutRequest, payoutRunRelayRequest, payoutRunRequest, reversalRequest, settlementRequest } from "./routes/funds.ts";
import { relayFields } from "./signed-calls.ts";
import { feedbackRequest } from "./routes/citizen.ts";
import {
  allocationsSchema,
  applicationDraftSchema,
  auditBundleSchema,
  caseSchema,
  challengeResponseSchema,
  citizenCaseSchema,
  worklistSchema,
  casesFoundSchema,
  deploymentSchema,
  documentKeptSchema,
  personCasesSchema,
  disclosureSchema,
  ownRecordSchema,
  divisionsSchema,
  outstandingSchema,
  citizenPaymentSchema,
  collectedSchema,
  consistencySchema,
  decisionRequestSchema,
  draftedCallSchema,
  draftedRunSchema,
  errorSchema,
  feedbackResponseSchema,
  flowSchema,
  intakeResponseSchema,
  latestCheckpointSchema,
  ledgerClockSchema,
  noticesSchema,
  officerSchema,
  proposalsSchema,
  readinessSchema,
  receiptReissueSchema,
  recordProofsSchema,
  relayedStepSchema,
  runProgressSchema,
  sessionResponseSchema,
  trailSchema,
  verifyRequestSchema,
  verifyResponseSchema,
} from "./schemas.ts";

const json = (schema: z.ZodType) => ({ "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) } });
/** The draft and relay routes of a ledger step the officer signs with their own key (server/sync/signed-call.ts). */
const signedCall = (path: string, summary: string, schema: z.ZodObject) => ({
  [`${path}/draft`]: {
    post: {
      summary: `${summary}: the evidence record and the unsigned transaction for the officer's own account to sign; nothing is written`,
      requestBody: { required: true, content: json(schema) },
      responses: { "200": { description: "draft (record id, time, salt), record, record hash, transaction", content: json(draftedCallSchema) }, ...errors },
    },
  },
  [path]: {
    post: {
      summary: `${summary}: the same fields with the draft and the signed transaction; the record is logged and the transaction relayed as signed`,
      requestBody: { required: true, content: json(schema.extend(relayFields)) },
      responses: { "201": { description: "record id, record hash, leaf index, ledger state", content: json(relayedStepSchema) }, ...errors },
    },
  },
});
const idempotencyKey = {
  name: "Idempotency-Key",
  in: "header",
  schema: { type: "string", pattern: "^[\\x21-\\x7e]{1,200}$" },
  description: "a retry with the same key from the same caller gets the first successful answer and does nothing again; the same key with another request is refused",
};
/** Who may call: an officer's bearer token unless an operation says otherwise (server/http/officers.ts signedIn). */
const securitySchemes = {
  bearer: { type: "http", scheme: "bearer", description: "the token POST /v1/auth/session gives for the officer's signed sign-in message" },
  metrics: { type: "http", scheme: "bearer", description: "the operator's metrics token (AIDTRAIL_METRICS_TOKEN), for its Prometheus scraper" },
  backup: { type: "http", scheme: "bearer", description: "the operator's backup token (AIDTRAIL_BACKUP_TOKEN), for `aidtrail backup`" },
  receipt: { type: "apiKey", in: "header", name: "X-Aidtrail-Receipt", description: "the citizen's receipt: the payload its QR code holds (aidtrail:case:<case id>:<code>), or the case number (or case id) and the 12-character code as typed, spaces and hyphens allowed" },
};
const open = { security: [] };
const byReceipt = { security: [{ receipt: [] }] };
const errors = { default: { description: "an error: a stable code, a message, the field at fault", content: json(errorSchema) } };

/** The OpenAPI document of the gateway, generated from the schemas that validate its requests. */

const allocations = signedCall("/v1/allocations", "A finance officer passes funds from an allocation down to a jurisdiction within it", allocationRequest);
export function openApiDocument(version: string) {
  const document = {
    openapi: "3.1.0",
    info: { title: "aidtrail gateway", version },
    components: { securitySchemes },
    security: [{ bearer: [] }],
    paths: {
      "/v1/verify": {
        post: {
          ...open,
          summary: "Verify a record as the caller holds it against its proof and checkpoint",
          requestBody: { required: true, content: json(verifyRequestSchema) },
          responses: { "200": { description: "the verdict, with every reason it fails", content: json(verifyResponseSchema) }, ...errors },
        },
      },
      "/v1/auth/challenge": {
        post: {
          ...open,
          summary: "A one-time message for an officer's account to sign (EIP-4361 style)",
          requestBody: { required: true, content: json(challengeRequest) },
          responses: { "200": { description: "the message to sign", content: json(challengeResponseSchema) }, ...errors },
        },
      },
      "/v1/auth/session": {
        post: {
          ...open,
          summary: "Exchange the signed message for a bearer token naming the officer's account",
          requestBody: { required: true, content: json(sessionRequest) },
          responses: { "200": { description: "token, address, expiry", content: json(sessionResponseSchema) }, ...errors },
        },
        get: { summary: "The signed-in officer and the roles the ledger gives them now", responses: { "200": { description: "address and roles", content: json(officerSchema) }, ...errors } },
      },
      "/v1/cases/draft": {
        post: {
          summary:
            "Draft an application for the signed-in caseworker to sign: a fresh envelope (case id, record id, time, salt), the record built from the fields in it, its hash, the identity commitments of the applicant and of each household member in the order sent (`commitments`) and their hash (`identities`), and the EIP-712 ApplicationAuthorisation (domain, types, primaryType, message) with `deadline` or a day from the ledger's clock; resident IDs and the household checked; nothing is written. Every client needs the commitments of the gateway, which alone holds the identity key: a client may sign the draft as it is (sending its envelope), or keep its own envelope and record and take only `commitments` (or `identities`) for the `identities` it signs; the members' order is the order signed",
          requestBody: { required: true, content: json(applicationDraftRequest) },
          responses: { "200": { description: "envelope, record, recordHash, commitments (applicant, household), identities, deadline, domain, types, primaryType, message", content: json(applicationDraftSchema) }, ...errors },
        },
      },
      "/v1/cases/by-person": {
        post: {
          summary: "The cases a person is in, as applicant or member, found by their resident ID (sent in the body, never in a URL) for a stated purpose, over the jurisdictions the signed-in officer works on cases in; each case found is logged as a read of it for that purpose. Status, programme and masked name, no personal data",
          requestBody: { required: true, content: json(personLookupRequest) },
          responses: { "200": { description: "the person's cases (none if none is yours)", content: json(personCasesSchema) }, ...errors },
        },
      },
      "/v1/disclosures": {
        post: {
          summary:
            "Named groups of the personal fields of named cases (identity, household, means, bankAccount), for a stated purpose: each case's current application record as logged, the groups' fields with their own salts, which open the commitments the log anchored, and the proof of its leaf. Each group needs a role over the case that discloses it, and a group holding a special category of data (a child's) SPECIAL_CATEGORY_READER as well; the whole request is refused, nothing logged, if one is not allowed. Every disclosure is logged, a record per case and group, before it is answered",
          requestBody: { required: true, content: json(disclosureRequest) },
          responses: { "200": { description: "the disclosed records, with proofs to the latest anchored checkpoint", content: json(disclosureSchema) }, ...errors },
        },
      },
      "/v1/cases": {
        get: {
          summary: "Cases found by the number on their receipt (16 hex digits), over the jurisdictions the signed-in officer works on cases in (caseworker, reviewer, approver, auditor): status, programme and masked name, no personal data",
          parameters: [{ name: "number", in: "query", required: true, schema: { type: "string", pattern: "^[0-9a-fA-F]{16}$" }, description: "the case number, as the receipt prints it" }],
          responses: { "200": { description: "the cases of that number (usually one, none if none is yours)", content: json(casesFoundSchema) }, ...errors },
        },
        post: {
          summary:
            "Take in an application its caseworker signed: the gateway rebuilds the record from the fields and envelope (records/kinds/application.ts, intake officer the signed-in caseworker), the ledger's dry run checks the caseworker's signature of its ApplicationAuthorisation (case id, programme, area, jurisdiction, record hash, identities, deadline; the identities are the hash of the commitments the gateway computes from the resident IDs sent, in their order), their role and that no one in the household has an open case in the programme; then the record is logged (personal fields sealed), the case owed to the ledger, a receipt returned. A signature over anything else is refused (LEDGER_APPLICATION_SIGNATURE_INVALID), as is a case id used before (LEDGER_CASE_ALREADY_EXISTS)",
          requestBody: { required: true, content: json(applicationRequest) },
          responses: { "201": { description: "caseId, receipt (case number, code and QR payload, given once), recordId, recordHash, leafIndex, ledger state", content: json(intakeResponseSchema) }, ...errors },
        },
      },
      "/v1/cases/{caseId}": {
        get: {
          summary: "A case: ledger status, record revisions with proofs; personal data only with ?purpose=, for a role that works with it, and the read is logged. An officer without rights gets the same refusal for a case that does not exist as for one they may not see",
          parameters: [
            { name: "caseId", in: "path", required: true, schema: { type: "string" } },
            { name: "purpose", in: "query", schema: { type: "string", enum: Object.keys(READ_PURPOSES) }, description: Object.entries(READ_PURPOSES).map(([k, v]) => `${k}: ${v}`).join("; ") },
          ],
          responses: { "200": { description: "the case", content: json(caseSchema) }, ...errors },
        },
      },
      "/v1/cases/{caseId}/receipt": {
        post: {
          summary:
            "A caseworker over the case reissues the citizen's receipt (the answer that carried it was lost, or the paper): the applicant's resident ID re-entered must be the case's (RECEIPT_APPLICANT_MISMATCH otherwise); the old code stops working; the reissue is logged",
          requestBody: { required: true, content: json(receiptReissueRequest) },
          responses: { "201": { description: "the new receipt, given once", content: json(receiptReissueSchema) }, ...errors },
        },
      },
      "/v1/cases/{caseId}/documents/{sha256}": {
        put: {
          summary: "A caseworker over the case keeps a document's content, sealed like personal data: only one the application lists by this SHA-256 (DOCUMENT_NOT_LISTED otherwise), and only bytes of that digest (DOCUMENT_DIGEST_MISMATCH); at most 8 MiB; kept again, kept once",
          requestBody: { required: true, content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } },
          responses: { "201": { description: "kept", content: json(documentKeptSchema) }, "200": { description: "kept already", content: json(documentKeptSchema) }, ...errors },
        },
        get: {
          summary: "A document's content, for a stated purpose (?purpose=, as for the case's personal data), to a caseworker, reviewer or approver over the case; the read is logged",
          parameters: [{ name: "purpose", in: "query", required: true, schema: { type: "string", enum: Object.keys(READ_PURPOSES) } }],
          responses: { "200": { description: "the document's bytes", content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } }, ...errors },
        },
      },
      "/v1/cases/{caseId}/decision-request": {
        get: {
          summary:
            "The exact EIP-712 payload officers sign for the case's next review or approval, and who has signed it so far: the decision being collected, the same message for every officer who asks until it is decided or its deadline passes (terms left out are its terms; other terms are refused once someone has signed, DECISION_OPEN, and replace it before). An approval's household size is the ledger's for the case (1 + the members at intake, changed by revisions) unless given; another is refused (APPROVAL_HOUSEHOLD_SIZE_MISMATCH) before anyone signs",
          parameters: ["caseId", "approve", "amount", "householdSize", "hours"].map((name) => ({ name, in: name === "caseId" ? "path" : "query", required: name === "caseId", schema: { type: "string" } })),
          responses: { "200": { description: "domain, types, message, digest, role, threshold, signers", content: json(decisionRequestSchema) }, ...errors },
        },
      },
      "/v1/cases/{caseId}/decisions": {
        get: { summary: "The decision being collected on the case and who has signed it", responses: { "200": { description: "domain, types, message, digest, role, threshold, signers", content: json(decisionRequestSchema) }, ...errors } },
        post: {
          summary:
            "Officers' signatures on the decision being collected: each checked before it is kept, by its signature and by the ledger's own rule for its signer (role, jurisdiction, level, deadline: CaseRegistry.checkDecision, LEDGER_DECISION_*); collected to the threshold, then relayed. A signature the ledger stopped counting since it was kept is dropped at relay time and named",
          requestBody: { required: true, content: json(decisionSignaturesRequest) },
          responses: { "201": { description: "relayed", content: json(collectedSchema) }, "202": { description: "collecting", content: json(collectedSchema) }, ...errors },
        },
        delete: { summary: "The signed-in officer withdraws their signature from the decision being collected; with none left it is closed", responses: { "200": { description: "collecting or closed, with the signers left", content: json(collectedSchema) }, ...errors } },
      },
      ...signedCall("/v1/cases/{caseId}/objections", "A caseworker or reviewer lodges an objection during public notice (the case goes back to review)", objectionRequest),
      ...signedCall(
        "/v1/cases/{caseId}/revisions",
        "A caseworker revises the application record (annual re-check, correction; a decided case goes back to review): the household checked as at intake, the members who joined or left named by their commitments; a changed applicant is refused (REVISION_IDENTITY_CHANGED)",
        revisionRequest,
      ),
      ...signedCall("/v1/cases/{caseId}/activate", "A caseworker or approver starts payments once public notice is over", activationRequest),
      ...signedCall("/v1/cases/{caseId}/suspension", "An approver suspends or resumes a case's payments", suspensionRequest),
      ...signedCall("/v1/cases/{caseId}/exit", "An approver ends a case (the household leaves assistance)", exitRequest),
      ...signedCall("/v1/appropriations", "A finance officer proposes an appropriation of a programme's budget at their level; it is made when a second finance officer approves the same terms", appropriationRequest),
      ...signedCall(
        "/v1/appropriations/{proposalId}/approval",
        "A second finance officer approves a proposed appropriation, entering its terms from the budget as passed: refused to the maker (LEDGER_APPROPRIATION_SELF_APPROVAL) and for other terms (LEDGER_APPROPRIATION_TERMS_MISMATCH)",
        appropriationApprovalRequest,
      ),
      ...allocations,
      "/v1/allocations": {
        ...allocations["/v1/allocations"],
        get: { summary: "Every budget line and allocation on the line of the gateway's county (above it, it, beneath it), as the ledger holds them: amount, passed down, paid, left, whether it pays cases", responses: { "200": { description: "the allocations", content: json(allocationsSchema) }, ...errors } },
      },
      "/v1/appropriations/proposals": {
        get: { summary: "Every appropriation proposed on the ledger: its terms, its maker, and whether it is pending, made (its allocation and checker) or withdrawn", responses: { "200": { description: "the proposals", content: json(proposalsSchema) }, ...errors } },
      },
      ...signedCall("/v1/settlements", "The settlement agent confirms payouts arrived, with the bank's references", settlementRequest),
      ...signedCall("/v1/payouts", "A finance officer pays one case for one period (0 for one-off programmes) from an allocation of their own at a county or below, its payment file logged", payoutRequest),
      ...signedCall("/v1/reversals", "A finance officer reverses a payout that did not arrive: the allocation and amount the ledger recorded for it, the allocation credited", reversalRequest),
      "/v1/payout-runs/draft": {
        post: {
          summary:
            "A finance officer's monthly payout run for a programme, drafted: the lines (each active case the smaller of its approved amount and the standard at the month's end times its household), the cases skipped with the reason, and for each batch its payment file and the unsigned payBatch transaction of the officer's account, nonces in order. A month outside the allocation's fiscal year or after the ledger's current month is refused; nothing is written",
          requestBody: { required: true, content: json(payoutRunRequest) },
          responses: { "200": { description: "run (lines, skipped), draft (run id, time, each batch's record id, time, salt), batches (record, size, transaction)", content: json(draftedRunSchema) }, ...errors },
        },
      },
      "/v1/payout-runs": {
        post: {
          summary: "The drafted run relayed: the same fields, the draft and each batch's signed transaction in order; the run rebuilt must be the one drafted, each transaction the officer's and its batch's call; the payment files logged and the batches owed at once",
          requestBody: { required: true, content: json(payoutRunRelayRequest) },
          responses: { "201": { description: "the run and its batches", content: json(runProgressSchema) }, ...errors },
        },
      },
      "/v1/payout-runs/{runId}": { get: { summary: "A run's progress", responses: { "200": { description: "the run and its batches", content: json(runProgressSchema) }, ...errors } } },
      "/v1/proofs/records/{recordId}": { get: { ...open, summary: "A record's inclusion proof to the latest anchored checkpoint (hashes only)", responses: { "200": { description: "revisions with proofs", content: json(recordProofsSchema) }, ...errors } } },
      "/v1/log/checkpoints/latest": { get: { ...open, summary: "The latest anchored checkpoint", responses: { "200": { description: "signed checkpoint and its anchoring, and how many records wait for the next", content: json(latestCheckpointSchema) }, ...errors } } },
      "/v1/log/consistency": {
        get: {
          ...open,
          summary: "A consistency proof between two sizes of the log",
          parameters: [
            { name: "from", in: "query", required: true, schema: { type: "integer", minimum: 0 }, description: "the earlier size" },
            { name: "to", in: "query", required: false, schema: { type: "integer", minimum: 0 }, description: "the later size; the latest anchored checkpoint's when left out" },
          ],
          responses: { "200": { description: "the proof", content: json(consistencySchema) }, ...errors },
        },
      },
      "/v1/citizen/case": {
        get: {
          ...byReceipt,
          summary: "A citizen's own case, opened with the receipt",
          description: "Its status in plain words, its terms, and its payments newest first, the newest with its payment file and inclusion proof (compressed when the client accepts it).",
          responses: { "200": { description: "status, payments, the newest payment's proof", content: json(citizenCaseSchema) }, ...errors },
        },
      },
      "/v1/citizen/record": {
        get: {
          ...byReceipt,
          summary: "A citizen's own application record, opened with the receipt: every personal field with its salt (checked against the logged commitments by the kit's verifyRecord), and who has read their data, when and why, from the access log",
          responses: { "200": { description: "the record, its proof and the readings of it", content: json(ownRecordSchema) }, ...errors },
        },
      },
      "/v1/settlements/outstanding": {
        get: {
          summary: "The month's payouts to this gateway's cases that the bank has yet to confirm: paid on the ledger, neither settled nor reversed (settlement agents, finance officers, auditors)",
          parameters: [{ name: "period", in: "query", required: true, schema: { type: "integer", minimum: 0, maximum: 299912 }, description: "the month, YYYYMM, or 0 for one-off payments" }],
          responses: { "200": { description: "the payouts outstanding", content: json(outstandingSchema) }, ...errors },
        },
      },
      "/v1/worklist": {
        get: {
          summary: "The signed-in officer's worklist: cases waiting for a stage their roles take (review, approval, activation once the notice is over), over their jurisdictions, oldest first, with days against the stage's limit",
          responses: { "200": { description: "the worklist", content: json(worklistSchema) }, ...errors },
        },
      },
      "/v1/citizen/payments/{period}": {
        get: {
          ...byReceipt,
          summary: "One payment to a citizen's case, with its payment file and inclusion proof, for the browser to check",
          parameters: [{ name: "period", in: "path", required: true, schema: { type: "integer", minimum: 0, maximum: 299912 }, description: "the month paid, YYYYMM, or 0 for a one-off payment" }],
          responses: { "200": { description: "the payment and its proof", content: json(citizenPaymentSchema) }, ...errors },
        },
      },
      "/v1/citizen/feedback": {
        post: {
          ...byReceipt,
          summary: "A citizen's rating or complaint about their case, logged (and so in the case's trail)",
          requestBody: { required: true, content: json(feedbackRequest) },
          responses: { "201": { description: "logged", content: json(feedbackResponseSchema) }, ...errors },
        },
      },
      "/v1/audit/cases/{caseId}/trail": { get: { summary: "Every step of a case, off chain and on, in time order, with proofs and stage timing", responses: { "200": { description: "the trail", content: json(trailSchema) }, ...errors } } },
      "/v1/audit/export": {
        get: {
          summary: "An audit bundle (format aidtrail.audit-bundle/2): every leaf from `from` to the last checkpoint anchored by `to`, the records of `jurisdiction` as logged (personal fields as commitments), checkpoints and consistency proofs; verify it with `aidtrail verify`",
          parameters: ["jurisdiction", "from", "to"].map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
          responses: { "200": { description: "the bundle, as a JSON attachment", content: json(auditBundleSchema) }, ...errors },
        },
      },
      "/v1/audit/allocations/{allocationId}/flow": { get: { summary: "An allocation's parents up to its appropriation and its tree down to every payout, reconciled", responses: { "200": { description: "the flow", content: json(flowSchema) }, ...errors } } },
      "/v1/ledger/clock": {
        get: { ...open, summary: "The ledger's clock: its latest block's time, and the month (YYYYMM, China Standard Time) and fiscal year it is in: the latest month a payout may be for", responses: { "200": { description: "time, timestamp, period, fiscalYear", content: json(ledgerClockSchema) } } },
      },
      "/v1/deployment": {
        get: { ...open, summary: "The chain and contracts this gateway relays to: what an officer's page keeps on first use and holds every later draft to (or the deployment file the officer opens instead)", responses: { "200": { description: "chainId, contracts", content: json(deploymentSchema) } } },
      },
      "/v1/divisions": {
        get: { ...open, summary: "The names of divisions by their 12-digit codes, as the gateway's configuration lists them (AIDTRAIL_DIVISIONS): what the pages show where the ledger has codes", responses: { "200": { description: "the divisions", content: json(divisionsSchema) } } },
      },
      "/v1/public/notices": {
        get: {
          ...open,
          summary: "Cases in public notice: the surname alone (王**, 欧阳**), township, household size, approved amount, notice end; by case id, a page at a time; rate-limited",
          parameters: [
            { name: "after", in: "query", required: false, schema: { type: "string", pattern: "^0x[0-9a-f]{64}$" }, description: "the `next` of the page before" },
            { name: "limit", in: "query", required: false, schema: { type: "integer", minimum: 1, maximum: 200, default: 50 } },
          ],
          responses: { "200": { description: "the notices", content: json(noticesSchema) }, ...errors },
        },
      },
      "/healthz": { get: { ...open, summary: "The process is up", responses: { "200": { description: "up" } } } },
      "/readyz": {
        get: {
          ...open,
          summary: "The gateway can serve: chain reachable, log consistent with its last anchor",
          responses: { "200": { description: "ready", content: json(readinessSchema) }, "503": { description: "not ready", content: json(readinessSchema) } },
        },
      },
      "/metrics": { get: { security: [{ metrics: [] }], summary: "Prometheus metrics, for the operator's scraper; off when the gateway has no metrics token", responses: { "200": { description: "text exposition format" }, ...errors } } },
      "/v1/admin/backup": {
        get: {
          security: [{ backup: [] }],
          summary: "A backup of the data folder, taken while the gateway serves (JSON Lines: a header, the state's and the log's entries from LevelDB snapshots, a last line with their count and SHA-256); personal fields stay sealed. Off when the gateway has no backup token. `aidtrail restore` checks it against the chain",
          responses: { "200": { description: "application/x-ndjson" }, ...errors },
        },
      },
    },
  };
  type Operation = { parameters?: { name: string; in: string; required?: boolean; schema?: object }[] };
  for (const [path, operations] of Object.entries(document.paths) as [string, Record<string, Operation>][]) {
    // Every POST takes an Idempotency-Key (server/http/idempotency.ts).
    if (operations.post) operations.post.parameters = [...(operations.post.parameters ?? []), idempotencyKey];
    // Every {name} in a path is a parameter of each of its operations, as OpenAPI requires.
    for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
      for (const operation of Object.values(operations)) {
        if (!operation.parameters?.some((p) => p.in === "path" && p.name === name)) {
          operation.parameters = [{ name: name!, in: "path", required: true, schema: { type: "string" } }, ...(operation.parameters ?? [])];
        }
      }
    }
  }
  return document;
}
