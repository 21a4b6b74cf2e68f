import { z } from "zod";
import { RECORD_FORMAT, SUITES } from "../../kit/record.ts";
import { BUNDLE_FORMAT } from "../../kit/bundle.ts";

/**
 * Request and response schemas: the same objects validate requests and generate
 * /v1/openapi.json, so the document cannot drift from what the gateway accepts.
 */
export const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits");
export const divisionCode = z.string().regex(/^\d{12}$/, "must be a 12-digit division code (000000000000 for the central level)");
/**
 * A whole number as the ledger stores it in a uint of `bits` bits, given as a decimal string or a
 * number: the one place request bounds come from, so that nothing a request carries reaches the
 * relayer in a form the chain cannot encode.
 */
export const ledgerUint = (bits: number) =>
  z
    .union([z.string().regex(/^\d{1,78}$/, "must be a whole number"), z.number().int().min(0)])
    .transform((v) => BigInt(v))
    .refine((v) => v < 2n ** BigInt(bits), `must be below 2^${bits}`);
/**
 * What no text field holds: control characters (a long text may break lines and hold tabs),
 * zero-width characters, and the bidirectional controls that make a notice show "‮**王" for a name.
 */
const HIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/u;
const LINE_BREAKS = /[\n\r\t]/;

/**
 * A text field of at most `max` characters that a person reads: not empty or only spaces (unless
 * `blank`), one line unless `lines`, and nothing hidden in it (HIDDEN_CHARACTERS).
 */
export const text = (max: number, { lines = false, blank = false }: { lines?: boolean; blank?: boolean } = {}) =>
  z
    .string()
    .max(max)
    .refine((s) => blank || s.trim().length > 0, "must not be empty or only spaces")
    .refine((s) => !HIDDEN_CHARACTERS.test(s) && (lines || !LINE_BREAKS.test(s)), lines ? "must hold no control, zero-width or direction-override characters" : "must be one line, with no control, zero-width or direction-override characters");
/**
 * Whether a decimal string is below 2^bits. Zod runs a refinement even after the string's pattern
 * failed, so it checks the digits itself rather than throw from BigInt (a 500 for "x").
 */
export const below = (bits: number) => (v: string) => /^\d{1,78}$/.test(v) && BigInt(v) < 2n ** BigInt(bits);

/** Allocation ids fit the 24 bits a payout records its allocation in (FundLedger's MAX_ALLOCATIONS). */
export const allocationId = z
  .string()
  .regex(/^[1-9]\d{0,7}$/, "must be the allocation's id, a whole number")
  .refine(below(24), "must be an allocation id below 2^24");

export const fen = z.string().regex(/^[1-9]\d*$/, "must be a positive amount in fen");

export const errorSchema = z.object({
  error: z.object({
    code: z.string().meta({ description: "stable: docs/errors.md explains each code, docs/refusals.md each LEDGER_ refusal" }),
    message: z.string(),
    field: z.string().optional(),
    hint: z.string().optional(),
    zh: z.object({ message: z.string(), hint: z.string().optional() }).optional().meta({ description: "the message and hint in Chinese" }),
  }),
});

export const signedCheckpointSchema = z.object({
  logId: hex32,
  suite: z.enum(SUITES),
  treeSize: z.number().int().min(0),
  root: hex32,
  time: z.string(),
  signer: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address"),
  signature: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be 0x-hex"),
});

export const verifyRequestSchema = z.object({
  record: z.record(z.string(), z.unknown()),
  leafIndex: z.number().int().min(0),
  leafHash: hex32.optional(),
  proof: z.array(hex32).max(64),
  checkpoint: signedCheckpointSchema,
  expectedSigner: z.string().regex(/^0x[0-9a-fA-F]{40}$/).optional(),
  later: z.object({ checkpoint: signedCheckpointSchema, proof: z.array(hex32).max(64) }).optional(),
});

