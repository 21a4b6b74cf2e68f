import { createHash, timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import { RequestError } from "./errors.ts";

/**
 * A route for the operator's own tools (the metrics scraper, backups), reached by a bearer token
 * of the gateway's configuration (`variable`), compared in constant time; off without one.
 * `what` names the route in its refusals' codes: METRICS_OFF, METRICS_TOKEN_REQUIRED, …
 */
export function operatorToken(token: string | undefined, what: "METRICS" | "BACKUP", variable: string, route: string): RequestHandler {
  const expected = token && createHash("sha256").update(`Bearer ${token}`).digest();
  return (req, _res, next) => {
    if (!expected) return next(new RequestError(`${what}_OFF`, `this gateway serves no ${route}`, 404, { hint: `set ${variable} and give it to the operator's tool as its bearer token` }));
    const given = createHash("sha256").update(req.headers.authorization ?? "").digest();
    if (!timingSafeEqual(given, expected)) return next(new RequestError(`${what}_TOKEN_REQUIRED`, `${route} answers only the operator's token`, 401, { hint: `send Authorization: Bearer <${variable}>` }));
    next();
  };
}
