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
