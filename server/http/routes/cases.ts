import { Router, type Request } from "express";
import { z } from "zod";
import type { Anchorer } from "../../sync/anchorer.ts";
import type { ApplicationInput, CaseEntry, IntakeContext } from "../../cases/intake.ts";
import { AREAS, caseEntryOf, caseJurisdiction, draftApplication, intakeCase, OVER_THE_CASE, personEntries, PROGRAMMES } from "../../cases/intake.ts";
import { decisionRequest, checkDecisionTerms, collectedDecision, describeDecision, addDecisionSignatures, withdrawDecisionSignature } from "../../cases/decisions.ts";
import { CaseStatus, coversDivision, jsonSafe, nameOf, type RoleName } from "../../chain/domain.ts";
import { casesOfPerson, FINDERS } from "../../cases/lookup.ts";
import { disclose, disclosedRecord, FIELD_GROUP_NAMES, readableFields, SPECIAL_CATEGORY_ROLE, type FieldGroup } from "../../cases/disclosure.ts";
import { DOCUMENT_MAX_BYTES, keepDocument, readDocument } from "../../cases/documents.ts";
import express from "express";
import { identityCommitment } from "../../records/identity.ts";
import { newRecord, type AidRecord } from "../../records/record.ts";
import { caseReadRecord } from "../../records/kinds/access-log.ts";
import { applicationRevision, ASSET_KINDS, DISABILITY_CATEGORIES } from "../../records/kinds/application.ts";
import { objectionRecord } from "../../records/kinds/complaints.ts";
import { CASE_EXIT, CASE_RESUMPTION, CASE_SUSPENSION, documentRecord, PUBLIC_NOTICE_COMPLETED } from "../../records/kinds/documents.ts";
import { householdChange, latestApplication } from "../../cases/revision.ts";
import type { OutboxEntry } from "../../sync/outbox.ts";
import { reissueReceipt } from "../../cases/receipts.ts";
import type { SignIn } from "../../auth/sign-in.ts";
import { RequestError } from "../errors.ts";
import { authorize, heldRoles, rolesOf, signedIn, type LedgerAccess } from "../officers.ts";
import { roleId } from "../../chain/roles.ts";
import { validate } from "../validate.ts";
import { divisionCode, ledgerUint, text } from "../schemas.ts";
import { signedCallRoutes } from "../signed-calls.ts";
import type { SignedCall } from "../../sync/signed-call.ts";
import type { Suite } from "../../../kit/record.ts";

const person = { name: text(100) };
const residentId = z.string().meta({
  description: "the 18-character resident identity number (GB 11643): 17 digits and a check digit or X; spaces, hyphens and full-width characters are normalised away",
  examples: ["440105198506123012"],
});

