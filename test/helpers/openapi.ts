import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import request from "supertest";

/**
 * What is wrong with an answer by the gateway's own OpenAPI document: the JSON Schema it gives for
 * the operation's status, checked by Ajv, not by the zod schema it was generated from. Empty when
 * the answer is as documented.
 */
export async function undocumented(gatewayUrl: string, path: string, method: string, status: number, body: unknown): Promise<string[]> {
  const doc = (await request(gatewayUrl).get("/v1/openapi.json").expect(200)).body;
  const schema = doc.paths[path]?.[method]?.responses?.[String(status)]?.content?.["application/json"]?.schema;
  if (!schema) return [`the document gives no schema for ${method} ${path} ${status}`];
  const validate = documentAjv().compile(schema);
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
}

/** Ajv as the document's JSON Schema needs it: 2020-12, its formats (date-time) checked, OpenAPI's keywords let through. */
export function documentAjv(): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  return ajv;
}