export const verifyResponseSchema = z.object({
  ok: z.boolean(),
  recordHash: hex32.nullable(),
  failures: z.array(z.object({ code: z.string(), message: z.string() })),
});

export const readinessSchema = z.object({
  ready: z.boolean(),
  checks: z.record(z.string(), z.string()),
  warnings: z.record(z.string(), z.string()).optional().meta({ description: "what an operator must see to without the gateway being unready: ledger steps that failed" }),
});

/** Where an owed ledger step stands: pending while the relayer works, done with its transaction, failed with why. */
export const ledgerStateSchema = z.object({
  state: z.enum(["pending", "done", "failed"]),
  transactionHash: hex32.optional(),
  blockNumber: z.number().int().min(0).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
const recordId = z.string().regex(/^r[0-9a-f]{32}$/);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address");
const uintString = z.string().regex(/^\d+$/);
const leafIndex = z.number().int().min(0);
const proof = z.array(hex32).nullable().meta({ description: "the inclusion proof to the checkpoint; null while the leaf waits for anchoring" });
const anyObject = z.record(z.string(), z.unknown());

/** A ledger step relayed: its evidence record as logged, and where the step stands. */
export const relayedStepSchema = z.object({
  recordId,
  revision: z.number().int().min(1).optional(),
  recordHash: hex32,
  leafIndex: z.number().int().min(0),
  ledger: ledgerStateSchema,
  allocationId: z.string().regex(/^\d+$/).optional(),
  proposalId: z.string().regex(/^\d+$/).optional(),
});

const receiptSchema = z.object({
  caseId: hex32,
  caseNumber: z.string().regex(/^[0-9A-F]{16}$/).meta({ description: "what the citizen types with the code: the case id's first 16 hex digits" }),
  code: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{12}$/),
  qr: z.string().meta({ examples: ["aidtrail:case:0x3f2a91c07b4e55d1abababababababababababababababababababababababab:7K2M9QXRT4VW"] }),
});

/** A receipt reissued: the new one, given once; the old code no longer opens the case. */
export const receiptReissueSchema = z.object({ caseId: hex32, receipt: receiptSchema, recordId, leafIndex: z.number().int().min(0) });

/** An application taken in: the receipt is given once and kept by no one but the citizen. */
export const intakeResponseSchema = z.object({
  caseId: hex32,
  receipt: receiptSchema,
  recordId,
  recordHash: hex32,
  leafIndex: z.number().int().min(0),
  ledger: ledgerStateSchema,
});

export const ledgerClockSchema = z.object({
  time: z.iso.datetime(),
  timestamp: z.number().int().min(0),
  period: z.number().int().min(200001).max(299912).meta({ description: "the month, YYYYMM, China Standard Time" }),
  fiscalYear: z.number().int(),
});

/** A log record: as logged, its personal fields as salted `commitments`; with `personal` and each field's own salt in `salts` for a reader who may see them; whole, with the record's `salt`, only as drafted for its officer to sign. */
export const recordSchema = z.object({
  format: z.literal(RECORD_FORMAT),
  suite: z.enum(SUITES),
  recordId,
  revision: z.number().int().min(0),
  kind: z.string(),
  caseId: hex32.nullable(),
  jurisdiction: z.string(),
  createdAt: z.iso.datetime(),
  public: anyObject,
  commitments: z.record(z.string(), z.string().regex(/^[A-Za-z0-9_-]{43}$/)).optional(),
  salt: z.string().optional(),
  personal: anyObject.optional(),
  salts: z.record(z.string(), z.string()).optional(),
});

export const anchoredCheckpointSchema = signedCheckpointSchema.extend({
  anchoring: z.object({ chainId: z.number().int(), anchor: address, transactionHash: hex32, blockNumber: z.number().int() }).nullable(),
});

/** A record's revisions, each with its leaf and inclusion proof to the latest anchored checkpoint. */
export const recordLookupSchema = z.object({
  recordId,
  revisions: z.array(
    z.object({
      record: recordSchema,
      leafIndex,
      leafHash: hex32,
      proof,
      anchored: z.boolean().optional(),
      withheld: z.array(z.object({ field: z.string(), specialCategories: z.array(z.string()) })).optional().meta({ description: "personal fields of a special category (a child's) withheld from a reader without SPECIAL_CATEGORY_READER" }),
    }),
  ),
  checkpoint: anchoredCheckpointSchema.nullable(),
});

/** An unsigned transaction of the officer's own account, as their wallet signs it: integers as decimal strings. */
export const unsignedTransactionSchema = z
  .object({ from: address, to: address, data: z.string().regex(/^0x[0-9a-fA-F]*$/), nonce: z.number().int().min(0), chainId: uintString, gasLimit: uintString, type: z.number().int() })
  .catchall(z.unknown())
  .meta({ description: "sign it as it is (gas price or fee fields included) with the account `from`" });

/** What makes the record rebuilt at relay time the record drafted: its id, time and salt. */
export const draftSchema = z.object({ recordId, createdAt: z.iso.datetime(), salt: z.string() });

/** A ledger step drafted for the officer's own key: the evidence record and the transaction to sign. */
export const draftedCallSchema = z.object({ draft: draftSchema, record: recordSchema, recordHash: hex32, transaction: unsignedTransactionSchema });

const typedData = {
  domain: z.object({ name: z.string(), version: z.string(), chainId: z.union([z.number(), z.string()]), verifyingContract: address }),
  types: z.record(z.string(), z.array(z.object({ name: z.string(), type: z.string() }))),
};

export const challengeResponseSchema = z.object({ message: z.string().meta({ description: "sign it unchanged with the officer's account (personal_sign)" }) });
export const sessionResponseSchema = z.object({ token: z.string(), address, expiresAt: z.iso.datetime() });
export const officerSchema = z.object({ address, roles: z.array(z.object({ role: z.string(), jurisdiction: z.string() })) });

/** An application drafted for the caseworker to sign (POST /v1/cases/draft). */
export const applicationDraftSchema = z.object({
  envelope: z.object({ caseId: hex32, recordId, createdAt: z.iso.datetime(), salt: z.string() }),
  record: recordSchema,
  recordHash: hex32,
  commitments: z.object({ applicant: hex32, household: z.array(hex32) }),
  identities: hex32,
  deadline: uintString,
  ...typedData,
  primaryType: z.literal("ApplicationAuthorisation"),
  message: anyObject,
});

export const caseSchema = z.object({
  caseId: hex32,
  jurisdiction: z.string(),
  programme: z.string(),
  ledger: z
    .object({
      status: z.string(),
      approvedAmount: uintString,
      noticeEnd: z.number().int(),
      entitledFrom: z.number().int(),
      householdSize: z.number().int(),
      /** The standard in force now for the case (a person a month, in fen), and the cap it makes for the household: what an approval may grant at most; null where none is in force. */
      standard: uintString.nullable(),
      cap: uintString.nullable(),
    })
    .nullable(),
  submission: z.object({ state: z.enum(["pending", "done", "failed"]), transactionHash: hex32.optional(), error: z.object({ code: z.string(), message: z.string() }).optional() }),
  personalData: z.string(),
  recordId,
  revisions: recordLookupSchema.shape.revisions,
  checkpoint: recordLookupSchema.shape.checkpoint,
});

/** The decision being collected on a case: what every officer signing its step signs, and who has. */
export const decisionRequestSchema = z.object({
  ...typedData,
  primaryType: z.literal("Decision"),
  message: z.object({ caseId: hex32, stage: z.number().int(), approve: z.boolean(), recordHash: hex32, amount: uintString, householdSize: z.number().int(), round: z.number().int(), deadline: uintString }),
  digest: hex32,
  role: z.enum(["REVIEWER", "APPROVER"]),
  threshold: z.number().int().min(1),
  signers: z.array(address),
});

export const collectedSchema = z.object({
  state: z.enum(["collecting", "relayed", "closed"]),
  signers: z.array(address),
  threshold: z.number().int(),
  dropped: z.array(z.object({ signer: address, code: z.string() })).optional(),
  transactionHash: hex32.optional(),
  recordId: recordId.optional(),
  ledger: ledgerStateSchema.optional(),
});

const payoutLine = z.object({ caseId: hex32, amount: uintString });
const runSchema = z.object({
  runId: z.string(),
  programme: z.string(),
  period: z.number().int(),
  allocationId: uintString,
  jurisdiction: z.string(),
  startedBy: address,
  startedAt: z.iso.datetime(),
  lines: z.array(payoutLine),
  skipped: z.array(z.object({ caseId: hex32, reason: z.string(), zh: z.string() })),
});

export const draftedRunSchema = z.object({
  run: runSchema,
  draft: z.object({ runId: z.string(), startedAt: z.iso.datetime(), batches: z.array(draftSchema) }),
  batches: z.array(z.object({ record: recordSchema, size: z.number().int(), transaction: unsignedTransactionSchema })),
});

export const runProgressSchema = runSchema.extend({
  batches: z.array(z.object({ outbox: z.string(), recordId, size: z.number().int(), state: z.enum(["pending", "done", "failed"]), transactionHash: hex32.optional(), error: z.object({ code: z.string(), message: z.string() }).optional() })),
  progress: z.object({ lines: z.number().int(), paid: z.number().int(), skipped: z.number().int() }),
});

const plainStatus = z.object({ code: z.string(), zh: z.string(), en: z.string() });
/** A payment to a citizen's case; `paymentFile`, when given, is null for a payment whose file is not in this log. */
export const citizenPaymentSchema = z.object({
  period: z.number().int(),
  amount: uintString,
  paidAt: z.iso.datetime(),
  transactionHash: hex32,
  blockNumber: z.number().int(),
  arrived: z.object({ evidenceHash: hex32, transactionHash: hex32 }).nullable(),
  /** Returned by the bank and reversed by the finance officer: the money went back to its allocation, to be paid again. */
  returned: z.object({ at: z.iso.datetime(), transactionHash: hex32 }).nullable(),
  paymentFile: z.object({ record: recordSchema, leafIndex, leafHash: hex32, proof, checkpoint: anchoredCheckpointSchema.nullable() }).nullable().optional(),
});
export const citizenCaseSchema = z.object({
  caseId: hex32,
  programme: z.string(),
  status: plainStatus,
  approvedAmount: uintString.nullable(),
  noticeEnd: z.iso.datetime().nullable(),
  resumedAt: z.iso.datetime().nullable(),
  decidedAt: z.iso.datetime().nullable().optional(),
  appeal: anyObject.optional(),
  /** Newest first; the newest with its payment file and proof, each earlier one's from GET /v1/citizen/payments/{period}. */
  payments: z.array(citizenPaymentSchema),
});

/** A case as officers see it in a list: no personal data, the name masked as a public notice shows it. */
const caseAtGlance = z.object({ caseId: hex32, caseNumber: z.string(), jurisdiction: z.string(), programme: z.string(), name: z.string() });

export const worklistSchema = z.object({
  /** The roles the officer holds on the ledger now, each over its jurisdiction. */
  roles: z.array(z.object({ role: z.string(), jurisdiction: z.string() })),
  items: z.array(
    caseAtGlance.extend({
      stage: z.enum(["review", "approval", "activation"]),
      since: z.iso.datetime(),
      days: z.number().int(),
      limitDays: z.number().int().nullable(),
      overdue: z.boolean(),
    }),
  ),
  asOfBlock: z.number().int(),
});

/** `GET /v1/cases?number=`: the cases of that number the officer works on; no personal data. */
export const casesFoundSchema = z.object({ cases: z.array(caseAtGlance.extend({ status: z.string().nullable() })) });

/** `PUT /v1/cases/:caseId/documents/:sha256`: the document kept, sealed, or kept already. */
export const documentKeptSchema = z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), bytes: z.number().int(), kept: z.enum(["new", "already"]) });

