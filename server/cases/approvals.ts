import { getAddress, verifyTypedData, type TypedDataDomain } from "ethers";
import { decisionDomain, DECISION_TYPES, type Decision } from "../verify/decision.ts";
import type { ChainClient } from "../chain/client.ts";
import { CaseStatus, Stage } from "../chain/domain.ts";
import { decodeRevert } from "../chain/reverts.ts";
import { roleId } from "../chain/roles.ts";
import { RequestError, toAidtrailError } from "../http/errors.ts";
import type { LedgerAccess } from "../http/officers.ts";
import type { RecordLog } from "../log/record-log.ts";
import { newRecord } from "../records/record.ts";
import type { StateStore } from "../state/state-store.ts";
import { PROGRAMMES, type CaseEntry } from "./intake.ts";

/** The exact EIP-712 payload an officer signs for a case's next step. */
export interface ApprovalRequest {
  domain: TypedDataDomain;
  types: typeof DECISION_TYPES;
  primaryType: "Decision";
  message: Decision;
  digest: string;
  role: "REVIEWER" | "APPROVER";
  threshold: number;
}

export interface ApprovalTerms {
  approve: boolean;
  amount: bigint;
  /** The household an approval's amount is for: the ledger's size for the case when not given, and refused if another. */
  householdSize?: number;
  deadline: bigint;
}

export interface ApprovalContext {
  chain: ChainClient;
  roles: LedgerAccess;
  log: RecordLog;
  state: StateStore;
}

/**
 * What a case needs next on the ledger, and what its officers must sign for it. An approval is
 * for the household the ledger holds (1 + the members at intake, changed by each revision): its
 * size is the ledger's unless given, and another is refused here, before anyone signs, since the
 * ledger would refuse the decision (ApprovalHouseholdSizeMismatch).
 */
export async function approvalRequest(ctx: ApprovalContext, entry: CaseEntry, terms: ApprovalTerms): Promise<ApprovalRequest> {
  const [status, householdSize, round] = await ctx.chain.cases.getCase(entry.caseId).then(([t, , size, r]) => [Number(t.status), Number(size), Number(r)] as const);
  const stage = status === CaseStatus.Submitted ? Stage.Review : status === CaseStatus.Reviewed ? Stage.Approval : null;
  if (stage === null) {
    throw new RequestError("APPROVAL_NOT_DUE", `the case is ${CaseStatus[status]}: no review or approval is due`, 409, { hint: "approvals follow intake (review) and review (approval)" });
  }
  const granting = stage === Stage.Approval && terms.approve;
  if (granting && terms.householdSize !== undefined) checkHouseholdSize(terms.householdSize, householdSize, "householdSize");
  const revisions = await ctx.chain.cases.revisions(entry.caseId);
  const message: Decision = {
    caseId: entry.caseId,
    stage,
    approve: terms.approve,
    recordHash: revisions[revisions.length - 1]!,
    amount: granting ? terms.amount : 0n,
    householdSize: granting ? householdSize : 0,
    round,
    deadline: terms.deadline,
  };
  return describeDecision(ctx, entry, message);
}

/**
 * Refuses an approval for another household than the ledger's: `field` names where the request
 * gave it.
 */
function checkHouseholdSize(provided: number, ledger: number, field: string): void {
  if (provided === ledger) return;
  throw new RequestError(
    "APPROVAL_HOUSEHOLD_SIZE_MISMATCH",
    `an approval of this case is for a household of ${ledger}, as the ledger holds it (the applicant and the members at intake, changed by revisions), not ${provided}`,
    400,
    { field, hint: `name a household of ${ledger}, or leave the size out; a household that changed is revised first (POST /v1/cases/:caseId/revisions)` },
  );
}

/**
 * Refuses, before a signature is collected for it, an approval that names another household size
 * than the ledger holds for the case: it could never be relayed.
 */
export async function checkDecisionTerms(ctx: Pick<ApprovalContext, "chain">, entry: CaseEntry, message: Decision): Promise<void> {
  if (message.stage !== Stage.Approval || !message.approve) return;
  const [, , size] = await ctx.chain.cases.getCase(entry.caseId);
  checkHouseholdSize(message.householdSize, Number(size), "decision.householdSize");
}

/** The signing payload, digest, role and threshold of a given decision on a case. */
export async function describeDecision(ctx: ApprovalContext, entry: CaseEntry, message: Decision): Promise<ApprovalRequest> {
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
  transactionHash?: string;
  recordId?: string;
}

/**
 * Adds officers' signatures to the decision they sign and relays the decision once the threshold
 * is met. Each signature is checked here before any gas is spent: it must recover to the signer
 * it claims, and that signer must hold the stage's role over the case on the ledger now.
 */
export async function submitApprovals(
  ctx: ApprovalContext,
  entry: CaseEntry,
  request: ApprovalRequest,
  signatures: { signer: string; signature: string }[],
): Promise<Collected> {
  const key = `approvals:${entry.caseId}:${request.message.round}:${request.digest}`;
  const held = (await ctx.state.get<Record<string, string>>(key)) ?? {};
  for (const [i, s] of signatures.entries()) {
    const field = `signatures.${i}`;
    let signer: string;
    try {
      signer = getAddress(s.signer);
    } catch {
      throw new RequestError("APPROVAL_SIGNER_INVALID", `${field}.signer is not an address`, 400, { field: `${field}.signer` });
    }
    let recovered = "";
    try {
      recovered = verifyTypedData(request.domain, request.types, request.message, s.signature);
    } catch {
      recovered = "";
    }
    if (recovered !== signer) {
      throw new RequestError("APPROVAL_SIGNATURE_INVALID", `${field} is not ${signer}'s signature of this decision (round ${request.message.round}, digest ${request.digest})`, 422, {
        field,
        hint: "sign the payload from GET /v1/cases/:caseId/approval-request exactly as given",
      });
    }
    if (!(await ctx.roles.hasScopedRole(roleId(request.role), signer, BigInt(entry.jurisdiction)))) {
      throw new RequestError("APPROVAL_SIGNER_UNAUTHORIZED", `${signer} does not hold ${request.role} over jurisdiction ${entry.jurisdiction} on the ledger`, 422, { field });
    }
    held[signer] = s.signature;
  }
  const signers = Object.keys(held).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
  if (signers.length < request.threshold) {
    await ctx.state.put({ [key]: held });
    return { state: "collecting", signers, threshold: request.threshold };
  }

  const ordered = signers.map((signer) => ({ signer, signature: held[signer]! }));
  try {
    await ctx.chain.cases.decide.staticCall(request.message, ordered);
  } catch (error) {
    if (decodeRevert(error)) throw toAidtrailError(error);
    throw new RequestError("LEDGER_UNAVAILABLE", "the ledger cannot be reached to relay the decision", 503, { hint: "the signatures are kept; post again when the chain is back" });
  }
  // The packet is evidence before it is relayed: a decision on the ledger always has its record.
  const packet = newRecord({
    kind: "approval-packet",
    caseId: entry.caseId,
    jurisdiction: entry.jurisdiction,
    public: { decision: { ...request.message, amount: request.message.amount.toString(), deadline: request.message.deadline.toString() }, digest: request.digest, signatures: ordered },
  });
  await ctx.log.append([packet]);
  await ctx.state.put({ [key]: held });
  const tx = await ctx.chain.cases.decide(request.message, ordered);
  const receipt = await tx.wait();
  await ctx.state.delete(key);
  return { state: "relayed", signers, threshold: request.threshold, transactionHash: receipt!.hash, recordId: packet.recordId };
}
