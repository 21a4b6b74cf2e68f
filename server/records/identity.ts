import { AidtrailError } from "../../kit/errors.ts";
import { IdentityError } from "./errors.ts";
import { hmacSha256Hex } from "./keyed-hash.ts";

/** GB 11643-1999: weights of the first 17 digits, and the check character for each sum mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/** The GB 11643 check character of the first 17 digits of a resident ID. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/**
 * The canonical form of an 18-character resident identity number: full-width characters folded
 * (NFKC), spaces and hyphens removed, a trailing x upper-cased; then its structure, birth date and
 * check character are validated. Two spellings of one ID give one identity commitment.
 */
export function normaliseResidentId(input: string): string {
  if (typeof input !== "string") throw new IdentityError("the resident ID must be a string of 18 characters");
  const id = input.normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) {
    throw new IdentityError(`the resident ID must be 17 digits and a digit or X; got ${id.length} characters`);
  }
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day || birth.getTime() > Date.now()) {
    throw new IdentityError("the resident ID's birth date (characters 7 to 14) is not a real past date");
  }
  if (checkCharacter(id) !== id[17]) {
    throw new IdentityError("the resident ID's check character does not match: a character was mistyped");
  }
  return id;
}

/**
 * The on-chain identity commitment: HMAC-SHA-256 of the normalised resident ID under the key the
 * gateways of one deployment share. Without the key, the commitment confirms no guess.
 */
export function identityCommitment(key: Uint8Array, residentId: string): string {
  return commitmentOf(key, normaliseResidentId(residentId));
}

function commitmentOf(key: Uint8Array, normalisedId: string): string {
  if (key.length < 32) throw new IdentityError("the identity key must be at least 32 bytes");
  return "0x" + hmacSha256Hex(key, normalisedId);
}

/**
 * The identity commitments of an application: the applicant's and each household member's, in
 * the order listed. Every resident ID is validated as the applicant's is, the error naming its
 * field; a household that lists the applicant, or one person twice, is refused
 * (HOUSEHOLD_MEMBER_REPEATED), as the ledger would refuse it (ApplicationHouseholdRepeated), since
 * the household's size raises what the case may be paid.
 */
export function householdCommitments(key: Uint8Array, applicant: { residentId: string }, household: readonly { residentId: string }[]): { applicant: string; household: string[] } {
  const ids = [applicant, ...household].map((person, i) => {
    const field = i === 0 ? "applicant.residentId" : `household.${i - 1}.residentId`;
    try {
      return normaliseResidentId(person.residentId);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      throw new AidtrailError("IDENTITY_INVALID", i === 0 ? error.message : `household member ${i}: ${error.message}`, { field, hint: error.hint });
    }
  });
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    const first = seen.get(id);
    if (first !== undefined) {
      throw new AidtrailError("HOUSEHOLD_MEMBER_REPEATED", `household member ${i} has the resident ID of ${first === 0 ? "the applicant" : `household member ${first}`}: each person is listed once, and the applicant not among the other members`, {
        field: `household.${i - 1}.residentId`,
        hint: "remove the repeated member; the household's size is the applicant and the members listed",
      });
    }
    seen.set(id, i);
  });
  return { applicant: commitmentOf(key, ids[0]!), household: ids.slice(1).map((id) => commitmentOf(key, id)) };
}
