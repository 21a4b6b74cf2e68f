import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Signer } from "ethers";
import type { ErrorBody } from "../server/http/errors.ts";
import { AidtrailError } from "../kit/errors.ts";

/** What the command line reports and exits on: a message a person can act on, and what to do. */
export class CliError extends AidtrailError {
  override name = "CliError";
  constructor(code: string, message: string, hint?: string, zh?: { message: string; hint?: string }) {
    super(code, message, { ...(hint ? { hint } : {}), ...(zh ? { zh } : {}) });
  }
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
    // What the gateway's error answers hold; a proxy in between may answer otherwise, so each field is checked as it is read.
    const error = (body as Partial<ErrorBody> | undefined)?.error as Partial<ErrorBody["error"]> | undefined;
    throw new CliError(error?.code ?? `HTTP_${response.status}`, `the gateway refused: ${error?.message ?? `HTTP ${response.status}`}${error?.field ? ` (field ${error.field})` : ""}`, error?.hint, error?.zh);
  }
  return body as T;
}

/** An account's session at a gateway: its calls carry the account's bearer token. */
export interface Session {
  call<T>(path: string, init?: { method?: string; body?: unknown; accept?: number[] }): Promise<T>;
}

/**
 * Where the command line keeps each account's session at each gateway, so that an officer signs
 * in once per keystore while the session lasts, not once per command (gateways limit sign-ins per
 * address a minute). Readable by its owner alone: a token is a bearer secret until it expires.
 */
const sessionsFile = () => process.env.AIDTRAIL_SESSIONS ?? join(homedir(), ".aidtrail", "sessions.json");
type Sessions = Record<string, { token: string; expiresAt: string }>;

function readSessions(): Sessions {
  try {
    return JSON.parse(readFileSync(sessionsFile(), "utf8")) as Sessions;
  } catch {
    return {};
  }
}

function keepSession(key: string, session: { token: string; expiresAt: string } | null): void {
  const file = sessionsFile();
  const now = Date.now();
  const kept = Object.fromEntries(Object.entries(readSessions()).filter(([k, s]) => k !== key && Date.parse(s.expiresAt) > now));
  if (session) kept[key] = session;
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, JSON.stringify(kept), { mode: 0o600 });
  } catch {
    // A session not kept only means signing in again next time.
  }
}

/** A new session of `signer`'s account at `gateway`: the gateway's one-time challenge, signed (EIP-4361 style). */
export async function newSession(gateway: string, signer: Signer): Promise<{ token: string; expiresAt: string }> {
  const { message } = await gatewayCall<{ message: string }>(gateway, "/v1/auth/challenge", { method: "POST", body: { address: await signer.getAddress() } });
  const { token, expiresAt } = await gatewayCall<{ token: string; expiresAt: string }>(gateway, "/v1/auth/session", { method: "POST", body: { message, signature: await signer.signMessage(message) } });
  return { token, expiresAt };
}

/**
 * `signer`'s session at `gateway`: the one kept from an earlier command while it has a minute
 * left, else a new one (the gateway's one-time challenge, signed, EIP-4361 style). A kept token
 * the gateway no longer knows (it restarted) is dropped and the account signs in again, once.
 */
export async function signIn(gateway: string, signer: Signer): Promise<Session> {
  const address = await signer.getAddress();
  const key = `${new URL(gateway).origin} ${address}`;
  const fresh = async () => {
    const session = await newSession(gateway, signer);
    keepSession(key, session);
    return session.token;
  };
  const kept = readSessions()[key];
  let token = kept && Date.parse(kept.expiresAt) > Date.now() + 60_000 ? kept.token : await fresh();
  let renewable = kept?.token === token;
  return {
    async call<T>(path: string, init: { method?: string; body?: unknown; accept?: number[] } = {}): Promise<T> {
      try {
        return await gatewayCall<T>(gateway, path, { ...init, token: `Bearer ${token}` });
      } catch (error) {
        if (!renewable || (error as CliError).code !== "AUTH_TOKEN_INVALID") throw error;
        renewable = false;
        keepSession(key, null);
        token = await fresh();
        return gatewayCall<T>(gateway, path, { ...init, token: `Bearer ${token}` });
      }
    },
  };
}
