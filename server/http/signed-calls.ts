import type { Request, Response, Router } from "express";
import { z } from "zod";
import type { SignIn } from "../auth/sign-in.ts";
import type { LedgerActionContext } from "../sync/ledger-action.ts";
import { draftSignedCall, relaySignedCall, type DraftedCall, type SignedCall } from "../sync/signed-call.ts";
import type { RoleName } from "../chain/domain.ts";
import { authorize, signedIn, type LedgerAccess } from "./officers.ts";
import { validate } from "./validate.ts";

export const draftSchema = z.object({
  recordId: z.string().regex(/^r[0-9a-f]{32}$/, 'must be the draft\'s record id, "r" and 32 hex digits'),
  createdAt: z.iso.datetime({ message: "must be the draft's time, as the draft gave it" }),
  salt: z.string().regex(/^[0-9a-f]{32,}$/, "must be the draft's salt, as the draft gave it"),
});

/** A signed call's relay request: the draft request's fields again, the draft, and the signed transaction. */
export const relayFields = {
  draft: draftSchema,
  signedTransaction: z.string().regex(/^0x[0-9a-fA-F]+$/, "must be the signed transaction, 0x-hex"),
};

export interface SignedCallRoute<S extends z.ZodObject> {
  /** The request fields, the same in the draft and the relay. */
  schema: S;
  /** The role the ledger checks (any one of them, given several). */
  role: RoleName | RoleName[];
  /** The jurisdiction whose role the officer must hold, as the ledger will check it. */
  jurisdictionOf: (req: Request) => string | bigint | Promise<string | bigint>;
  /** How a refusal names that jurisdiction, when not by its code (see authorize). */
  over?: string;
  /** The step, built from the request the same way for the draft and the relay; may refuse it before the chain is asked. */
  call: (req: Request, body: z.infer<S>) => SignedCall | Promise<SignedCall>;
  /**
   * Run once the draft is made and before it is answered, given it: for a draft that shows the
   * officer personal data they did not send (a revision shows the current record), the read is
   * logged first, as any other read of personal data.
   */
  beforeAnswer?: (req: Request, res: Response, body: z.infer<S>, drafted: DraftedCall) => Promise<void>;
  /** What the step makes, answered once it is on the ledger: the argument `id` of the event `event` its transaction emitted (a new allocation's id). */
  creates?: { event: string; id: string };
}

/**
 * The two routes of a ledger step the officer signs themselves (see SignedCall): `POST {path}/draft`
 * answers the evidence record and the unsigned transaction, writing nothing; `POST {path}`, with
 * the same fields, the draft and the signed transaction, logs the record and relays the transaction.
 */
export function signedCallRoutes<S extends z.ZodObject>(router: Router, path: string, ctx: LedgerActionContext & { roles: LedgerAccess }, signIn: SignIn, route: SignedCallRoute<S>): void {
  const holdsRole = authorize(ctx.roles, route.role, route.jurisdictionOf, route.over);
  router.post(`${path}/draft`, signedIn(signIn), validate(route.schema), holdsRole, async (req, res) => {
    const drafted = await draftSignedCall(ctx, req.officer!, await route.call(req, req.body));
    await route.beforeAnswer?.(req, res, req.body, drafted);
    res.json(drafted);
  });
  router.post(path, signedIn(signIn), validate(route.schema.extend(relayFields)), holdsRole, async (req, res) => {
    const { draft, signedTransaction, ...fields } = req.body;
    const relayed = await relaySignedCall(ctx, req.officer!, await route.call(req, fields), draft, signedTransaction);
    // A revision of a record says which revision it is.
    const revision = relayed.record.revision > 0 ? { revision: relayed.record.revision } : {};
    const created = route.creates && relayed.ledger.transactionHash ? await createdBy(ctx, relayed.ledger.transactionHash, route.creates) : {};
    res.status(201).json({ recordId: relayed.recordId, ...revision, recordHash: relayed.recordHash, leafIndex: relayed.leafIndex, ledger: relayed.ledger, ...created });
  });
}

/** The id a mined step made, read from its transaction's event: `{ [id]: value }`, or nothing if the receipt cannot be read now. */
async function createdBy(ctx: LedgerActionContext, transactionHash: string, creates: { event: string; id: string }): Promise<Record<string, string>> {
  const receipt = await ctx.chain.provider.getTransactionReceipt(transactionHash).catch(() => null);
  for (const log of receipt?.logs ?? []) {
    const parsed = ctx.chain.funds.interface.parseLog(log);
    if (parsed?.name === creates.event) return { [creates.id]: String(parsed.args.getValue(creates.id)) };
  }
  return {};
}
