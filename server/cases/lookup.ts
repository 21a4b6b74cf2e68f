import { CaseStatus, coversDivision, nameOf, type RoleName } from "../chain/domain.ts";
import type { CaseStatusEntry } from "../sync/indexer.ts";
import type { StateStore } from "../state/state-store.ts";
import { KEYS } from "../state/keys.ts";
import type { CaseEntry, PersonEntry } from "./intake.ts";
import { caseNumberOf } from "./receipts.ts";

/*
 * Finding cases as officers are asked for them: by the number on a receipt, or by a person's
 * resident ID (for a stated purpose, each case found logged as a read of it: see the route).
 */

/** Roles that find cases: those that work on cases, and auditors. */
export const FINDERS: readonly RoleName[] = ["CASEWORKER", "REVIEWER", "APPROVER", "AUDITOR"];

/** A case as officers see it in a list (a worklist, cases found): no personal data, the name masked as a public notice shows it. */
export interface CaseAtGlance {
  caseId: string;
  /** The case number on the citizen's receipt. */
  caseNumber: string;
  jurisdiction: string;
  programme: string;
  name: string;
}

export const atGlance = (e: CaseEntry): CaseAtGlance => ({ caseId: e.caseId, caseNumber: caseNumberOf(e.caseId), jurisdiction: e.jurisdiction, programme: e.programme, name: e.publicName ?? "*" });

/** A case found, with its status as the ledger's index has it (CaseStatus's name), or null if not on the ledger yet. */
export interface FoundCase extends CaseAtGlance {
  status: string | null;
}

type Roles = readonly { role: RoleName; jurisdiction: string }[];

/** The entries an officer finds: those over a jurisdiction one of their finding roles covers, with their status. */
async function found(state: StateStore, roles: Roles, entries: CaseEntry[]): Promise<(FoundCase & { entry: CaseEntry })[]> {
  const theirs = entries.filter((e) => roles.some((r) => FINDERS.includes(r.role) && coversDivision(r.jurisdiction, e.jurisdiction)));
  const statuses = await state.getMany<CaseStatusEntry>(theirs.map((e) => KEYS.index.status(e.caseId)));
  return theirs.map((e, i) => ({ ...atGlance(e), status: statuses[i] ? nameOf(CaseStatus, statuses[i]!.status)! : null, entry: e }));
}

/**
 * The cases of this gateway whose number (the case id's first 16 hex digits, as the receipt prints
 * it) is `caseNumber`, over a jurisdiction one of the officer's finding roles covers. Usually one;
 * a number may begin more than one case id.
 */
export async function casesNumbered(ctx: { state: StateStore }, roles: Roles, caseNumber: string): Promise<FoundCase[]> {
  const prefix = "0x" + caseNumber.toLowerCase();
  const entries = (await ctx.state.list<CaseEntry>(KEYS.casesFrom(prefix))).filter(([key, e]) => key === KEYS.case(e.caseId)).map(([, e]) => e);
  return (await found(ctx.state, roles, entries)).map(({ entry: _, ...c }) => c);
}

/**
 * The cases of this gateway the person of identity commitment `commitment` is in, as applicant
 * or member, over a jurisdiction one of the officer's finding roles covers; with the entries, for
 * the caller to log each read.
 */
export async function casesOfPerson(ctx: { state: StateStore }, roles: Roles, commitment: string): Promise<(FoundCase & { as: PersonEntry["as"]; entry: CaseEntry })[]> {
  const places = (await ctx.state.list<PersonEntry>(KEYS.person(commitment))).map(([, p]) => p);
  const entries = await ctx.state.getMany<CaseEntry>(places.map((p) => KEYS.case(p.caseId)));
  const cases = await found(ctx.state, roles, entries.filter((e): e is CaseEntry => e !== undefined && e !== null));
  return cases.map((c) => ({ ...c, as: places.find((p) => p.caseId === c.caseId)!.as }));
}
