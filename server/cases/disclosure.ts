import { hexlify } from "ethers";
import { coversDivision, type RoleName } from "../chain/domain.ts";
import type { RecordLog, StoredCheckpoint } from "../log/record-log.ts";
import { disclosureRecord } from "../records/kinds/access-log.ts";
import { newRecord, type AidRecord } from "../records/record.ts";
import type { StateStore } from "../state/state-store.ts";
import { KEYS } from "../state/keys.ts";
import { AidtrailError } from "../../kit/errors.ts";
import { fieldSalt, loggedRecord, type DisclosedRecord } from "../../kit/record.ts";
import { readResidentId } from "../../kit/resident-id.ts";
import type { CaseEntry } from "./intake.ts";
import type { HealthEntry } from "../records/kinds/application.ts";
import { latestApplication } from "./revision.ts";

/*
 * Disclosure for a purpose: named groups of an application's personal fields, for named cases,
 * each with its own salt so the reader checks it against the commitment the log anchored. Every
 * disclosure is logged, a record per case and group, before anything is answered.
 */

const CASE_OFFICERS = ["CASEWORKER", "REVIEWER", "APPROVER", "AUDITOR"] as const satisfies readonly RoleName[];

/** The groups of an application's personal fields disclosed together, and the roles over the case that may ask for each (docs/records.md). */
export const FIELD_GROUPS = {
  identity: { fields: ["applicant"], roles: CASE_OFFICERS },
  household: { fields: ["household"], roles: CASE_OFFICERS },
  // Disabilities and illnesses: always of a special category, so also SPECIAL_CATEGORY_READER's.
  health: { fields: ["health"], roles: CASE_OFFICERS },
  means: { fields: ["monthlyIncome", "assets"], roles: CASE_OFFICERS },
  // Where payments go: also the finance officer's, who checks a payment, and not the reviewer's.
  bankAccount: { fields: ["bankAccount"], roles: ["CASEWORKER", "APPROVER", "FINANCE_OFFICER", "AUDITOR"] },
} as const satisfies Record<string, { fields: readonly string[]; roles: readonly RoleName[] }>;
export type FieldGroup = keyof typeof FIELD_GROUPS;
export const FIELD_GROUP_NAMES = Object.keys(FIELD_GROUPS) as FieldGroup[];

/** The role that, beside a role of the group, discloses personal data of a special category. */
export const SPECIAL_CATEGORY_ROLE: RoleName = "SPECIAL_CATEGORY_READER";

/** A child is a person under 18 (the Law on the Protection of Minors). */
const ADULT_AT = 18;

export interface DisclosureRequest {
  /** The signed-in officer. */
  reader: string;
  /** Every role the reader holds on the ledger, with its jurisdiction (rolesOf). */
  roles: readonly { role: RoleName; jurisdiction: string }[];
  /** One of the documented purposes, checked by the caller. */
  purpose: string;
  cases: readonly string[];
  groups: readonly FieldGroup[];
  /** The gateway's county: a case it never took in is refused as one over the county. */
  county: string;
  /** The time of the read, by the gateway's clock. */
  at: Date;
}

/** A case's current application record, its asked-for groups disclosed, with the proof of its leaf. */
export interface DisclosedCase {
  caseId: string;
  record: DisclosedRecord;
  leafIndex: number;
  leafHash: string;
  proof: string[] | null;
  /** Each group disclosed and the special categories of data in it. */
  groups: { group: FieldGroup; specialCategories: string[] }[];
}

export interface Disclosure {
  purpose: string;
  cases: DisclosedCase[];
  /** The latest anchored checkpoint, which each proof leads to. */
  checkpoint: StoredCheckpoint | null;
}

const refuse = (code: string, message: string, field: string, hint: string, zh: { message: string; hint: string }): never => {
  throw new AidtrailError(code, message, { kind: "forbidden", field, hint, zh });
};

/** The groups' names as officers read them in Chinese. */
const GROUP_NAMES_ZH: Record<FieldGroup, string> = { identity: "身份信息", household: "家庭成员信息", health: "健康状况", means: "收入和财产", bankAccount: "收款账户" };

/** The special categories of personal data (PIPL art. 28), as the access log names them and officers read them in Chinese. */
const CATEGORY_NAMES_ZH = { children: "未成年人信息", disability: "残疾人信息", medical: "医疗健康信息" } as const;
type SpecialCategory = keyof typeof CATEGORY_NAMES_ZH;

/** Whether a person of this resident ID is under 18 at `at`. */
function isChild(residentId: unknown, at: Date): boolean {
  const read = readResidentId(String(residentId));
  if ("problem" in read) return false;
  const [year, month, day] = [read.id.slice(6, 10), read.id.slice(10, 12), read.id.slice(12, 14)].map(Number);
  return Date.UTC(year! + ADULT_AT, month! - 1, day!) > at.getTime();
}

