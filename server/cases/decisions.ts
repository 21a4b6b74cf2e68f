import { AidtrailError } from "../../kit/errors.ts";
import { ErrorDescription, getAddress, verifyTypedData, type TypedDataDomain } from "ethers";
import { decisionDomain, DECISION_TYPES, type Decision } from "../../kit/decision.ts";
import { CaseStatus, Stage, nameOf } from "../chain/domain.ts";
import { decodeRevert } from "../chain/reverts.ts";
import { roleId } from "../chain/roles.ts";
import { yuan } from "../../kit/amounts.ts";
import { toAidtrailError } from "../chain/ledger-error.ts";
import type { LedgerAccess } from "../chain/roles.ts";
import { newRecord } from "../records/record.ts";
import { PROGRAMMES, type CaseEntry } from "./intake.ts";
import { ledgerAction, type LedgerActionContext, type LedgerActionResult } from "../sync/ledger-action.ts";
import { KEYS } from "../state/keys.ts";
import { decisionRecord } from "../records/kinds/decision.ts";

/** The exact EIP-712 payload an officer signs for a case's next step. */
export interface DecisionRequest {
  domain: TypedDataDomain;
  types: typeof DECISION_TYPES;
  primaryType: "Decision";
  message: Decision;
  digest: string;
  role: "REVIEWER" | "APPROVER";
  threshold: number;
}

export interface DecisionTerms {
  /** What the asker names; what they leave out is the decision being collected's, or (none open) an approval of no amount. */
  approve?: boolean;
  amount?: bigint;
  /** The household an approval's amount is for: the ledger's size for the case when not given, and refused if another. */
  householdSize?: number;
  /** How long a decision opened now stays open for signatures, by the chain's clock. */
  seconds: number;
}

export interface DecisionContext extends LedgerActionContext {
  roles: LedgerAccess;
}

/**
 * The decision being collected on a case: the one message every officer asking to sign the
 * case's due step gets, until it is decided or its deadline passes, so that officers who ask at
 * different times sign the same digest. Kept with the signatures collected for it.
 */
interface OpenDecision {
  message: ReturnType<typeof storedDecision>;
  digest: string;
  signatures: Record<string, string>;
}

const openKey = KEYS.decision;
const storedDecision = (m: Decision) => ({ ...m, amount: m.amount.toString(), deadline: m.deadline.toString() });
const decisionOf = (m: OpenDecision["message"]): Decision => ({ ...m, amount: BigInt(m.amount), deadline: BigInt(m.deadline) });

/** The case's due stage, round and latest record on the ledger, and the chain's time. */
async function dueStep(ctx: Pick<DecisionContext, "chain">, caseId: string) {
  const [[terms, area, size, round], revisions, now] = await Promise.all([ctx.chain.cases.getCase(caseId), ctx.chain.cases.revisions(caseId), ctx.chain.now()]);
  const status = Number(terms.status);
  const stage = status === CaseStatus.Submitted ? Stage.Review : status === CaseStatus.Reviewed ? Stage.Approval : null;
  return { status, stage, round: Number(round), householdSize: Number(size), area: Number(area), recordHash: revisions[revisions.length - 1]!, now };
}

/** The decision open on the case, if it is still for the step due and its deadline has not passed. */
async function openDecision(ctx: Pick<DecisionContext, "state">, caseId: string, due: Awaited<ReturnType<typeof dueStep>>): Promise<OpenDecision | null> {
  const open = await ctx.state.get<OpenDecision>(openKey(caseId));
  if (!open) return null;
  const m = open.message;
  const current = m.stage === due.stage && m.round === due.round && m.recordHash === due.recordHash && BigInt(m.deadline) > BigInt(due.now);
  return current ? open : null;
}

const describeTerms = (m: Decision) =>
  !m.approve ? "a rejection" : m.stage === Stage.Review ? "a review passing the case on" : `an approval of ${m.amount} fen a month for a household of ${m.householdSize}`;

/**
 * What a case needs next on the ledger, and what its officers must sign for it: the decision
 * being collected if there is one (every signer gets the same message until it is decided or
 * expires), else a decision opened now with a deadline `terms.seconds` ahead by the chain's clock.
 * Terms the asker names that differ from the decision being collected are refused once someone
 * has signed it (DECISION_OPEN); before, they replace it. An approval is for the
 * household the ledger holds: its size is the ledger's unless given, and another is refused here,
 * before anyone signs, since the ledger would refuse the decision (ApprovalHouseholdSizeMismatch).
 */
