import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { SignIn } from "../auth/sign-in.ts";
import type { RoleName } from "../chain/domain.ts";
import type { StateStore } from "../state/state-store.ts";
import { RequestError } from "./errors.ts";
import { bearerToken, heldRoles, type LedgerAccess } from "./officers.ts";
import { KEYS } from "../state/keys.ts";
import { suiteAead, type Aead } from "../records/envelope.ts";
import { keyedHash, type HashKey } from "../records/keyed-hash.ts";

interface Remembered {
  /** SHA-256 of the request it answered: the same key with another request is refused, not replayed. */
  request: string;
  status: number;
  /** The answer, sealed (the suite's authenticated encryption, in base64): it may hold a citizen's receipt code. */
  sealed: string;
  /** The roles the route checked, and over what: a replay needs the officer to hold one of them still. */
  authorized?: { roles: RoleName[]; jurisdiction: string };
  /** When the answer is forgotten, in ms. */
  expires: number;
}

export interface IdempotencyOptions {
  state: StateStore;
  /** Verifies bearer tokens: an answer is replayed only to the officer it was given to, signed in now. */
  signIn?: SignIn;
  /** The ledger's roles, asked again before a replay. */
  access?: LedgerAccess;
  /** Seals kept answers, with the Idempotency-Key, which is kept only hashed. */
  secret: HashKey;
  /** How long an answer is kept: a day unless told. */
  keepMs?: number;
}

/** Answers are kept a day: long enough for any client's retries, short enough to keep little. */
export const IDEMPOTENCY_KEEP_MS = 24 * 3600 * 1000;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Idempotency keys on every POST: a request that carries an `Idempotency-Key` header and succeeds
 * has its answer kept, and a retry with the same key from the same caller gets that answer again
 * and does nothing again (a second case, revision or complaint). A retry that arrives while the
 * first is still running waits for it. Failures are not kept: a request that failed can be retried
 * as it is. Callers are told apart by who they are: the officer a valid bearer token names (so a
 * retry after signing in again finds its answer), the citizen's receipt, or else the client
 * address. A replay is given only as the route would answer now: an invalid or expired token is
 * refused before anything is looked up, and the officer must still hold a role the route checked.
 * Answers are kept sealed under a key made of the gateway's secret and the Idempotency-Key (an
 * intake's answer holds the citizen's receipt code, which is never on disk in clear), and for
 * `keepMs`; `sweepIdempotency` forgets those past it.
 */
export function idempotency(options: IdempotencyOptions): RequestHandler {
  const { state, signIn, access, secret } = options;
  const keepMs = options.keepMs ?? IDEMPOTENCY_KEEP_MS;
  const running = new Map<string, Promise<void>>();
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.headers["idempotency-key"];
    if (req.method !== "POST" || key === undefined) return next();
    if (typeof key !== "string" || !/^[\x21-\x7e]{1,200}$/.test(key)) {
      return next(new RequestError("REQUEST_INVALID", "Idempotency-Key must be 1 to 200 printable ASCII characters", 400, { field: "Idempotency-Key", hint: "send a fresh random key (a UUID) per request, and the same one when retrying it" }));
    }
    let caller: string;
    let officer: string | undefined;
    try {
      const bearer = bearerToken(req);
      officer = bearer !== undefined && signIn ? await signIn.verify(bearer) : undefined;
      caller = officer ? `officer ${officer}` : sha256(req.headers.authorization ?? (req.headers["x-aidtrail-receipt"] as string | undefined) ?? `address ${req.ip}`);
    } catch (error) {
      return next(error);
    }
    const memo = KEYS.idempotent(sha256(caller), sha256(`${req.originalUrl}\n${key}`));
    const sealing = suiteAead(secret.suite, keyedHash(secret, `aidtrail idempotent answer\n${memo}\n${key}`));
    const request = sha256(`${req.originalUrl}\n${JSON.stringify(req.body ?? null)}`);
    // A retry waits for a first request still running (these promises never reject); no await between the check and the claim.
    while (running.has(memo)) await running.get(memo);
    let release!: () => void;
    running.set(memo, new Promise<void>((resolve) => (release = resolve)));
    res.once("close", () => {
      running.delete(memo);
      release();
    });
    try {
      const earlier = await state.get<Remembered>(memo);
      if (earlier && earlier.expires > Date.now()) {
        if (earlier.request !== request) {
          throw new RequestError("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different request", 422, { field: "Idempotency-Key", hint: "use a new key for a new request" });
        }
        if (earlier.authorized && access) await heldRoles(access, earlier.authorized.roles, officer, BigInt(earlier.authorized.jurisdiction));
        return void res.status(earlier.status).json(open(earlier.sealed, sealing));
      }
    } catch (error) {
      return next(error);
    }
    // The answer is kept before it is sent: a client that saw it and retries finds it.
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode < 200 || res.statusCode >= 300) return send(body);
      const authorized = res.locals.authorized as Remembered["authorized"];
      const remembered: Remembered = { request, status: res.statusCode, sealed: seal(body, sealing), ...(authorized && { authorized }), expires: Date.now() + keepMs };
      state.put({ [memo]: remembered }).then(
        () => send(body),
        (error: unknown) => next(error),
      );
      return res;
    };
    next();
  };
}

/** Forgets the answers kept past their time. Answers how many. */
export async function sweepIdempotency(state: StateStore, now = Date.now()): Promise<number> {
  const expired = (await state.list<Remembered>(KEYS.idempotentAll)).filter(([, r]) => !(r.expires > now)).map(([k]) => k);
  if (expired.length > 0) await state.write({}, expired);
  return expired.length;
}

const NO_CONTEXT = new Uint8Array(0);
const seal = (body: unknown, aead: Aead): string => aead.seal(Buffer.from(JSON.stringify(body), "utf8"), NO_CONTEXT).toString("base64");
const open = (sealed: string, aead: Aead): unknown => JSON.parse(aead.open(Buffer.from(sealed, "base64"), NO_CONTEXT).toString("utf8"));
