import { TypedDataEncoder, type TypedDataDomain, type TypedDataField } from "ethers";
import { DECISION_TYPES, type Decision } from "../kit/decision.ts";
import { CliError, signIn } from "./gateway-client.ts";
import { openKeystore } from "./keystore.ts";
import { yuan } from "../kit/amounts.ts";
import { confirmed } from "./options.ts";
import type { DecisionOptions } from "./sign-decision.ts";
import { checkDecisionDomain, trustedChain } from "./trusted-chain.ts";

interface DecisionRequest {
  domain: TypedDataDomain;
  types: Record<string, TypedDataField[]>;
  primaryType: string;
  message: Record<keyof Decision, string | number | boolean>;
  digest: string;
  role: string;
  threshold: number;
  /** Who has signed this decision so far, at the gateway. */
  signers: string[];
}

interface Collected {
  state: "collecting" | "relayed";
  signers: string[];
  threshold: number;
  transactionHash?: string;
}

/**
 * The gateway is not trusted with what is signed: the payload must be a Decision of the known
 * type, about this case, and its digest must be the one computed here from what is shown.
 */
function checkPayload(request: DecisionRequest, caseId: string): void {
  if (request.primaryType !== "Decision" || JSON.stringify(request.types) !== JSON.stringify(DECISION_TYPES)) {
    throw new CliError("PAYLOAD_UNEXPECTED", "the gateway asked to sign something other than an aidtrail Decision; nothing was signed", "report this gateway to your supervisor");
  }
  if (request.message.caseId !== caseId) throw new CliError("PAYLOAD_UNEXPECTED", `the gateway asked to sign a decision on case ${request.message.caseId}, not ${caseId}; nothing was signed`, "report this gateway to your supervisor");
  if (TypedDataEncoder.hash(request.domain, request.types, request.message) !== request.digest) {
    throw new CliError("PAYLOAD_UNEXPECTED", "the digest the gateway gave is not the digest of the payload it showed; nothing was signed", "report this gateway to your supervisor");
  }
}

function plainWords(request: DecisionRequest, signer: string): string {
  const m = request.message;
  const stage = Number(m.stage) === 0 ? "review" : "approval";
  const verdict = !m.approve ? `REJECT the case at ${stage}` : stage === "review" ? "PASS the case on to approval" : `APPROVE ${yuan(String(m.amount))} yuan a month for a household of ${m.householdSize}`;
  return [
    `You are about to sign, as ${signer} (${request.role}), for case ${m.caseId}:`,
    `  decision     ${verdict}`,
    `  application  the revision with hash ${m.recordHash}`,
    `  round        ${m.round}`,
    `  valid until  ${new Date(Number(m.deadline) * 1000).toISOString()}`,
    `  ledger       chain ${request.domain.chainId}, case registry ${request.domain.verifyingContract}`,
    `  needed       ${request.threshold} signature(s) of ${request.role}`,
    `  signed by    ${(request.signers ?? []).length === 0 ? "nobody yet" : request.signers.join(", ")}`,
    "",
  ].join("\n");
}

/**
 * Signs the review or approval the gateway asks for on `caseId`, once it is shown in plain words
 * and checked against the trusted chain, and hands the signature to the gateway.
 */
export async function signApproval(caseId: string, options: DecisionOptions): Promise<void> {
  if (!/^0x[0-9a-f]{64}$/.test(caseId)) throw new CliError("REQUEST_INVALID", `${caseId} is not a case id`, "give the case id from the receipt or the case list: 0x and 64 lower-case hex digits");
  // The domain signed over must be the case registry of the deployment the officer trusts, on the chain it is on.
  const chain = await trustedChain(options);
  chain.provider.destroy();
  const officer = await openKeystore(options.keystore);
  const session = await signIn(options.gateway, officer);
  // Terms left out are those of the decision being collected, if one is: officers who sign apart sign the same message.
  const query = new URLSearchParams({ hours: options.hours, ...(options.reject ? { approve: "false" } : {}), ...(options.amount ? { amount: options.amount } : {}), ...(options.householdSize ? { householdSize: options.householdSize } : {}) });
  const request = await session.call<DecisionRequest>(`/v1/cases/${caseId}/decision-request?${query}`);
  checkPayload(request, caseId);
  checkDecisionDomain(chain, request.domain);
  process.stdout.write(plainWords(request, officer.address));
  if (!options.yes && !(await confirmed())) throw new CliError("NOT_SIGNED", "nothing was signed", "run again and answer y, or pass --yes");
  const signature = await officer.signTypedData(request.domain, request.types, request.message);
  const collected = await session.call<Collected>(`/v1/cases/${caseId}/decisions`, {
    method: "POST",
    body: { decision: request.message, signatures: [{ signer: officer.address, signature }] },
  });
  process.stdout.write(
    collected.state === "relayed"
      ? `signed and relayed: ${collected.signers.length} of ${collected.threshold} signatures; the ledger took the decision in transaction ${collected.transactionHash}\n`
      : `signed: ${collected.signers.length} of ${collected.threshold} signatures so far; the decision is relayed when the rest have signed\n`,
  );
}
