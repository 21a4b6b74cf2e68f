import { AidtrailError } from "../../kit/errors.ts";
import { householdCommitments, identityCommitment } from "../records/identity.ts";
import type { HashKey } from "../records/keyed-hash.ts";
import type { RecordLog } from "../log/record-log.ts";
import type { AidRecord } from "../records/record.ts";

/** A case's application record as it stands: its latest revision, its personal fields opened, and its leaf. Only that revision is read. */
export async function latestApplication(log: RecordLog, entry: { recordId: string }): Promise<{ record: AidRecord; leafIndex: number }> {
  const leafIndex = (await log.revisionIndexes(entry.recordId)).at(-1)!;
  return { record: await log.record(leafIndex), leafIndex };
}

interface People {
  applicant: { residentId: string };
  household: readonly { residentId?: string }[];
}

/** What a revision tells the ledger of the people of a case (see the contract's Revision). */
export interface HouseholdChange {
  /** The applicant's commitment: the case's, or the revision is refused. */
  identityCommitment: string;
  /** Commitments of members in the revised household and not in the last one. */
  joined: string[];
  /** Commitments of members in the last household and not in the revised one. */
  left: string[];
}

/** The commitments of the last revision's members, as the ledger took them: not judged again. */
function recordedMembers(identityKey: HashKey, household: People["household"]): Set<string> {
  return new Set(
    household.flatMap((member) => {
      try {
        return member.residentId === undefined ? [] : [identityCommitment(identityKey, member.residentId)];
      } catch {
        return [];
      }
    }),
  );
}

/**
 * The ledger's view of a revision, from the last revision's people and the revised ones. The
 * revised household is checked as at intake (every resident ID valid, no one listed twice: see
 * householdCommitments). The applicant never changes (another person applies with an application
 * of their own): a revised applicant whose resident ID is not the case's is refused here, before
 * the chain is asked, with REVISION_IDENTITY_CHANGED. Name, phone or address may be corrected.
 */
export function householdChange(identityKey: HashKey, before: People, after: { applicant: { residentId: string }; household: readonly { residentId: string }[]; health?: readonly { residentId: string }[] }): HouseholdChange {
  const revised = householdCommitments(identityKey, after.applicant, after.household, after.health);
  const caseApplicant = identityCommitment(identityKey, before.applicant.residentId);
  if (revised.applicant !== caseApplicant) {
    throw new AidtrailError("REVISION_IDENTITY_CHANGED", "the revised applicant's resident ID is not the case's: a revision never changes the applicant", {
      kind: "refused",
      field: "applicant.residentId",
      hint: "correct the applicant's other details here; another person applies with an application of their own",
    });
  }
  const old = recordedMembers(identityKey, before.household);
  old.delete(caseApplicant);
  const now = new Set(revised.household);
  return { identityCommitment: caseApplicant, joined: [...now].filter((c) => !old.has(c)), left: [...old].filter((c) => !now.has(c)) };
}
