import { AidtrailError } from "../../kit/errors.ts";
import { getBytes, hexlify, Transaction, VoidSigner, type BaseContract } from "ethers";
import { jsonSafe } from "../chain/domain.ts";
import { decodeRevert } from "../chain/reverts.ts";
import { unsendable } from "../chain/sendable.ts";
import { toAidtrailError } from "../chain/ledger-error.ts";
import { newRecord, type AidRecord, type NewRecord } from "../records/record.ts";
import { recordHash } from "../../kit/record.ts";
import { ledgerAction, type LedgerActionContext, type LedgerActionResult } from "./ledger-action.ts";

/**
 * A ledger step that changes a case or moves money: the ledger checks it against the role of the
 * account that sends it, so it is the officer's own transaction. The operator account holds no
 * such role, and the gateway never holds an officer's key. So the gateway drafts the evidence
 * record and the transaction (naming the record's hash where the call takes one), the officer
 * signs the transaction where their key is, and the gateway logs the record and relays the
 * transaction as signed. The signature covers the call, so the gateway cannot change it; a call
 * that names the record's hash fixes the record too.
 */
export interface SignedCall {
  contract: "cases" | "funds";
  method: string;
  /** The call's arguments, given the evidence record's hash. */
  args: (recordHash: string) => unknown[];
  /** The evidence record, as the gateway builds it from the request; a new revision of a record names the record's id. */
  record: Omit<NewRecord, "createdAt" | "salt">;
  /** What the outbox files the transaction under: the case, or the allocation. */
  subject: string;
  /** State the gateway keeps of the step (an index), written with the outbox entry under key `outbox`, atomically. */
  extraState?: (outbox: string, record: AidRecord) => Record<string, unknown>;
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

/**
 * The unsigned transaction of `officer`'s account for a call: chain, nonce (the account's next,
 * unless given), gas and fees filled in. Estimating the gas runs the call as the officer, so a
 * step the ledger would refuse is refused now, with its reason.
 */
export async function officerTransaction(ctx: LedgerActionContext, officer: string, call: { to: string; data: string }, nonce?: number): Promise<unknown> {
  try {
    return jsonSafe(await new VoidSigner(officer, ctx.chain.provider).populateTransaction({ ...call, nonce }));
  } catch (error) {
    if (decodeRevert(error)) throw toAidtrailError(error);
    throw new AidtrailError("LEDGER_UNAVAILABLE", "the ledger cannot be reached to prepare the transaction", { kind: "unavailable", hint: "try again when the chain is back" });
  }
}

/** The record and the transaction an officer is to sign. Nothing is written. */
export async function draftSignedCall(ctx: LedgerActionContext, officer: string, call: SignedCall): Promise<DraftedCall> {
  // The record is stamped by a clock that has just read the ledger's (see LedgerClock); a chain
  // that does not answer is reported by the transaction's preparation below.
  await ctx.chain.head().catch(() => undefined);
  const record = newRecord({ ...call.record, createdAt: ctx.chain.clock.iso() }, ctx.log.suite);
  const { hash, to, data } = encode(ctx, call, record);
  const transaction = await officerTransaction(ctx, officer, { to, data });
  return { draft: draftOf(record), record, recordHash: hash, transaction };
}

export const draftOf = (record: AidRecord): Draft => ({ recordId: record.recordId, createdAt: record.createdAt, salt: record.salt });

/** Refuses a draft made too long ago (or in the future): what it said may no longer hold. */
export async function checkDraftAge(ctx: Pick<LedgerActionContext, "chain">, createdAt: string, field = "draft.createdAt"): Promise<void> {
  if (!(await ctx.chain.within(createdAt, DRAFT_LIFETIME_MS))) {
    throw new AidtrailError("SIGNED_CALL_DRAFT_EXPIRED", `the draft was made at ${createdAt}; a draft is signed within a day`, { kind: "invalid", field, hint: "ask for a new draft and sign that" });
  }
}

/**
 * The signed transaction, once it is checked to be `officer`'s own, on this chain, and to make
 * exactly the call drafted (`to`, `data`; `what` names it in the refusal). Throws an AidtrailError
 * naming `field` otherwise.
 */
export function checkSignedTransaction(ctx: LedgerActionContext, officer: string, signedTransaction: string, call: { to: string; data: string; what: string }, field = "signedTransaction"): Transaction {
  let transaction: Transaction;
  try {
    transaction = Transaction.from(signedTransaction);
  } catch {
    throw new AidtrailError("SIGNED_CALL_INVALID", `${field} is not a serialised Ethereum transaction`, { kind: "invalid", field, hint: "send the hex the signer returned for the draft's transaction" });
  }
  if (!transaction.signature || !transaction.from) {
    throw new AidtrailError("SIGNED_CALL_INVALID", `${field} carries no signature`, { kind: "invalid", field, hint: "sign the draft's transaction with your key" });
  }
  if (transaction.from.toLowerCase() !== officer.toLowerCase()) {
    throw new AidtrailError("SIGNED_CALL_SIGNER_MISMATCH", `the transaction was signed by ${transaction.from}, but you signed in as ${officer}`, {
      kind: "forbidden",
      field,
      hint: "sign with the key of the account you signed in with",
    });
  }
  if (transaction.chainId !== ctx.chain.chainId || transaction.to?.toLowerCase() !== call.to.toLowerCase() || transaction.data !== call.data || transaction.value !== 0n) {
    throw new AidtrailError("SIGNED_CALL_MISMATCH", `the transaction does not make the call drafted for ${call.what}`, {
      kind: "invalid",
      field,
      hint: "sign the draft's transaction unchanged, and send the same request fields with it",
    });
  }
  return transaction;
}

/**
 * Refuses, before anything is logged, signed transactions (one, or a run's batches in nonce
 * order) the chain cannot take now: the first's nonce used by another of the account's
 * transactions or ahead of the account's next (it would wait for a gap to fill, and hold every
 * later ledger step of the gateway), a type the chain does not take, more gas than a block holds.
 * A transaction the chain already mined (broadcast by anyone) is taken: its record is logged and
 * the relayer finds its receipt. A chain that does not answer lets them through, as in every
 * ledger action: the relayer sends them when it does.
 */
export async function checkSendable(ctx: LedgerActionContext, officer: string, transactions: Transaction[], field = "signedTransaction"): Promise<void> {
  const [next, latest] = await Promise.all([ctx.chain.provider.getTransactionCount(officer, "pending"), ctx.chain.provider.getBlock("latest")]).catch(() => [null, null] as const);
  if (next === null || !latest) return;
  const nonce = transactions[0]!.nonce;
  if (nonce < next && !(await ctx.chain.transactions.receipt(transactions[0]!.hash!))) {
    throw new AidtrailError("SIGNED_CALL_NONCE_USED", `your account has used nonce ${nonce} already (its next is ${next}): this transaction was relayed before, or the account sent another`, {
      kind: "conflict",
      field,
      hint: "ask for a new draft and sign that",
    });
  }
  for (const [i, t] of transactions.entries()) {
    const refusal = unsendable(t, next + i, latest);
    if (refusal) throw new AidtrailError(refusal.code, refusal.message, { kind: refusal.code === "SIGNED_CALL_NONCE_AHEAD" ? "conflict" : "invalid", field, hint: refusal.details.hint });
  }
  // An account that cannot pay for its transactions would have them refused by every node, on every retry.
  const cost = transactions.reduce((sum, t) => sum + t.gasLimit * (t.maxFeePerGas ?? t.gasPrice ?? 0n) + t.value, 0n);
  if (cost === 0n) return;
  const balance = await ctx.chain.provider.getBalance(officer).catch(() => null);
  if (balance !== null && balance < cost) {
    throw new AidtrailError("SIGNED_CALL_FUNDS_INSUFFICIENT", `your account ${officer} holds ${balance} wei; ${transactions.length === 1 ? "the transaction" : `the ${transactions.length} transactions`} may cost up to ${cost} wei of gas`, {
      kind: "conflict",
      field,
      hint: "ask whoever funds the officers' accounts on this chain to fund yours, then sign a new draft",
      zh: { message: `您的账户 ${officer} 余额为 ${balance} wei，这${transactions.length === 1 ? "笔交易" : ` ${transactions.length} 笔交易`}的手续费最多需要 ${cost} wei`, hint: "请联系本链为工作人员账户充值的负责人为您的账户充值，然后重新生成并签署" },
    });
  }
}

/**
 * Rebuilds the drafted record from the request and its draft, checks that `signedTransaction` is
 * the officer's own and calls exactly what the draft said, then takes the step as a ledger action:
 * a dry run as the officer, the debt owed (with the call's extra state), the record logged, the
 * transaction relayed.
 */
export async function relaySignedCall(ctx: LedgerActionContext, officer: string, call: SignedCall, draft: Draft, signedTransaction: string): Promise<LedgerActionResult & { record: AidRecord; recordId: string; recordHash: string }> {
  await checkDraftAge(ctx, draft.createdAt);
  const record = newRecord({ ...call.record, recordId: call.record.recordId ?? draft.recordId, createdAt: draft.createdAt, salt: draft.salt }, ctx.log.suite);
  const { hash, to, data } = encode(ctx, call, record);
  const transaction = checkSignedTransaction(ctx, officer, signedTransaction, { to, data, what: `record ${record.recordId} (${call.method} naming ${hash})` });
  const logged = await ctx.log.indexOfLeafHash(getBytes(hash));
  if (logged !== null) {
    throw new AidtrailError("SIGNED_CALL_ALREADY_RELAYED", `this step was relayed already: its record ${record.recordId} is at leaf ${logged}`, { kind: "conflict", field: "signedTransaction", hint: "GET /v1/proofs/records/:recordId shows it; a new step needs a new draft" });
  }
  await checkSendable(ctx, officer, [transaction]);
  const action = await ledgerAction(ctx, {
    caseId: call.subject,
    record,
    call: "signed",
    args: [signedTransaction],
    extraState: call.extraState && ((outbox) => call.extraState!(outbox, record)),
  });
  return { record, recordId: record.recordId, recordHash: hash, ...action };
}