/** `POST /v1/cases/by-person`: the cases a person is in, as applicant or member, that the officer works on; no personal data. */
export const personCasesSchema = z.object({
  cases: z.array(casesFoundSchema.shape.cases.element.extend({ as: z.enum(["applicant", "member"]) })),
});

/** `POST /v1/disclosures`: each case's current application record, the asked-for groups of its personal fields disclosed with their salts, and the proof of its leaf. */
export const disclosureSchema = z.object({
  purpose: z.string(),
  cases: z.array(
    z.object({
      caseId: hex32,
      record: recordSchema.extend({ commitments: recordSchema.shape.commitments.unwrap(), personal: anyObject, salts: recordSchema.shape.salts.unwrap() }),
      leafIndex,
      leafHash: hex32,
      proof,
      groups: z.array(z.object({ group: z.string(), specialCategories: z.array(z.string()) })),
    }),
  ),
  checkpoint: anchoredCheckpointSchema.nullable(),
});

/** `GET /v1/citizen/record`: the citizen's own application record, every personal field with its salt, and who has read their data. */
export const ownRecordSchema = disclosureSchema.shape.cases.element.omit({ caseId: true, groups: true }).extend({
  checkpoint: anchoredCheckpointSchema.nullable(),
  readings: z.array(
    z.object({ at: z.string(), reader: address, roles: z.array(z.string()), purpose: z.string(), group: z.string().nullable(), fields: z.array(z.string()), specialCategories: z.array(z.string()) }),
  ),
});