/**
 * The special categories of personal data a group of this record holds: children's, where a person
 * of it is under 18; a disabled person's and medical details, where its health entries give them.
 */
function specialCategories(record: AidRecord, group: FieldGroup, at: Date): SpecialCategory[] {
  if (group === "health") {
    const entries = (record.personal.health as HealthEntry[] | undefined) ?? [];
    return [...(entries.some((e) => e.disability) ? (["disability"] as const) : []), ...(entries.some((e) => e.illness) ? (["medical"] as const) : [])];
  }
  const people =
    group === "identity" ? [record.personal.applicant] : group === "household" ? ((record.personal.household as unknown[] | undefined) ?? []) : [];
  return people.some((person) => isChild((person as { residentId?: unknown } | undefined)?.residentId, at)) ? ["children"] : [];
}

/**
 * Discloses the asked-for groups of each case's current application, or refuses the whole request
 * and logs nothing: a case the reader has no role over (the same refusal whether it exists or not),
 * a group none of their roles over the case discloses, a group holding a special category of data
 * without SPECIAL_CATEGORY_READER over the case. What is disclosed is logged, an access-log record
 * per case and group, in one synced append before this returns: an answer is never given unlogged,
 * and a crash after the append leaves the records of a disclosure its reader never got.
 */
export async function disclose(ctx: { state: StateStore; log: RecordLog }, request: DisclosureRequest): Promise<Disclosure> {
  const opened: { entry: CaseEntry; record: AidRecord; leafIndex: number; roles: RoleName[]; groups: { group: FieldGroup; specialCategories: string[] }[] }[] = [];
  for (const [i, caseId] of request.cases.entries()) {
    const entry = await ctx.state.get<CaseEntry>(KEYS.case(caseId));
    const held = [...new Set(request.roles.filter((r) => coversDivision(r.jurisdiction, entry?.jurisdiction ?? request.county)).map((r) => r.role))];
    const disclosing = held.filter((role) => FIELD_GROUP_NAMES.some((g) => (FIELD_GROUPS[g].roles as readonly RoleName[]).includes(role)));
    if (disclosing.length === 0) {
      refuse("FORBIDDEN_ROLE", `account ${request.reader} holds no role over the case's jurisdiction that discloses personal data (case ${caseId})`, `cases.${i}`, "ask governance for the role, or sign in with the account that holds it", {
        message: `您的账户在该案件所属辖区没有可查阅个人信息的角色（案件 ${caseId}）`,
        hint: "请向管理部门申请相应角色，或用持有该角色的账户登录",
      });
    }
    if (!entry) throw new AidtrailError("CASE_NOT_FOUND", `no case ${caseId} was taken in at this gateway`, { kind: "not-found", field: `cases.${i}` });
    request.groups.forEach((group, j) => {
      const allowed = FIELD_GROUPS[group].roles as readonly RoleName[];
      if (!held.some((role) => allowed.includes(role))) {
        refuse("DISCLOSURE_ROLE_MISSING", `your roles over case ${caseId} (${disclosing.join(", ")}) do not disclose its ${group}: that needs ${allowed.join(" or ")}`, `groups.${j}`, "ask only for the groups your work needs, or for the role that discloses this one", {
          message: `您在该案件上的角色不能查阅其${GROUP_NAMES_ZH[group]}（需要 ${allowed.join(" 或 ")}）`,
          hint: "只查阅工作需要的信息，或申请可查阅该信息的角色",
        });
      }
    });
    const { record, leafIndex } = await latestApplication(ctx.log, entry);
    opened.push({
      entry,
      record,
      leafIndex,
      roles: held,
      groups: request.groups.map((group, j) => {
        const categories = specialCategories(record, group, request.at);
        if (categories.length > 0 && !held.includes(SPECIAL_CATEGORY_ROLE)) {
          refuse("DISCLOSURE_SPECIAL_CATEGORY", `the ${group} of case ${caseId} holds personal data of a special category (${categories.join(", ")}): disclosing it needs ${SPECIAL_CATEGORY_ROLE} over the case's jurisdiction as well`, `groups.${j}`, "ask an officer who holds that role, or ask for the other groups only", {
            message: `该案件的${GROUP_NAMES_ZH[group]}含${categories.map((c) => CATEGORY_NAMES_ZH[c]).join("、")}，属于敏感个人信息，还需要在该辖区持有 ${SPECIAL_CATEGORY_ROLE} 角色才能查阅`,
            hint: "请由持有该角色的人员查阅，或只查阅其他信息",
          });
        }
        return { group, specialCategories: categories };
      }),
    });
  }
  const at = request.at.toISOString();
  await ctx.log.append(
    opened.flatMap(({ entry, record, roles, groups }) =>
      groups.map(({ group, specialCategories }) =>
        newRecord({
          ...disclosureRecord(entry, { reader: request.reader, roles, recordId: record.recordId, revision: record.revision, group, fields: present(record, group), specialCategories, purpose: request.purpose, at }),
          createdAt: at,
        }, ctx.log.suite),
      ),
    ),
  );
  // Every proof to one checkpoint, the latest anchored, read once.
  const checkpoint = await ctx.log.latestAnchored();
  const cases = await Promise.all(
    opened.map(async ({ entry, record, leafIndex, groups }) => ({
      caseId: entry.caseId,
      ...(await disclosed(ctx.log, record, leafIndex, groups.flatMap(({ group }) => present(record, group)), checkpoint)),
      groups,
    })),
  );
  return { purpose: request.purpose, checkpoint, cases };
}

