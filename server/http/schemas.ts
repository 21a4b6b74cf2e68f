import { z } from "zod";

/**
 * Request and response schemas: the same objects validate requests and generate
 * /v1/openapi.json, so the document cannot drift from what the gateway accepts.
 */
export const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x and 64 hex digits");
export const divisionCode = z.string().regex(/^\d{12}$/, "must be a 12-digit division code (000000000000 for the central level)");
export const fen = z.string().regex(/^[1-9]\d*$/, "must be a positive amount in fen");

export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional(), hint: z.string().optional() }),
});

export const signedCheckpointSchema = z.object({
  logId: hex32,
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

export const readinessSchema = z.object({ ready: z.boolean(), checks: z.record(z.string(), z.string()) });

/** Where an owed ledger step stands: pending while the relayer works, done with its transaction, failed with why. */
export const ledgerStateSchema = z.object({
  state: z.enum(["pending", "done", "failed"]),
  transactionHash: hex32.optional(),
  blockNumber: z.number().int().min(0).optional(),
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
const recordId = z.string().regex(/^r[0-9a-f]{32}$/);

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

/** An application taken in: the receipt is given once and kept by no one but the citizen. */
export const intakeResponseSchema = z.object({
  caseId: hex32,
  receipt: z.object({
    caseId: hex32,
    caseNumber: z.string().regex(/^[0-9A-F]{16}$/).meta({ description: "what the citizen types with the code: the case id's first 16 hex digits" }),
    code: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{12}$/),
    qr: z.string().meta({ examples: ["aidtrail:case:0x3f2a91c07b4e55d1abababababababababababababababababababababababab:7K2M9QXRT4VW"] }),
  }),
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