export async function decisionRequest(ctx: DecisionContext, entry: CaseEntry, terms: DecisionTerms): Promise<DecisionRequest & { signers: string[] }> {
  const due = await dueStep(ctx, entry.caseId);
  if (due.stage === null) {
    throw new AidtrailError("DECISION_NOT_DUE", `the case is ${nameOf(CaseStatus, due.status)}: no review or approval is due`, { kind: "conflict", hint: "approvals follow intake (review) and review (approval)" });
  }
  const approve = terms.approve ?? true;
  const granting = due.stage === Stage.Approval && approve;
  if (granting && terms.householdSize !== undefined) checkHouseholdSize(terms.householdSize, due.householdSize, "householdSize");
  const open = await openDecision(ctx, entry.caseId, due);
  if (open) {
    const m = decisionOf(open.message);
    // Naming an amount asks for an approval of it; naming nothing asks for whatever is being collected.
    const approves = terms.approve ?? (terms.amount !== undefined ? true : m.approve);
    const same = approves === m.approve && (!(approves && m.stage === Stage.Approval) || terms.amount === undefined || terms.amount === m.amount);
    const signers = sortedSigners(open.signatures);
    if (same) return { ...(await describeDecision(ctx, entry, m)), signers };
    if (signers.length > 0) throw decisionOpen(m, signers);
  }
  if (granting && !terms.amount) throw await amountRequired(ctx, entry, due);
  const message: Decision = {
    caseId: entry.caseId,
    stage: due.stage,
    approve,
    recordHash: due.recordHash,
    amount: granting ? terms.amount! : 0n,
    householdSize: granting ? due.householdSize : 0,
    round: due.round,
    deadline: BigInt(due.now + terms.seconds),
  };
  const request = await describeDecision(ctx, entry, message);
  await ctx.state.put({ [openKey(entry.caseId)]: { message: storedDecision(message), digest: request.digest, signatures: {} } satisfies OpenDecision });
  return { ...request, signers: [] };
}

/** An approval opened without its amount is refused before anyone signs, saying the most the ledger would take. */
async function amountRequired(ctx: Pick<DecisionContext, "chain">, entry: CaseEntry, due: Awaited<ReturnType<typeof dueStep>>): Promise<AidtrailError> {
  const standard = await ctx.chain.standards
    .standardAt(BigInt(entry.jurisdiction), PROGRAMMES[entry.programme], due.area, due.now)
    .then(([amount]) => amount)
    .catch(() => null);
  const cap = standard === null ? null : standard * BigInt(due.householdSize);
  const limit = cap === null ? "no standard is in force for the case now" : `at most ${yuan(cap)} yuan (${cap} fen): the standard in force, ${yuan(standard!)} yuan a person, times the household of ${due.householdSize}`;
  return new AidtrailError("APPROVAL_AMOUNT_REQUIRED", `an approval names the monthly amount granted: ${limit}`, {
    kind: "invalid",
    field: "amount",
    hint: "ask again with ?amount=<fen>, or sign the decision other approvers are collecting",
    zh: { message: `审批须写明每月核定金额：${cap === null ? "该案件现在没有适用的标准" : `不超过 ${yuan(cap)} 元（现行标准每人 ${yuan(standard!)} 元 × 家庭 ${due.householdSize} 人）`}`, hint: "带上 ?amount=<分> 重新获取，或签署其他审批人员正在收集的决定" },
  });
}

function decisionOpen(m: Decision, signers: string[]): AidtrailError {
  return new AidtrailError(
    "DECISION_OPEN",
    `${describeTerms(m)} is being collected on this case, signed so far by ${signers.join(", ")}, open until ${new Date(Number(m.deadline) * 1000).toISOString()}`,
    { kind: "conflict", hint: "sign that decision (ask for the decision request without terms), or wait until it expires or its signers withdraw (DELETE /v1/cases/:caseId/decisions)" },
  );
}

const sortedSigners = (signatures: Record<string, string>) => Object.keys(signatures).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));

/**
 * Refuses an approval for another household than the ledger's: `field` names where the request
 * gave it.
 */
