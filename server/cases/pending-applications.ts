import { AidtrailError } from "../../kit/errors.ts";

/**
 * submitApplication's arguments, as intake owes them in the outbox: an Application's fields in
 * order (see APPLICATION_FIELDS): caseId, programme, …, identityCommitment, household, ….
 */
type ApplicationArguments = readonly unknown[];

/** The ledger keeps one open case per identity commitment and programme, for applicants and household members alike. */
const peopleOf = (args: ApplicationArguments) => [args[5], ...((args[6] as unknown[] | undefined) ?? [])].map((commitment) => `${String(commitment)}:${Number(args[1])}`);

/**
 * Applications taken in whose case the ledger does not hold yet, by the people and programme the
 * ledger keeps one open case for: the applicant and every household member. A dry run sees only
 * the chain, so two applications naming one person made at once, or one made before the first
 * reached the ledger, would both pass it and the second be refused only when relayed, after the
 * citizen had a receipt: intake claims the people here once its checks have passed and before it
 * writes, and the claim is freed once the ledger has answered.
 *
 * It also holds the case ids of intakes under way, so that one signed application sent twice at
 * once is taken in once (its case id is the signature's nonce; see intakeCase).
 */
export class PendingApplications {
  readonly #cases = new Map<string, string>();
  readonly #underWay = new Set<string>();

  /** Claims the application's people for its case; refuses, as the ledger would, while another case holds one of them, claiming none. */
  claim(args: ApplicationArguments): void {
    const caseId = String(args[0]);
    const people = peopleOf(args);
    people.forEach((person, i) => {
      const holder = this.#cases.get(person);
      if (holder !== undefined && holder !== caseId) {
        const who = i === 0 ? "this person" : `household member ${i}`;
        throw new AidtrailError("LEDGER_CASE_IDENTITY_ALREADY_OPEN", `${who} already has an application for this programme on its way to the ledger: case ${holder}`, {
          ...(i === 0 ? {} : { field: `household.${i - 1}.residentId` }),
          hint: "continue that case; apply again only if the ledger refuses it",
        });
      }
    });
    for (const person of people) this.#cases.set(person, caseId);
  }

  /** Frees the claims of an application refused before it was written, or that the ledger has answered; a no-op for a case that holds none. */
  release(args: ApplicationArguments): void {
    for (const person of peopleOf(args)) if (this.#cases.get(person) === args[0]) this.#cases.delete(person);
  }

  /** Marks an intake of `caseId` under way, or refuses a second while one is (see finish). */
  start(caseId: string): void {
    if (this.#underWay.has(caseId)) {
      throw new AidtrailError("LEDGER_CASE_ALREADY_EXISTS", `case ${caseId} is being taken in already: a signed application opens its case once`, {
        field: "envelope.caseId",
        hint: "wait for the first request's answer; a new application needs a new case id and signature",
      });
    }
    this.#underWay.add(caseId);
  }

  /** Ends an intake started with start, taken in or refused. */
  finish(caseId: string): void {
    this.#underWay.delete(caseId);
  }
}