/**
 * What a reader holding `roles` over a record's case sees of it in a read of the whole record (the
 * case view): every personal field but those of a group that holds a special category of data,
 * unless they also hold SPECIAL_CATEGORY_READER; and what was withheld, and why.
 */
export function readableFields(record: AidRecord, roles: readonly RoleName[], at: Date): { fields: string[]; withheld: { field: string; specialCategories: string[] }[] } {
  const withheld = roles.includes(SPECIAL_CATEGORY_ROLE)
    ? []
    : FIELD_GROUP_NAMES.flatMap((group) => {
        const categories = specialCategories(record, group, at);
        return categories.length > 0 ? present(record, group).map((field) => ({ field, specialCategories: categories })) : [];
      });
  return { fields: Object.keys(record.personal).filter((field) => !withheld.some((w) => w.field === field)), withheld };
}

/** A record as logged with `fields` (all its personal fields unless named) disclosed, each with its own salt: never the record's salt, which would open every commitment. */
export function disclosedRecord(record: AidRecord, fields: readonly string[] = Object.keys(record.personal)): DisclosedRecord {
  return { ...loggedRecord(record), personal: Object.fromEntries(fields.map((f) => [f, record.personal[f]])), salts: Object.fromEntries(fields.map((f) => [f, fieldSalt(record.suite, record.salt, f)])) };
}

/** A record as logged with `fields` disclosed, and its leaf's proof to `checkpoint` (none while the leaf waits for anchoring). */
async function disclosed(log: RecordLog, record: AidRecord, leafIndex: number, fields: readonly string[], checkpoint: StoredCheckpoint | null) {
  const anchored = checkpoint !== null && leafIndex < checkpoint.treeSize;
  return {
    record: disclosedRecord(record, fields),
    leafIndex,
    leafHash: hexlify(await log.leafHash(leafIndex)),
    proof: anchored ? (await log.inclusionProof(leafIndex, checkpoint.treeSize)).map((node) => hexlify(node)) : null,
  };
}

/** A read of a case's personal data, as the citizen sees it: when, by whom in which roles, what, and why. */
export interface Reading {
  at: string;
  reader: string;
  roles: string[];
  purpose: string;
  /** The group of fields disclosed; none for a read of the whole record (the case view, a revision's draft). */
  group: string | null;
  fields: string[];
  specialCategories: string[];
}

/**
 * What the citizen whose receipt opens `entry` sees of their own application: every personal
 * field of its current record, each with its salt, and who has read their data, from the access
 * log, oldest first.
 */
export async function ownRecord(ctx: { log: RecordLog }, entry: CaseEntry): Promise<Awaited<ReturnType<typeof disclosed>> & { checkpoint: StoredCheckpoint | null; readings: Reading[] }> {
  const { record, leafIndex } = await latestApplication(ctx.log, entry);
  const checkpoint = await ctx.log.latestAnchored();
  const readings: Reading[] = [];
  for (const index of await ctx.log.caseLeafIndexes(entry.caseId)) {
    // Access-log records hold no personal field: their plain part is all of them.
    const stored = await ctx.log.stored(index);
    if (stored.kind !== "access-log") continue;
    const read = stored.public as Partial<Reading>;
    readings.push({ at: String(read.at ?? stored.createdAt), reader: String(read.reader), roles: read.roles ?? [], purpose: String(read.purpose), group: read.group ?? null, fields: read.fields ?? [], specialCategories: read.specialCategories ?? [] });
  }
  return { ...(await disclosed(ctx.log, record, leafIndex, Object.keys(record.personal), checkpoint)), checkpoint, readings };
}

/** The fields of a group the record holds (an application may lack its assets or bank account). */
const present = (record: AidRecord, group: FieldGroup): string[] => FIELD_GROUPS[group].fields.filter((f) => f in record.personal);