export const outstandingSchema = z.object({
  period: z.number().int(),
  payouts: z.array(z.object({ caseId: hex32, caseNumber: z.string(), amount: uintString, paidAt: z.iso.datetime(), transactionHash: hex32 })),
  asOfBlock: z.number().int(),
});

/** `GET /v1/deployment`: the chain and contracts this gateway relays to. */
export const deploymentSchema = z.object({ chainId: z.number().int(), suite: z.enum(SUITES), contracts: z.record(z.string(), z.string().nullable()) });

export const divisionsSchema = z.object({
  divisions: z.array(z.object({ code: z.string().regex(/^\d{12}$/), name: z.string(), parent: z.string().regex(/^\d{12}$/).nullable() })),
});

export const feedbackResponseSchema = z.object({ recordId, leafIndex, handling: z.string() });

const stageTiming = z.object({ stage: z.string(), days: z.number().nullable(), limitDays: z.number(), withinLimit: z.boolean().nullable() });
export const trailSchema = z.object({
  caseId: hex32,
  checkpoint: anchoredCheckpointSchema.nullable(),
  stages: z.array(stageTiming),
  steps: z.array(
    z.object({
      at: z.iso.datetime(),
      where: z.enum(["ledger", "log"]),
      what: z.string(),
      step: z.string().optional(),
      actor: address.optional(),
      role: z.string().optional(),
      signers: z.array(address).optional(),
      transactionHash: hex32.optional(),
      blockNumber: z.number().int().optional(),
      record: z.object({ kind: z.string(), type: z.string().nullable(), revision: z.number().int() }).optional(),
      recordId: recordId.optional(),
      leafIndex: leafIndex.optional(),
      leafHash: hex32.optional(),
      proof: proof.optional(),
      details: anyObject.optional(),
    }),
  ),
});

