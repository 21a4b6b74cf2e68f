import type { Signer } from "ethers";
import { AidtrailError } from "../verify/errors.ts";

/** What the command line reports and exits on: a message a person can act on, and what to do. */
export class CliError extends AidtrailError {
  override name = "CliError";
  constructor(code: string, message: string, hint?: string) {
    super(code, message, hint ? { hint } : {});
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; hint?: string; field?: string };
}

/**
 * One JSON call to a gateway. A gateway that cannot be reached, or answers with an error, becomes
 * a CliError carrying the gateway's own code, message and hint.
 */
export async function gatewayCall<T>(gateway: string, path: string, init: { method?: string; token?: string; body?: unknown; accept?: number[] } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, gateway), {
      method: init.method ?? "GET",
      headers: { ...(init.body === undefined ? {} : { "content-type": "application/json" }), ...(init.token ? { authorization: init.token } : {}) },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch (error) {
    throw new CliError("GATEWAY_UNREACHABLE", `cannot reach the gateway at ${gateway}: ${(error as Error).cause ?? (error as Error).message}`, "check --gateway (or AIDTRAIL_GATEWAY_URL) and that the gateway runs");
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    throw new CliError("GATEWAY_ANSWER_INVALID", `${gateway}${path} answered ${response.status} with something other than JSON`, "is --gateway the URL of an aidtrail gateway?");
  }
  if (!response.ok && !init.accept?.includes(response.status)) {
    const error = (body as ErrorBody | undefined)?.error;
    throw new CliError(error?.code ?? `HTTP_${response.status}`, `the gateway refused: ${error?.message ?? `HTTP ${response.status}`}${error?.field ? ` (field ${error.field})` : ""}`, error?.hint);
  }
  return body as T;
}

/** A bearer token for `signer`'s account: the gateway's one-time challenge, signed (EIP-4361 style). */
export async function signIn(gateway: string, signer: Signer): Promise<string> {
  const address = await signer.getAddress();
  const { message } = await gatewayCall<{ message: string }>(gateway, "/v1/auth/challenge", { method: "POST", body: { address } });
  const { token } = await gatewayCall<{ token: string }>(gateway, "/v1/auth/session", { method: "POST", body: { message, signature: await signer.signMessage(message) } });
  return `Bearer ${token}`;
}