function checkHouseholdSize(provided: number, ledger: number, field: string): void {
  if (provided === ledger) return;
  throw new AidtrailError(
    "APPROVAL_HOUSEHOLD_SIZE_MISMATCH",
    `an approval of this case is for a household of ${ledger}, as the ledger holds it (the applicant and the members at intake, changed by revisions), not ${provided}`,
    { kind: "invalid", field, hint: `name a household of ${ledger}, or leave the size out; a household that changed is revised first (POST /v1/cases/:caseId/revisions)` },
  );
}

/**
 * Refuses, before a signature is collected for it, an approval that names another household size
 * than the ledger holds for the case: it could never be relayed.
 */
export async function checkDecisionTerms(ctx: Pick<DecisionContext, "chain">, entry: CaseEntry, message: Decision): Promise<void> {
  if (message.stage !== Stage.Approval || !message.approve) return;
  const [, , size] = await ctx.chain.cases.getCase(entry.caseId);
  checkHouseholdSize(message.householdSize, Number(size), "decision.householdSize");
}

/** The signing payload, digest, role and threshold of a given decision on a case. */
export async function describeDecision(ctx: DecisionContext, entry: CaseEntry, message: Decision): Promise<DecisionRequest> {
  const { chainId } = await ctx.chain.provider.getNetwork();
  return {
    domain: decisionDomain(chainId, await ctx.chain.cases.getAddress()),
    types: DECISION_TYPES,
    primaryType: "Decision",
    message,
    digest: await ctx.chain.cases.decisionDigest(message),
    role: message.stage === Stage.Review ? "REVIEWER" : "APPROVER",
    threshold: Number(await ctx.chain.cases.thresholdFor(BigInt(entry.jurisdiction), PROGRAMMES[entry.programme], message.stage)),
  };
}

export interface Collected {
  state: "collecting" | "relayed";
  signers: string[];
  threshold: number;
  /** Signatures collected earlier that the ledger no longer counts (a role revoked since), dropped, with the ledger's reason. */
  dropped?: { signer: string; code: string }[];
  transactionHash?: string;
  recordId?: string;
  /** Once relayed: where the decision stands on the ledger (see ledgerAction). */
  ledger?: LedgerActionResult["ledger"];
}

/** A ledger check of a decision: a refusal as the ledger words it, or the chain not answering. */
async function ledgerCheck(check: Promise<unknown>, unavailable: string): Promise<void> {
  try {
    await check;
  } catch (error) {
    if (decodeRevert(error)) throw toAidtrailError(error);
    throw new AidtrailError("LEDGER_UNAVAILABLE", unavailable, { kind: "unavailable", hint: "post again when the chain is back" });
  }
}

/**
 * Adds officers' signatures to the decision being collected on the case (the one the approval
 * request hands out; a decision other than it is refused once it has a signature, and replaces it
 * before) and relays the decision once the threshold is met. Each signature is checked before it
 * is kept: it must recover to the signer it claims, and the ledger must count it as it stands now
 * (CaseRegistry.checkDecision: the signer's role, jurisdiction and level, the deadline, the
 * terms). Signatures the ledger stopped counting since they were kept are dropped at relay time.
 */
