import { hexlify, Transaction, VoidSigner, type BaseContract } from "ethers";
import { jsonSafe } from "../chain/domain.ts";
import { decodeRevert } from "../chain/reverts.ts";
import { RequestError, toAidtrailError } from "../http/errors.ts";
import { newRecord, type AidRecord, type NewRecord } from "../records/record.ts";
import { recordHash } from "../verify/record.ts";
import { ledgerAction, type LedgerActionContext, type LedgerActionResult } from "./ledger-action.ts";

/**
 * A ledger step the ledger checks against the officer's own role, so the transaction must come
 * from the officer's own account: an approver's suspension, resumption or exit of a case, a finance
 * officer's appropriation or allocation, a settlement agent's confirmation. The operator account
 * holds none of those roles, and the gateway never holds an officer's key. So the gateway drafts
 * the evidence record and the transaction that names its hash, the officer signs the transaction
 * where their key is, and the gateway logs the record and relays the transaction as signed. The
 * signature covers the call, so the gateway cannot change it, and the call names the record's
 * hash, so the record cannot be changed after it.
 */
export interface SignedCall {
  contract: "cases" | "funds";
  method: string;
  /** The call's arguments, given the evidence record's hash. */
  args: (recordHash: string) => unknown[];
  /** The evidence record, as the gateway builds it from the request. */
  record: Omit<NewRecord, "recordId" | "createdAt" | "salt">;
  /** What the outbox files the transaction under: the case, or the allocation. */
  subject: string;
}

/** What makes the record rebuilt from a signed call's request the record that was drafted. */
export interface Draft {
  recordId: string;
  createdAt: string;
  salt: string;
}

/** A draft is signed within a day, or drafted again. */
const DRAFT_LIFETIME_MS = 24 * 3600 * 1000;

export interface DraftedCall {
  draft: Draft;
  record: AidRecord;
  recordHash: string;
  /** The unsigned transaction for the officer's account: chain, nonce, gas and fees filled in. */
  transaction: unknown;
}

function encode(ctx: LedgerActionContext, call: SignedCall, record: AidRecord) {
  const hash = hexlify(recordHash(record));
  // Untyped on purpose: the method is named at run time, and its arguments checked by the encoder.
  const contract: BaseContract = ctx.chain[call.contract];
  return { hash, to: contract.target as string, data: contract.interface.encodeFunctionData(call.method, call.args(hash)) };
}

/** The record and the transaction an officer is to sign. Nothing is written. */
export async function draftSignedCall(ctx: LedgerActionContext, officer: string, call: SignedCall): Promise<DraftedCall> {
  const record = newRecord(call.record);
  const { hash, to, data } = encode(ctx, call, record);
  let transaction;
  try {
    // Estimating the gas runs the call as the officer: a step the ledger would refuse is refused now, with its reason.
    transaction = await new VoidSigner(officer, ctx.chain.provider).populateTransaction({ to, data });
  } catch (error) {
    if (decodeRevert(error)) throw toAidtrailError(error);
    throw new RequestError("LEDGER_UNAVAILABLE", "the ledger cannot be reached to prepare the transaction", 503, { hint: "try again when the chain is back" });
  }
  return { draft: { recordId: record.recordId, createdAt: record.createdAt, salt: record.salt }, record, recordHash: hash, transaction: jsonSafe(transaction) };
}

/**
 * Rebuilds the drafted record from the request and its draft, checks that `signedTransaction` is
 * the officer's own and calls exactly what the draft said, then takes the step as a ledger action:
 * a dry run as the officer, the debt owed, the record logged, the transaction relayed.
 */
export async function relaySignedCall(ctx: LedgerActionContext, officer: string, call: SignedCall, draft: Draft, signedTransaction: string): Promise<LedgerActionResult & { recordId: string; recordHash: string }> {
  const age = Date.now() - Date.parse(draft.createdAt);
  if (!(age >= -60_000 && age <= DRAFT_LIFETIME_MS)) {
    throw new RequestError("SIGNED_CALL_DRAFT_EXPIRED", `the draft was made at ${draft.createdAt}; a draft is signed within a day`, 400, { field: "draft.createdAt", hint: "ask for a new draft and sign that" });
  }
  const record = newRecord({ ...call.record, ...draft });
  const { hash, to, data } = encode(ctx, call, record);
  let transaction: Transaction;
  try {
    transaction = Transaction.from(signedTransaction);
  } catch {
    throw new RequestError("SIGNED_CALL_INVALID", "signedTransaction is not a serialised Ethereum transaction", 400, { field: "signedTransaction", hint: "send the hex the signer returned for the draft's transaction" });
  }
  if (!transaction.signature || !transaction.from) {
    throw new RequestError("SIGNED_CALL_INVALID", "signedTransaction carries no signature", 400, { field: "signedTransaction", hint: "sign the draft's transaction with your key" });
  }
  if (transaction.from.toLowerCase() !== officer.toLowerCase()) {
    throw new RequestError("SIGNED_CALL_SIGNER_MISMATCH", `the transaction was signed by ${transaction.from}, but you signed in as ${officer}`, 403, {
      field: "signedTransaction",
      hint: "sign with the key of the account you signed in with",
    });
  }
  if (transaction.chainId !== ctx.chain.chainId || transaction.to?.toLowerCase() !== to.toLowerCase() || transaction.data !== data) {
    throw new RequestError("SIGNED_CALL_MISMATCH", `the transaction does not make the call drafted for record ${record.recordId} (${call.method} naming ${hash})`, 400, {
      field: "signedTransaction",
      hint: "sign the draft's transaction unchanged, and send the same request fields with it",
    });
  }
  // A chain that does not answer is let through, as in every ledger action: the relayer sends the transaction when it does.
  const next = await ctx.chain.provider.getTransactionCount(officer, "pending").catch(() => null);
  if (next !== null && transaction.nonce < next) {
    throw new RequestError("SIGNED_CALL_NONCE_USED", `your account has used nonce ${transaction.nonce} already (its next is ${next}): this transaction was relayed before, or the account sent another`, 409, {
      field: "signedTransaction",
      hint: "ask for a new draft and sign that",
    });
  }
  const action = await ledgerAction(ctx, { caseId: call.subject, record, call: "signed", args: [signedTransaction] });
  return { recordId: record.recordId, recordHash: hash, ...action };
}
