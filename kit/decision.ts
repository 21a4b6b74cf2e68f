import { concat, keccak256, type TypedDataDomain, type TypedDataField } from "ethers";

/** What officers sign for a review or approval; see `Decision` in contracts/cases/IDecisions.sol. */
export interface Decision {
  caseId: string;
  /** 0 review, 1 approval: `Stage` in the contracts. */
  stage: number;
  approve: boolean;
  recordHash: string;
  amount: bigint;
  householdSize: number;
  round: number;
  deadline: bigint;
}

export const DECISION_TYPES: Record<string, TypedDataField[]> = {
  Decision: [
    { name: "caseId", type: "bytes32" },
    { name: "stage", type: "uint8" },
    { name: "approve", type: "bool" },
    { name: "recordHash", type: "bytes32" },
    { name: "amount", type: "uint64" },
    { name: "householdSize", type: "uint8" },
    { name: "round", type: "uint32" },
    { name: "deadline", type: "uint64" },
  ],
};

/** The EIP-712 domain of a CaseRegistry deployment: its name, version, chain and address. */
export function decisionDomain(chainId: bigint | number, registry: string): TypedDataDomain {
  return { name: "aidtrail CaseRegistry", version: "1", chainId, verifyingContract: registry };
}

/**
 * What a caseworker signs to authorise an application; see `Application` in
 * contracts/cases/ICaseRegistry.sol. The case id is its nonce (a case opens once); it shares the
 * registry's domain with decisions.
 */
export interface ApplicationAuthorisation {
  caseId: string;
  /** `Programme` in the contracts. */
  programme: number;
  /** `Area` in the contracts. */
  area: number;
  jurisdiction: bigint;
  recordHash: string;
  /** `identitiesHash(identityCommitment, household)` of the application's keyed commitments. */
  identities: string;
  deadline: bigint;
}

export const APPLICATION_TYPES: Record<string, TypedDataField[]> = {
  ApplicationAuthorisation: [
    { name: "caseId", type: "bytes32" },
    { name: "programme", type: "uint8" },
    { name: "area", type: "uint8" },
    { name: "jurisdiction", type: "uint64" },
    { name: "recordHash", type: "bytes32" },
    { name: "identities", type: "bytes32" },
    { name: "deadline", type: "uint64" },
  ],
};

/**
 * The `identities` an ApplicationAuthorisation signs: keccak256 of the applicant's commitment,
 * then each household member's, 32 bytes each, in the application's order (CaseRegistry works it
 * out from the application's own fields, so a relayer cannot change who is in the case).
 */
export function identitiesHash(identityCommitment: string, household: readonly string[]): string {
  return keccak256(concat([identityCommitment, ...household]));
}
