import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { SignIn } from "../auth/sign-in.ts";
import { jurisdictionCode, ROLE_NAMES, type RoleName } from "../chain/domain.ts";
import { roleId, type LedgerAccess } from "../chain/roles.ts";
import { RequestError } from "./errors.ts";

export type { LedgerAccess };

declare module "express-serve-static-core" {
  interface Request {
    /** The signed-in officer's account, set by `signedIn`. */
    officer?: string;
  }
}

/**
 * Role answers from the ledger, remembered so that an outage of the chain does not stop the
 * gateway: while the chain answers, every request asks it (a revocation works at once); while it
 * does not, the last answer of at most `maxStaleMs` ago stands, and after that the request is
 * refused as the ledger being unavailable.
 */
export function rememberingRoles(access: LedgerAccess, maxStaleMs: number): LedgerAccess {
  const answers = new Map<string, { held: boolean; at: number }>();
  const hasScopedRole = async (role: string, account: string, jurisdiction: bigint) => {
    const key = `${role}/${account}/${jurisdiction}`;
    try {
      const held = await access.hasScopedRole(role, account, jurisdiction);
      answers.set(key, { held, at: Date.now() });
      return held;
    } catch (error) {
      const known = answers.get(key);
      if (known && Date.now() - known.at <= maxStaleMs) return known.held;
      throw new RequestError("LEDGER_UNAVAILABLE", "the ledger cannot be reached to check the officer's role", 503, { hint: "try again when the chain is back" });
    }
  };
  return { hasScopedRole, scopeOf: access.scopeOf };
}

/** Requires a bearer token from sign-in; the officer's address is then on the request. */
/** The bearer token a request carries, if it carries one. */
export const bearerToken = (req: Request): string | undefined => (req.headers.authorization?.startsWith("Bearer ") ? req.headers.authorization.slice("Bearer ".length) : undefined);

export function signedIn(signIn: SignIn): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (token === undefined) {
      return next(new RequestError("AUTH_REQUIRED", "this route needs a signed-in officer", 401, { hint: "sign in: POST /v1/auth/challenge, then /v1/auth/session; send the token as Authorization: Bearer" }));
    }
    try {
      req.officer = await signIn.verify(token);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * The roles of `role` (or of each of `role`) that `officer` holds over `jurisdiction`, as the
 * ledger says at this moment; a FORBIDDEN_ROLE error when none.
 */
export async function heldRoles(access: LedgerAccess, role: RoleName | RoleName[], officer: string | undefined, jurisdiction: bigint, over = `jurisdiction ${jurisdiction}`): Promise<RoleName[]> {
  const roles = Array.isArray(role) ? role : [role];
  const held = officer ? await Promise.all(roles.map((r) => access.hasScopedRole(roleId(r), officer, jurisdiction))) : [];
  const holding = roles.filter((_, i) => held[i]);
  if (holding.length === 0) {
    throw new RequestError("FORBIDDEN_ROLE", `account ${officer} does not hold ${roles.join(" or ")} over ${over} on the ledger`, 403, {
      hint: "ask governance for the role, or sign in with the account that holds it",
    });
  }
  return holding;
}

/**
 * Requires the officer to hold `role` (or one of `role`) over the jurisdiction the request
 * concerns, as the ledger says at this moment: a role revoked on chain stops working on the next
 * request. The roles held are left on `res.locals.roles`, and what was checked on `res.locals.authorized`.
 * `over` names the jurisdiction in a refusal instead of its code: a case's, whose code would tell
 * an officer without rights that the case exists.
 */
export function authorize(access: LedgerAccess, role: RoleName | RoleName[], jurisdictionOf: (req: Request) => string | bigint | Promise<string | bigint>, over?: string): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const jurisdiction = BigInt(await jurisdictionOf(req));
      res.locals.roles = await heldRoles(access, role, req.officer, jurisdiction, over);
      // What was checked, for an answer kept under an Idempotency-Key to be replayed only while it holds.
      res.locals.authorized = { roles: Array.isArray(role) ? role : [role], jurisdiction: jurisdiction.toString() };
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** Every role the account holds on the ledger now, with its jurisdiction. */
export async function rolesOf(access: LedgerAccess, address: string): Promise<{ role: RoleName; jurisdiction: string }[]> {
  const scopes = await Promise.all(ROLE_NAMES.map((role) => access.scopeOf(roleId(role), address)));
  return ROLE_NAMES.flatMap((role, i) => (scopes[i]![0] ? [{ role, jurisdiction: jurisdictionCode(scopes[i]![1]) }] : []));
}