/** An application's fields: what the caseworker took down, from which its record is built (see applicationRecord). */
export const applicationFields = z.object({
  programme: z.enum(Object.keys(PROGRAMMES) as [keyof typeof PROGRAMMES]),
  area: z.enum(Object.keys(AREAS) as [keyof typeof AREAS]),
  jurisdiction: divisionCode,
  applicant: z
    .object({ ...person, residentId, phone: text(30).optional(), address: text(300).optional() })
    .meta({ description: "the person who applies: not listed again in household", examples: [{ name: "王芳", residentId: "440105198506123012", phone: "13800000000", address: "广州市海珠区新港街道" }] }),
  household: z
    .array(z.object({ ...person, relation: text(30), residentId }))
    .max(30)
    .meta({ description: "the household's other members, each named by their resident ID and relation to the applicant: the household's size is 1 + their number", examples: [[{ name: "李强", relation: "配偶", residentId: "440105198703044022" }]] }),
  health: z
    .array(
      z
        .object({
          residentId,
          disability: z.object({ category: z.enum(DISABILITY_CATEGORIES), grade: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]) }).optional(),
          illness: text(200).optional(),
        })
        .refine((entry) => entry.disability !== undefined || entry.illness !== undefined, "must give a disability, an illness or both"),
    )
    .max(31)
    .optional()
    .meta({
      description: "the health of those of the household with a disability certificate (category and grade, 1 the most severe) or a serious illness, each by their resident ID: data of special categories, sealed, and disclosed only to SPECIAL_CATEGORY_READER",
      examples: [[{ residentId: "440105198703044022", disability: { category: "physical", grade: 2 }, illness: "尿毒症" }]],
    }),
  monthlyIncome: z.number().int().min(0).max(1e12),
  assets: z
    .array(z.object({ kind: z.enum(ASSET_KINDS), value: z.number().int().min(0).max(1e14) }))
    .max(30)
    .optional()
    .meta({ description: "the household's assets (savings, vehicles, property, other), each its value in fen: sealed", examples: [[{ kind: "savings", value: 1200000 }]] }),
  bankAccount: z
    .object({ bank: text(100), account: z.string().regex(/^\d{8,30}$/, "must be the account number: 8 to 30 digits"), holder: text(100) })
    .optional()
    .meta({ description: "where payments go: sealed", examples: [{ bank: "中国工商银行广州海珠支行", account: "6222020200112233445", holder: "王芳" }] }),
  documents: z.array(z.object({ kind: text(50), sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 digest, 64 lower-case hex digits") })).max(100),
});

const uint64 = ledgerUint(64);

/** What the client chose to make the application's record one record: see ApplicationEnvelope. */
export const applicationEnvelope = z.object({
  caseId: z
    .string()
    .regex(/^0x[0-9a-f]{64}$/, "must be 0x and 64 lower-case hex digits, 32 random bytes")
    .refine((id) => /[1-9a-f]/.test(id.slice(2)), "must not be zero"),
  recordId: z.string().regex(/^r[0-9a-f]{32}$/, 'must be "r" and 32 lower-case hex digits (see docs/records.md)'),
  createdAt: z.iso.datetime({ message: "must be an ISO 8601 time, UTC" }),
  salt: z.string().regex(/^[0-9a-f]{32,128}$/, "must be 16 to 64 random bytes in lower-case hex"),
});

/** `POST /v1/cases`: the fields, the envelope, and the caseworker's signature of the application's authorisation until `deadline`. */
export const applicationRequest = applicationFields.extend({
  envelope: applicationEnvelope,
  deadline: uint64,
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature, 0x-hex"),
});

/** `POST /v1/cases/draft`: the fields, and a deadline if not a day from now. */
export const applicationDraftRequest = applicationFields.extend({ deadline: uint64.optional() });

export const decisionSignaturesRequest = z.object({
  decision: z.object({
    caseId: z.string().regex(/^0x[0-9a-f]{64}$/),
    stage: z.number().int().min(0).max(1),
    approve: z.boolean(),
    recordHash: z.string().regex(/^0x[0-9a-f]{64}$/),
    amount: uint64,
    householdSize: z.number().int().min(0).max(255),
    round: z.number().int().min(0).max(2 ** 32 - 1),
    deadline: uint64,
  }),
  signatures: z.array(z.object({ signer: z.string(), signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature, 0x-hex") })).min(1).max(20),
});

export const objectionRequest = z.object({
  objector: z.object({ name: text(100), contact: text(100).optional() }),
  text: text(5000, { lines: true }),
});

export const revisionRequest = z.object({
  reason: text(500, { lines: true }),
  applicant: applicationRequest.shape.applicant.optional(),
  household: applicationRequest.shape.household.optional(),
  health: applicationRequest.shape.health,
  monthlyIncome: applicationRequest.shape.monthlyIncome.optional(),
  assets: applicationRequest.shape.assets,
  bankAccount: applicationRequest.shape.bankAccount,
  documents: applicationRequest.shape.documents.optional(),
});

export const activationRequest = z.object({});

export const exitRequest = z.object({ reason: text(2000, { lines: true }) });
export const receiptReissueRequest = z.object({ residentId });
export const suspensionRequest = exitRequest.extend({ action: z.enum(["suspend", "resume"]) });


export interface CasesContext extends IntakeContext {
  /** Role checks, remembered through chain outages (see rememberingRoles). */
  roles: LedgerAccess;
  anchorer: Anchorer;
  /** The gateway's county: see caseJurisdiction. */
  jurisdiction: string;
}

/**
 * Why an officer may read a case's personal data, from a fixed list so that the access log says
 * something an auditor can hold a read to ("x" says nothing): docs/gateway.md lists them.
 */
export const READ_PURPOSES = {
  review: "审核申请 reviewing the application",
  approval: "审批 deciding on approval",
  "annual-recheck": "年度复核 the annual re-check",
  correction: "更正记录 correcting the record",
  objection: "核实公示异议 looking into an objection",
  complaint: "处理投诉 handling a complaint",
  "payment-check": "核对发放 checking a payment",
  audit: "审计核查 an audit",
} as const;

/** `POST /v1/cases/by-person`: a person's resident ID (in the body, never in a URL or a log line), and why their cases are looked for. */
export const personLookupRequest = z.object({ residentId, purpose: z.enum(Object.keys(READ_PURPOSES) as [keyof typeof READ_PURPOSES]) });

const distinct = <T>(items: T[]) => new Set(items).size === items.length;

/** `POST /v1/disclosures`: which groups of the personal fields of which cases, and why. */
export const disclosureRequest = z.object({
  purpose: personLookupRequest.shape.purpose,
  cases: z.array(z.string().regex(/^0x[0-9a-f]{64}$/, "must be a case id: 0x and 64 lower-case hex digits")).min(1).max(100).refine(distinct, "names a case twice"),
  groups: z.array(z.enum(FIELD_GROUP_NAMES as [FieldGroup, ...FieldGroup[]])).min(1).max(FIELD_GROUP_NAMES.length).refine(distinct, "names a group twice"),
});

/** The `?purpose=` personal data is read for: one of READ_PURPOSES, or (where not `required`) none, "". */
function readPurpose(req: Request, { required }: { required: boolean }): string {
  const purpose = typeof req.query.purpose === "string" ? req.query.purpose : "";
  if ((required || purpose !== "") && !Object.hasOwn(READ_PURPOSES, purpose)) {
    throw new RequestError("READ_PURPOSE_UNKNOWN", `${JSON.stringify(purpose.slice(0, 50))} is not a purpose personal data is read for`, 400, {
      field: "purpose",
      hint: `give one of ${Object.keys(READ_PURPOSES).join(", ")}`,
    });
  }
  return purpose;
}

/** Roles that work with applicants' personal data, and so may read it, each read logged. */
const PERSONAL_DATA_ROLES = new Set<RoleName>(["CASEWORKER", "REVIEWER", "APPROVER"]);

/** A read of a case's personal data as evidence, with who read it, in which roles and why. */
const accessLog = (entry: CaseEntry, reader: string, roles: string[], purpose: string, at: string, suite: Suite) =>
  newRecord({ ...caseReadRecord(entry, { reader, roles, recordId: entry.recordId, purpose, at }), createdAt: at }, suite);

export function casesRouter(ctx: CasesContext, signIn: SignIn): Router {
  const router = Router();
  const caseOf = (req: Request): Promise<CaseEntry> => caseEntryOf(ctx.state, req.params.caseId as string);
  const jurisdictionOfCase = (req: Request) => caseJurisdiction(ctx.state, req.params.caseId as string, ctx.jurisdiction);
  // The read is evidence too: logged before the data leaves the gateway.
  const logRead = async (entry: CaseEntry, reader: string, roles: string[], purpose: string) => void (await ctx.log.append([accessLog(entry, reader, roles, purpose, ctx.chain.clock.iso(), ctx.log.suite)]));

  router.post("/cases/draft", signedIn(signIn), validate(applicationDraftRequest), authorize(ctx.roles, "CASEWORKER", (req) => req.body.jurisdiction), async (req, res) => {
    const { deadline, ...fields } = req.body as z.infer<typeof applicationDraftRequest>;
    res.json(await draftApplication(ctx, req.officer!, fields, deadline));
  });

  router.post(
    "/cases",
    signedIn(signIn),
    validate(applicationRequest),
    async (req, res) => {
      // The officer's role and the ledger's dry run of the application are asked of the chain at
      // once, not one after the other: nothing is written unless both pass, and a role not held
      // is the answer whatever else is wrong.
      const authorized = heldRoles(ctx.roles, "CASEWORKER", req.officer, BigInt(req.body.jurisdiction));
      const body = await intakeCase(ctx, req.officer!, req.body, authorized).catch(async (error: unknown) => {
        await authorized;
        throw error;
      });
      void ctx.anchorer.notify();
      res.locals.authorized = { roles: ["CASEWORKER"], jurisdiction: req.body.jurisdiction };
      res.status(201).json(body);
    },
  );

  // A receipt reissued to the applicant, whose resident ID the caseworker re-enters.
  router.post("/cases/:caseId/receipt", signedIn(signIn), authorize(ctx.roles, "CASEWORKER", jurisdictionOfCase, OVER_THE_CASE), validate(receiptReissueRequest), async (req, res) => {
    res.status(201).json(await reissueReceipt(ctx, await caseOf(req), req.officer!, req.body.residentId));
  });

  // The cases a person is in, found by their resident ID for a stated purpose: each case found is a read of who is in it, logged as one.
  router.post("/cases/by-person", signedIn(signIn), validate(personLookupRequest), async (req, res) => {
    const { residentId: id, purpose } = req.body as z.infer<typeof personLookupRequest>;
    // A resident ID that cannot be one is refused as intake refuses it (IDENTITY_INVALID, in both languages).
    const commitment = identityCommitment(ctx.identityKey, id);
    const roles = await rolesOf(ctx.roles, req.officer!);
    const cases = await casesOfPerson(ctx, roles, commitment);
    for (const { entry } of cases) {
      const over = roles.filter((r) => FINDERS.includes(r.role) && coversDivision(r.jurisdiction, entry.jurisdiction)).map((r) => r.role);
      await logRead(entry, req.officer!, over, `${purpose}: found by resident ID`);
    }
    res.json({ cases: cases.map(({ entry: _, ...c }) => c) });
  });

  // Named groups of named cases' personal fields for a stated purpose, every disclosure logged before it is answered.
  router.post("/disclosures", signedIn(signIn), validate(disclosureRequest), async (req, res) => {
    const { purpose, cases, groups } = req.body as z.infer<typeof disclosureRequest>;
    const roles = await rolesOf(ctx.roles, req.officer!);
    const disclosure = await disclose(ctx, { reader: req.officer!, roles, purpose, cases, groups, county: ctx.jurisdiction, at: new Date(ctx.chain.clock.now()) });
    res.set("cache-control", "no-store").json(disclosure);
  });

  // A document's content, kept sealed by the caseworker over the case: only one the application lists by its SHA-256.
  const sha256Of = (req: Request): string => {
    const sha256 = String(req.params.sha256);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RequestError("REQUEST_INVALID", "the document is named by its SHA-256: 64 lower-case hex digits", 400, { field: "sha256" });
    return sha256;
  };
  router.put(
    "/cases/:caseId/documents/:sha256",
    signedIn(signIn),
    authorize(ctx.roles, "CASEWORKER", jurisdictionOfCase, OVER_THE_CASE),
    express.raw({ type: "application/octet-stream", limit: DOCUMENT_MAX_BYTES }),
    async (req, res) => {
      const sha256 = sha256Of(req);
      if (!Buffer.isBuffer(req.body)) throw new RequestError("REQUEST_ENCODING", "a document is sent as its bytes, Content-Type: application/octet-stream", 415, { hint: "send the file itself, not JSON" });
      const kept = await keepDocument(ctx, await caseOf(req), sha256, req.body);
      res.status(kept.kept === "new" ? 201 : 200).json(kept);
    },
  );
  // Read for a stated purpose by a role that works with personal data, each read logged, as the application's personal fields are.
  router.get(
    "/cases/:caseId/documents/:sha256",
    signedIn(signIn),
    authorize(ctx.roles, [...PERSONAL_DATA_ROLES], jurisdictionOfCase, OVER_THE_CASE),
    async (req, res) => {
      const sha256 = sha256Of(req);
      const purpose = readPurpose(req, { required: true });
      const entry = await caseOf(req);
      const bytes = await readDocument(ctx, entry, sha256);
      await logRead(entry, req.officer!, res.locals.roles as string[], `${purpose}: document ${sha256}`);
      res.set({ "content-type": "application/octet-stream", "content-disposition": `attachment; filename="${sha256}"`, "cache-control": "no-store" }).send(bytes);
    },
  );

  router.get(
    "/cases/:caseId",
    signedIn(signIn),
    authorize(ctx.roles, ["CASEWORKER", "REVIEWER", "APPROVER", "AUDITOR"], jurisdictionOfCase, OVER_THE_CASE),
    async (req, res) => {
      const entry = await caseOf(req);
      const purpose = readPurpose(req, { required: false });
      const mayRead = (res.locals.roles as RoleName[]).some((r) => PERSONAL_DATA_ROLES.has(r));
      const decrypt = mayRead && purpose.length > 0;
      // A child's data is read only beside SPECIAL_CATEGORY_READER, here as in a disclosure.
      const special = decrypt && (await ctx.roles.hasScopedRole(roleId(SPECIAL_CATEGORY_ROLE), req.officer!, BigInt(entry.jurisdiction)));
      const roles = [...(res.locals.roles as RoleName[]), ...(special ? [SPECIAL_CATEGORY_ROLE] : [])];
      if (decrypt) await logRead(entry, req.officer!, roles, purpose);
      const lookup = await ctx.log.lookup(entry.recordId, { decrypt });
      // Personal fields each with its own salt, never the record's, as every disclosure gives them.
      const at = new Date(ctx.chain.clock.now());
      const readable = (record: AidRecord) => {
        const { fields, withheld } = readableFields(record, roles, at);
        return { record: disclosedRecord(record, fields), ...(withheld.length > 0 && { withheld }) };
      };
      const found = decrypt ? { ...lookup, revisions: lookup.revisions.map((r) => ({ ...r, ...readable(r.record as AidRecord) })) } : lookup;
      const outbox = (await ctx.state.get<OutboxEntry>(entry.outbox))!;
      let ledger: { status: string; approvedAmount: string; noticeEnd: number; entitledFrom: number; householdSize: number; standard: string | null; cap: string | null } | null = null;
      if (outbox.state === "done") {
        const [[terms, area, householdSize, , noticeEnd], now] = await Promise.all([ctx.chain.cases.getCase(entry.caseId), ctx.chain.now()]);
        // The cap an approval is held to, as the ledger computes it: the standard in force now times the household.
        const standard = await ctx.chain.standards.standardAt(BigInt(entry.jurisdiction), PROGRAMMES[entry.programme], area, now).then(([s]) => s, () => null);
        ledger = {
          status: nameOf(CaseStatus, Number(terms.status))!,
          approvedAmount: terms.approvedAmount.toString(),
          noticeEnd: Number(noticeEnd),
          entitledFrom: Number(terms.entitledFrom),
          householdSize: Number(householdSize),
          standard: standard === null ? null : standard.toString(),
          cap: standard === null ? null : (standard * householdSize).toString(),
        };
      }
      res.json({
        caseId: entry.caseId,
        jurisdiction: entry.jurisdiction,
        programme: entry.programme,
        ledger,
        submission: { state: outbox.state, transactionHash: outbox.transactionHash, error: outbox.error },
        personalData: decrypt ? "included; this read was logged" : mayRead ? "withheld: give ?purpose= to read it" : "withheld: your roles do not read personal data",
        ...found,
      });
    },
  );

  // Every step of a case is the officer's own transaction, relayed (see SignedCall).
  signedCallRoutes(router, "/cases/:caseId/objections", ctx, signIn, {
    schema: objectionRequest,
    role: ["CASEWORKER", "REVIEWER"],
    jurisdictionOf: jurisdictionOfCase,
    over: OVER_THE_CASE,
    call: async (req, body) => {
      const entry = await caseOf(req);
      return {
        contract: "cases",
        method: "lodgeObjection",
        subject: entry.caseId,
        args: (hash) => [entry.caseId, hash],
        record: objectionRecord(entry, req.officer!, body.objector, body.text),
      };
    },
  });

  signedCallRoutes(router, "/cases/:caseId/revisions", ctx, signIn, {
    schema: revisionRequest,
    role: "CASEWORKER",
    jurisdictionOf: jurisdictionOfCase,
    over: OVER_THE_CASE,
    // The draft shows the current record's personal data, the caseworker's changes applied: a read
    // like any other, logged with the revision's reason as its purpose before it is answered.
    beforeAnswer: async (req, res, body) => logRead(await caseOf(req), req.officer!, res.locals.roles as string[], `revision: ${body.reason}`),
    call: async (req, body) => {
      const entry = await caseOf(req);
      const { record: latest } = await latestApplication(ctx.log, entry);
      const { reason, ...changes } = body;
      const record = applicationRevision(latest, changes, req.officer!, reason);
      const [before, after] = [latest.personal, record.personal!] as Pick<ApplicationInput, "applicant" | "household" | "health">[];
      const people = householdChange(ctx.identityKey, { applicant: before!.applicant, household: before!.household ?? [] }, { applicant: after!.applicant, household: after!.household ?? [], health: after!.health });
      return {
        contract: "cases",
        method: "reviseRecord",
        subject: entry.caseId,
        args: (hash) => [{ caseId: entry.caseId, recordHash: hash, ...people, evidenceHash: hash }],
        record,
        // Members who joined are found by their resident ID from now on, as those taken in with the case.
        extraState: () => personEntries(entry.caseId, people.joined, "member"),
      };
    },
  });

  signedCallRoutes(router, "/cases/:caseId/activate", ctx, signIn, {
    schema: activationRequest,
    role: ["CASEWORKER", "APPROVER"],
    jurisdictionOf: jurisdictionOfCase,
    over: OVER_THE_CASE,
    call: async (req) => {
      const entry = await caseOf(req);
      const [, , , , noticeEnd] = await ctx.chain.cases.getCase(entry.caseId);
      return {
        contract: "cases",
        method: "activate",
        subject: entry.caseId,
        args: (hash) => [entry.caseId, hash],
        record: documentRecord(PUBLIC_NOTICE_COMPLETED, entry, { noticeEnd: Number(noticeEnd), activatedBy: req.officer }),
      };
    },
  });

  // An approver's own steps: the ledger checks the approver's role, so they sign the transaction (see SignedCall).
  const approverStep = (method: "suspend" | "resume" | "terminate", shape: typeof CASE_SUSPENSION | typeof CASE_RESUMPTION | typeof CASE_EXIT) => async (req: Request, body: z.infer<typeof exitRequest>): Promise<SignedCall> => {
    const entry = await caseOf(req);
    return {
      contract: "cases",
      method,
      subject: entry.caseId,
      args: (hash) => [entry.caseId, hash],
      record: documentRecord(shape, entry, { decidedBy: req.officer }, { reason: body.reason }),
    };
  };
  const [suspend, resume] = [approverStep("suspend", CASE_SUSPENSION), approverStep("resume", CASE_RESUMPTION)];
  signedCallRoutes(router, "/cases/:caseId/exit", ctx, signIn, { schema: exitRequest, role: "APPROVER", jurisdictionOf: jurisdictionOfCase, over: OVER_THE_CASE, call: approverStep("terminate", CASE_EXIT) });
  signedCallRoutes(router, "/cases/:caseId/suspension", ctx, signIn, {
    schema: suspensionRequest,
    role: "APPROVER",
    jurisdictionOf: jurisdictionOfCase,
    over: OVER_THE_CASE,
    call: (req, body) => (body.action === "suspend" ? suspend : resume)(req, body),
  });

  router.get(
    "/cases/:caseId/decision-request",
    signedIn(signIn),
    authorize(ctx.roles, ["REVIEWER", "APPROVER"], jurisdictionOfCase, OVER_THE_CASE),
    async (req, res) => {
      const q = req.query as Record<string, string | undefined>;
      const hours = Number(q.hours ?? 72);
      if (!(hours > 0 && hours <= 24 * 30)) throw new RequestError("REQUEST_INVALID", "hours must be from 1 to 720", 400, { field: "hours" });
      if (q.householdSize !== undefined && !/^\d{1,3}$/.test(q.householdSize)) {
        throw new RequestError("REQUEST_INVALID", "householdSize must be a whole number of people, or left out for the ledger's", 400, { field: "householdSize" });
      }
      if (q.amount !== undefined && !uint64.safeParse(q.amount).success) throw new RequestError("REQUEST_INVALID", "amount must be a whole number of fen, below 2^64", 400, { field: "amount" });
      if (q.approve !== undefined && !["true", "false"].includes(q.approve)) throw new RequestError("REQUEST_INVALID", "approve must be true or false", 400, { field: "approve" });
      const request = await decisionRequest(ctx, await caseOf(req), {
        approve: q.approve === undefined ? undefined : q.approve === "true",
        amount: q.amount === undefined ? undefined : BigInt(q.amount),
        householdSize: q.householdSize === undefined ? undefined : Number(q.householdSize),
        // The chain's clock decides whether a deadline passed, so the deadline is set by it too.
        seconds: hours * 3600,
      });
      res.json(jsonSafe(request));
    },
  );
  const decisionReaders = authorize(ctx.roles, ["REVIEWER", "APPROVER", "AUDITOR"], jurisdictionOfCase, OVER_THE_CASE);
  router.get("/cases/:caseId/decisions", signedIn(signIn), decisionReaders, async (req, res) => {
    const open = await collectedDecision(ctx, await caseOf(req));
    if (!open) throw new RequestError("DECISION_NOT_OPEN", "no decision is being collected on this case", 404, { hint: "GET /v1/cases/:caseId/decision-request opens the step due" });
    res.json(jsonSafe(open));
  });
  router.delete("/cases/:caseId/decisions", signedIn(signIn), async (req, res) => {
    res.json(await withdrawDecisionSignature(ctx, await caseOf(req), req.officer!));
  });

  router.post("/cases/:caseId/decisions", signedIn(signIn), validate(decisionSignaturesRequest), async (req, res) => {
    const entry = await caseOf(req);
    if (req.body.decision.caseId !== entry.caseId) {
      throw new RequestError("REQUEST_INVALID", "decision.caseId is not the case in the path", 400, { field: "decision.caseId" });
    }
    await checkDecisionTerms(ctx, entry, req.body.decision);
    const collected = await addDecisionSignatures(ctx, entry, await describeDecision(ctx, entry, req.body.decision), req.body.signatures);
    res.status(collected.state === "relayed" ? 201 : 202).json(collected);
  });
  return router;
}
