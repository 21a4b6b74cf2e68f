import { AidtrailError } from "../../kit/errors.ts";
import { IdentityError } from "./errors.ts";
import { hashKey, keyedHashHex, type HashKey } from "./keyed-hash.ts";
import type { Suite } from "../../kit/record.ts";
import { readResidentId } from "../../kit/resident-id.ts";

/**
 * The canonical form of an 18-character resident identity number (see readResidentId): two
 * spellings of one ID give one identity commitment; an ID that is not valid is refused.
 */
export function normaliseResidentId(input: string): string {
  if (typeof input !== "string") throw new IdentityError("the resident ID must be a string of 18 characters");
  const read = readResidentId(input);
  if ("problem" in read) throw new IdentityError(read.problem.en, read.problem.zh);
  return read.id;
}

/** The identity key the gateways of one deployment share, of at least 32 bytes, for the keyed hash of its suite. */
export function identityKey(bytes: Uint8Array, suite: Suite): HashKey {
  if (bytes.length < 32) throw new IdentityError("the identity key must be at least 32 bytes");
  return hashKey(bytes, suite);
}

/**
 * The on-chain identity commitment: the keyed hash (HMAC-SHA-256 or HMAC-SM3) of the normalised
 * resident ID under the identity key. Without the key, the commitment confirms no guess.
 */
export function identityCommitment(key: HashKey, residentId: string): string {
  return commitmentOf(key, normaliseResidentId(residentId));
}

const commitmentOf = (key: HashKey, normalisedId: string): string => "0x" + keyedHashHex(key, normalisedId);

/**
 * The identity commitments of an application: the applicant's and each household member's, in
 * the order listed. Every resident ID is validated as the applicant's is, the error naming its
 * field; a household that lists the applicant, or one person twice, is refused
 * (HOUSEHOLD_MEMBER_REPEATED), as the ledger would refuse it (ApplicationHouseholdRepeated), since
 * the household's size raises what the case may be paid. Each entry of `health` must be of the
 * applicant or a member listed, once (HEALTH_PERSON_UNKNOWN, HEALTH_PERSON_REPEATED).
 */
export function householdCommitments(
  key: HashKey,
  applicant: { residentId: string },
  household: readonly { residentId: string }[],
  health: readonly { residentId: string }[] = [],
): { applicant: string; household: string[] } {
  const ids = [applicant, ...household].map((person, i) => {
    const field = i === 0 ? "applicant.residentId" : `household.${i - 1}.residentId`;
    try {
      return normaliseResidentId(person.residentId);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
      const zh = error.details.zh && { message: i === 0 ? `申请人${error.details.zh.message}` : `第 ${i} 位家庭成员${error.details.zh.message}`, hint: error.details.zh.hint };
      throw new AidtrailError("IDENTITY_INVALID", i === 0 ? error.message : `household member ${i}: ${error.message}`, { field, hint: error.hint, ...(zh && { zh }) }, error);
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
  const described = new Set<string>();
  health.forEach((entry, i) => {
    let id: string | undefined;
    try {
      id = normaliseResidentId(entry.residentId);
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error;
    }
    if (id === undefined || !seen.has(id)) {
      throw new AidtrailError("HEALTH_PERSON_UNKNOWN", `health entry ${i + 1} is of resident ID ${entry.residentId}, which is neither the applicant's nor a listed member's`, {
        kind: "invalid",
        field: `health.${i}.residentId`,
        hint: "give the resident ID of the applicant or of a member listed in the household",
        zh: { message: `第 ${i + 1} 条健康状况的身份证号既不是申请人的，也不是所列家庭成员的`, hint: "请填写申请人或所列家庭成员的身份证号" },
      });
    }
    if (described.has(id)) {
      throw new AidtrailError("HEALTH_PERSON_REPEATED", `health entry ${i + 1} is of a person an earlier entry describes: each person's health is one entry`, {
        field: `health.${i}.residentId`,
        hint: "put the person's disability and illness in one entry",
        zh: { message: `第 ${i + 1} 条健康状况所指的人前面已经填写过`, hint: "同一人的残疾和疾病情况请写在一条里" },
      });
    }
    described.add(id);
  });
  return { applicant: commitmentOf(key, ids[0]!), household: ids.slice(1).map((id) => commitmentOf(key, id)) };
}