/** An audit bundle, aidtrail.audit-bundle/2: `aidtrail verify` checks it against the chain alone. */
export const auditBundleSchema = z.object({
  format: z.literal(BUNDLE_FORMAT),
  exportedAt: z.iso.datetime(),
  exportedBy: address,
  jurisdiction: z.string(),
  chainId: z.number().int(),
  contracts: z.object({ aidAccess: address, caseRegistry: address, fundLedger: address, logAnchor: address }),
  logId: hex32,
  checkpoints: z.array(signedCheckpointSchema.extend({ anchoring: z.object({ transactionHash: hex32, blockNumber: z.number().int() }).nullable() })),
  consistency: z.array(z.object({ fromSize: z.number().int(), toSize: z.number().int(), proof: z.array(hex32) })),
  range: z.object({ start: z.number().int(), end: z.number().int(), left: z.array(hex32) }),
  leaves: z.array(z.object({ leafIndex, leafHash: hex32, record: recordSchema.nullable() })),
  leftOut: z.object({ start: z.number().int(), end: z.number().int(), reason: z.string() }).nullable().optional(),
  faults: z
    .array(z.object({ leafIndex, recordId: recordId.optional(), code: z.string(), message: z.string() }))
    .optional()
    .meta({ description: "records the gateway could not read or open, each given as its leaf hash alone; the bundle's check fails on each" }),
});

