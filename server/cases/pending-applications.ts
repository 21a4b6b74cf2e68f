import { AidtrailError } from "../verify/errors.ts";

/** submitApplication's arguments, as intake owes them in the outbox: caseId, programme, area, jurisdiction, record hash, identity commitment. */
type ApplicationArguments = readonly unknown[];

/** The ledger keeps one open case per identity commitment and programme. */
const personOf = (args: ApplicationArguments) => `${String(args[5])}:${Number(args[1])}`;

/**
 * Applications taken in whose case the ledger does not hold yet, by the person and programme the
 * ledger keeps one open case for. A dry run sees only the chain, so two applications of one
 * person made at once, or one made before the first reached the ledger, would both pass it and
 * the second be refused only when relayed, after the citizen had a receipt: intake claims the
 * person here once its checks have passed and before it writes, and the claim is freed once the
 * ledger has answered.
 */
export class PendingApplications {
  readonly #cases = new Map<string, string>();

  /** Claims the applicant for a new case; refuses, as the ledger would, while another case holds them. */
  claim(args: ApplicationArguments): void {
    const person = personOf(args);
    const holder = this.#cases.get(person);
    if (holder !== undefined && holder !== args[0]) {
      throw new AidtrailError("LEDGER_CASE_IDENTITY_ALREADY_OPEN", `this person already has an application for this programme on its way to the ledger: case ${holder}`, {
        hint: "continue that case; apply again only if the ledger refuses it",
      });
    }
    this.#cases.set(person, String(args[0]));
  }

  /** Frees the claim of an application refused before it was written, or that the ledger has answered; a no-op for a case that holds no claim. */
  release(args: ApplicationArguments): void {
    const person = personOf(args);
    if (this.#cases.get(person) === args[0]) this.#cases.delete(person);
  }
}
