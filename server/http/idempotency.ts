import { createHash } from "node:crypto";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { StateStore } from "../state/state-store.ts";
import { RequestError } from "./errors.ts";

interface Remembered {
  /** SHA-256 of the request it answered: the same key with another request is refused, not replayed. */
  request: string;
  status: number;
  body: unknown;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/**
 * Idempotency keys on every POST: a request that carries an `Idempotency-Key` header and succeeds
 * has its answer kept, and a retry with the same key from the same caller gets that answer again
 * and does nothing again (a second case, revision or complaint). A retry that arrives while the
 * first is still running waits for it. Failures are not kept: a request that failed can be retried
 * as it is. Callers are told apart by their credentials (the bearer token, the citizen's receipt),
 * or by the client address when there are none: a retry after signing in again is a new request.
 */
export function idempotency(state: StateStore): RequestHandler {
  const running = new Map<string, Promise<void>>();
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.headers["idempotency-key"];
    if (req.method !== "POST" || key === undefined) return next();
    if (typeof key !== "string" || !/^[\x21-\x7e]{1,200}$/.test(key)) {
      return next(new RequestError("REQUEST_INVALID", "Idempotency-Key must be 1 to 200 printable ASCII characters", 400, { field: "Idempotency-Key", hint: "send a fresh random key (a UUID) per request, and the same one when retrying it" }));
    }
    const caller = sha256(req.headers.authorization ?? (req.headers["x-aidtrail-receipt"] as string | undefined) ?? `address ${req.ip}`);
    const memo = `idem:${caller}:${sha256(`${req.originalUrl}\n${key}`)}`;
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
      if (earlier) {
        if (earlier.request !== request) {
          throw new RequestError("IDEMPOTENCY_KEY_REUSED", "this Idempotency-Key was used for a different request", 422, { field: "Idempotency-Key", hint: "use a new key for a new request" });
        }
        return void res.status(earlier.status).json(earlier.body);
      }
    } catch (error) {
      return next(error);
    }
    // The answer is kept before it is sent: a client that saw it and retries finds it.
    const send = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode < 200 || res.statusCode >= 300) return send(body);
      state.put({ [memo]: { request, status: res.statusCode, body } satisfies Remembered }).then(
        () => send(body),
        (error: unknown) => next(error),
      );
      return res;
    };
    next();
  };
}
