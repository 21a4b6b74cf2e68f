import { z } from "zod";
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