const flowLine = z.object({ caseId: hex32, period: z.number().int(), amount: uintString, actor: address, transactionHash: hex32 });
const flowNode = z.object({
  allocationId: uintString,
  jurisdiction: z.string(),
  programme: z.string(),
  fiscalYear: z.number().int(),
  amount: uintString,
  allocated: uintString,
  paid: uintString,
  purposeHash: hex32,
  madeBy: address.nullable(),
  proposedBy: address.nullable(),
  payouts: z.array(flowLine),
  reversals: z.array(flowLine),
  totals: z.object({ childrenAmount: uintString, payouts: uintString, reversals: uintString, reconciles: z.boolean() }),
  // Not a recursive schema: its $ref would point into the schema, which OpenAPI reads as the document.
  children: z.array(anyObject).meta({ description: "the allocations made from it, each a node like this one" }),
});
export const flowSchema = z.object({ path: z.array(z.object({ allocationId: uintString, jurisdiction: z.string(), amount: uintString })), tree: flowNode });

export const allocationsSchema = z.object({
  allocations: z.array(
    z.object({ allocationId: uintString, parent: uintString, jurisdiction: z.string(), programme: z.string(), fiscalYear: z.number().int(), amount: uintString, allocated: uintString, paid: uintString, available: uintString, paysCases: z.boolean() }),
  ),
});

export const proposalsSchema = z.object({
  proposals: z.array(
    z.object({
      proposalId: uintString,
      programme: z.string(),
      fiscalYear: z.number().int(),
      jurisdiction: z.string(),
      amount: uintString,
      purposeHash: hex32,
      proposedBy: address,
      proposedAt: z.number().int(),
      state: z.enum(["pending", "made", "withdrawn"]),
      allocationId: uintString.optional(),
      approvedBy: address.optional(),
    }),
  ),
});

/** A record's revisions as public proofs: leaf hashes and inclusion proofs, never the record. */
export const recordProofsSchema = z.object({
  recordId,
  checkpoint: anchoredCheckpointSchema.nullable(),
  revisions: z.array(z.object({ revision: z.number().int().min(0), leafIndex, leafHash: hex32, proof, anchored: z.boolean() })),
});

export const latestCheckpointSchema = anchoredCheckpointSchema.extend({ pending: z.number().int().min(0) });
export const consistencySchema = z.object({ from: z.number().int(), to: z.number().int(), proof: z.array(hex32) });
export const noticesSchema = z.object({
  notices: z.array(z.object({ caseId: hex32, name: z.string().meta({ examples: ["王**", "欧阳**"] }), jurisdiction: z.string(), programme: z.string(), householdSize: z.number().int(), approvedAmount: uintString, noticeEnd: z.iso.datetime() })),
  next: hex32.nullable().meta({ description: "the `after` of the next page; null on the last" }),
  asOfBlock: z.number().int().meta({ description: "the block the ledger's index had reached" }),
});
