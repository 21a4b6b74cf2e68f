import type { BaseWallet } from "ethers";
import { applicationAuthorisation, applicationRecord, newApplicationEnvelope, type ApplicationEnvelope, type ApplicationInput } from "../../server/records/application.ts";
import { APPLICATION_TYPES, decisionDomain } from "../../server/verify/decision.ts";

/** Where a caseworker's authorisation is valid: the chain and the CaseRegistry (see decisionDomain). */
export interface RegistryDomain {
  chainId: bigint | number | string;
  registry: string;
}

/**
 * The body of `POST /v1/cases` for `fields`: the record built in a fresh envelope (or `envelope`)
 * with `caseworker` as its intake officer (or `officer`, to play one who signs another's), and
 * their signature of its ApplicationAuthorisation until `deadline`, as a client that builds
 * records sends it.
 */
export async function signedApplication(
  fields: ApplicationInput,
  caseworker: BaseWallet,
  domain: RegistryDomain,
  deadline: bigint,
  { envelope = newApplicationEnvelope(), officer = caseworker.address }: { envelope?: ApplicationEnvelope; officer?: string } = {},
) {
  const record = applicationRecord(fields, envelope, officer);
  const signature = await caseworker.signTypedData(decisionDomain(BigInt(domain.chainId), domain.registry), APPLICATION_TYPES, applicationAuthorisation(fields, record, deadline));
  return { ...fields, envelope, deadline: deadline.toString(), signature };
}