export async function addDecisionSignatures(
  ctx: DecisionContext,
  entry: CaseEntry,
  request: DecisionRequest,
  signatures: { signer: string; signature: string }[],
): Promise<Collected> {
  const due = await dueStep(ctx, entry.caseId);
  const open = await openDecision(ctx, entry.caseId, due);
  if (open && open.digest !== request.digest && Object.keys(open.signatures).length > 0) throw decisionOpen(decisionOf(open.message), sortedSigners(open.signatures));
  const held = open?.digest === request.digest ? { ...open.signatures } : {};
  for (const [i, s] of signatures.entries()) {
    const field = `signatures.${i}`;
    let signer: string;
    try {
      signer = getAddress(s.signer);
    } catch {
      throw new AidtrailError("DECISION_SIGNER_INVALID", `${field}.signer is not an address`, { kind: "invalid", field: `${field}.signer` });
    }
    let recovered = "";
    try {
      recovered = verifyTypedData(request.domain, request.types, request.message, s.signature);
    } catch {
      recovered = "";
    }
    if (recovered !== signer) {
      throw new AidtrailError("DECISION_SIGNATURE_INVALID", `${field} is not ${signer}'s signature of this decision (round ${request.message.round}, digest ${request.digest})`, {
        kind: "refused",
        field,
        hint: "sign the payload from GET /v1/cases/:caseId/decision-request exactly as given",
      });
    }
    if (!(await ctx.roles.hasScopedRole(roleId(request.role), signer, BigInt(entry.jurisdiction)))) {
      throw new AidtrailError("DECISION_SIGNER_UNAUTHORIZED", `${signer} does not hold ${request.role} over jurisdiction ${entry.jurisdiction} on the ledger`, { kind: "refused", field });
    }
    // The ledger's own rule for this signature alone (level, deadline, terms): one it would never count is not kept.
    await ledgerCheck(ctx.chain.cases.checkDecision(request.message, [{ signer, signature: s.signature }]), "the ledger cannot be reached to check the signature");
    held[signer] = s.signature;
  }
  const key = openKey(entry.caseId);
  const keep = (signatures: Record<string, string>) => ctx.state.put({ [key]: { message: storedDecision(request.message), digest: request.digest, signatures } satisfies OpenDecision });
  const dropped: NonNullable<Collected["dropped"]> = [];
  for (;;) {
    const signers = sortedSigners(held);
    if (signers.length < request.threshold) {
      await keep(held);
      return { state: "collecting", signers, threshold: request.threshold, ...(dropped.length > 0 && { dropped }) };
    }
    const ordered = signers.map((signer) => ({ signer, signature: held[signer]! }));
    // The decision record is evidence before the decision is relayed: a decision on the ledger always has its record.
    const record = newRecord({ ...decisionRecord(entry, storedDecision(request.message), request.digest, ordered), createdAt: ctx.chain.clock.iso() }, ctx.log.suite);
    let action: LedgerActionResult;
    try {
      // Owed like every ledger step (see ledgerAction): a crash once it is owed loses nothing, and
      // a chain that does not answer has it sent when it does.
      action = await ledgerAction(ctx, { caseId: entry.caseId, record, call: "decide", args: [storedDecision(request.message), ordered] });
    } catch (error) {
      const revert = error instanceof AidtrailError && error.cause instanceof ErrorDescription ? error.cause : null;
      // A signer the ledger no longer counts (a role revoked or moved since it signed) is dropped; the others wait for another.
      const signer = revert && ["DecisionSignerUnauthorized", "DecisionSignerLevelTooLow"].includes(revert.name) ? getAddress(String(revert.args[0])) : null;
      if (signer && held[signer]) {
        delete held[signer];
        dropped.push({ signer, code: (error as AidtrailError).code });
        continue;
      }
      throw error;
    }
    await ctx.state.delete(key);
    return { state: "relayed", signers, threshold: request.threshold, ...(dropped.length > 0 && { dropped }), transactionHash: action.ledger.transactionHash, recordId: record.recordId, ledger: action.ledger };
  }
}

/** The decision being collected on a case and who has signed it, or null when none is open. */
export async function collectedDecision(ctx: DecisionContext, entry: CaseEntry): Promise<(DecisionRequest & { signers: string[] }) | null> {
  const open = await openDecision(ctx, entry.caseId, await dueStep(ctx, entry.caseId));
  if (!open) return null;
  return { ...(await describeDecision(ctx, entry, decisionOf(open.message))), signers: sortedSigners(open.signatures) };
}

/**
 * Takes `signer`'s signature back from the decision being collected on a case, before it is
 * decided. With no signature left, the decision is closed, so that other terms may be opened.
 */
export async function withdrawDecisionSignature(ctx: DecisionContext, entry: CaseEntry, signer: string): Promise<Omit<Collected, "state"> & { state: "collecting" | "closed" }> {
  const open = await openDecision(ctx, entry.caseId, await dueStep(ctx, entry.caseId));
  const account = getAddress(signer);
  if (!open || !open.signatures[account]) {
    throw new AidtrailError("DECISION_SIGNATURE_NOT_FOUND", `${account} has no signature on a decision being collected on this case`, { kind: "not-found", hint: "GET /v1/cases/:caseId/decisions shows the decision and who has signed it" });
  }
  const { [account]: _, ...rest } = open.signatures;
  const { threshold } = await describeDecision(ctx, entry, decisionOf(open.message));
  if (Object.keys(rest).length === 0) {
    await ctx.state.delete(openKey(entry.caseId));
    return { state: "closed", signers: [], threshold };
  }
  await ctx.state.put({ [openKey(entry.caseId)]: { ...open, signatures: rest } satisfies OpenDecision });
  return { state: "collecting", signers: sortedSigners(rest), threshold };
}
