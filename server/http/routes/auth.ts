import { Router } from "express";
import { z } from "zod";
import type { SignIn } from "../../auth/sign-in.ts";
import { rolesOf, signedIn, type LedgerAccess } from "../officers.ts";
import { perMinute } from "../rate-limit.ts";
import { validate } from "../validate.ts";

export const challengeRequest = z.object({ address: z.string() });
export const sessionRequest = z.object({ message: z.string().max(2048), signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature, 0x-hex") });

/** Sign-in routes, rate-limited per client: they are where guessing would happen. */
export function authRouter(signIn: SignIn, access: LedgerAccess, limitPerMinute: number): Router {
  const router = Router();
  const limiter = perMinute(limitPerMinute, { en: "sign-in attempts", zh: "登录尝试" });
  router.post("/auth/challenge", limiter, validate(challengeRequest), (req, res) => {
    res.json({ message: signIn.challenge(req.body.address) });
  });
  router.post("/auth/session", limiter, validate(sessionRequest), async (req, res) => {
    res.json(await signIn.session(req.body.message, req.body.signature));
  });
  router.get("/auth/session", signedIn(signIn), async (req, res) => {
    res.json({ address: req.officer, roles: await rolesOf(access, req.officer!) });
  });
  return router;
}
