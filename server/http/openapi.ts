import { z } from "zod";
import { challengeRequest, sessionRequest } from "./routes/auth.ts";
import { errorSchema, readinessSchema, verifyRequestSchema, verifyResponseSchema } from "./schemas.ts";

const json = (schema: z.ZodType) => ({ "application/json": { schema: z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) } });
const errors = { default: { description: "an error: a stable code, a message, the field at fault", content: json(errorSchema) } };

/** The OpenAPI document of the gateway, generated from the schemas that validate its requests. */
export function openApiDocument(version: string) {
  return {
    openapi: "3.1.0",
    info: { title: "aidtrail gateway", version },
    paths: {
      "/v1/verify": {
        post: {
          summary: "Verify a record as the caller holds it against its proof and checkpoint",
          requestBody: { required: true, content: json(verifyRequestSchema) },
          responses: { "200": { description: "the verdict, with every reason it fails", content: json(verifyResponseSchema) }, ...errors },
        },
      },
      "/v1/auth/challenge": {
        post: {
          summary: "A one-time message for an officer's account to sign (EIP-4361 style)",
          requestBody: { required: true, content: json(challengeRequest) },
          responses: { "200": { description: "the message to sign" }, ...errors },
        },
      },
      "/v1/auth/session": {
        post: {
          summary: "Exchange the signed message for a bearer token naming the officer's account",
          requestBody: { required: true, content: json(sessionRequest) },
          responses: { "200": { description: "token, address, expiry" }, ...errors },
        },
        get: { summary: "The signed-in officer and the roles the ledger gives them now", responses: { "200": { description: "address and roles" }, ...errors } },
      },
      "/healthz": { get: { summary: "The process is up", responses: { "200": { description: "up" } } } },
      "/readyz": {
        get: {
          summary: "The gateway can serve: chain reachable, log consistent with its last anchor",
          responses: { "200": { description: "ready", content: json(readinessSchema) }, "503": { description: "not ready", content: json(readinessSchema) } },
        },
      },
      "/metrics": { get: { summary: "Prometheus metrics", responses: { "200": { description: "text exposition format" } } } },
    },
  };
}
