import type { BaseWallet } from "ethers";
import { applicationAuthorisation, applicationRecord, newApplicationEnvelope, type ApplicationEnvelope, type ApplicationInput } from "../../server/records/kinds/application.ts";
import { identityCommitment, identityKey } from "../../server/records/identity.ts";
import type { Suite } from "../../kit/record.ts";
import { APPLICATION_TYPES, decisionDomain, identitiesHash } from "../../kit/decision.ts";

/** The gateway an application is signed for: its chain and CaseRegistry (see decisionDomain), and the identity key it computes commitments with. */
export interface IntakeGateway {
  deployment: { chainId: bigint | number | string; suite: Suite; contracts: { caseRegistry: string } };
  env: { AIDTRAIL_IDENTITY_KEY: string };
}

/**
 * The `identities` of an application of `applicant` and `household`, as `at` computes them: the
 * hash of each person's keyed commitment, the applicant first, the members in the order given.
 */
export function identitiesOf(at: IntakeGateway, applicant: { residentId: string }, household: readonly { residentId: string }[]): string {
  const key = identityKey(Buffer.from(at.env.AIDTRAIL_IDENTITY_KEY, "base64"), at.deployment.suite);
  return identitiesHash(identityCommitment(key, applicant.residentId), household.map((member) => identityCommitment(key, member.residentId)));
}

/**
 * The body of `POST /v1/cases` for `fields`: the record built in a fresh envelope (or `envelope`)
 * with `caseworker` as its intake officer (or `officer`, to play one who signs another's), and
 * their signature of its ApplicationAuthorisation until `deadline`, as a client that builds
 * records sends it, having had the commitments of the gateway (computed here with its key). A test
 * may sign other `identities` (another household's, or any value where the gateway refuses the
 * resident IDs before it looks at the signature).
 */
export async function signedApplication(
  fields: ApplicationInput,
  caseworker: BaseWallet,
  at: IntakeGateway,
  deadline: bigint,
  { envelope = newApplicationEnvelope(), officer = caseworker.address, identities }: { envelope?: ApplicationEnvelope; officer?: string; identities?: string } = {},
) {
  const record = applicationRecord(fields, envelope, officer, at.deployment.suite);
  const signed = identities ?? identitiesOf(at, fields.applicant, fields.household);
  const domain = decisionDomain(BigInt(at.deployment.chainId), at.deployment.contracts.caseRegistry);
  const signature = await caseworker.signTypedData(domain, APPLICATION_TYPES, applicationAuthorisation(fields, record, signed, deadline));
  return { ...fields, envelope, deadline: deadline.toString(), signature };
}
