import type { RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { RequestError } from "./errors.ts";

/**
 * At most `limit` requests a minute from one client address to the routes it guards (where guessing
 * or scraping would happen: sign-in, receipts, the public notices), refused with RATE_LIMITED and
 * `what` in the message, in English and Chinese.
 */
export function perMinute(limit: number, what: { en: string; zh: string }): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    handler: (_req, _res, next) => next(new RequestError("RATE_LIMITED", `too many ${what.en} from this address`, 429, { hint: "wait a minute and try again", zh: { message: `${what.zh}过于频繁`, hint: "请一分钟后再试" } })),
  });
}
