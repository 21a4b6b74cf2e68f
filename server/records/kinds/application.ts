import { hexlify } from "ethers";
import { Area, PROGRAMME_TABLE, type ProgrammeName } from "../../chain/domain.ts";
import type { ApplicationAuthorisation } from "../../../kit/decision.ts";
import { recordHash, type Suite } from "../../../kit/record.ts";
import { randomBytesFromPool } from "../random-pool.ts";
import { newRecord, newRecordId, type AidRecord } from "../record.ts";
import { shaped, type BuiltRecord, type RecordShape } from "./shape.ts";

/** An application and each of its revisions: who took it in or revised it, and why; the people, their health, income, assets and bank account sealed. */
export const APPLICATION = {
  kind: "application",
  public: ["programme", "area", "householdSize", "documents", "intakeOfficer", "revisedBy", "reason"],
  personal: ["applicant", "household", "health", "monthlyIncome", "assets", "bankAccount"],
} as const satisfies RecordShape;

/** The categories of disability of a disability certificate (残疾人证, GB/T 26341): seeing, hearing, speech, physical, intellectual, mental, multiple. */
export const DISABILITY_CATEGORIES = ["visual", "hearing", "speech", "physical", "intellectual", "mental", "multiple"] as const;

/**
 * What a household's health adds to its need (a person with a disability certificate, or a serious
 * or chronic illness): data of special categories, disclosed only to SPECIAL_CATEGORY_READER.
 */
export interface HealthEntry {
  /** Whose: the applicant's or a listed member's resident ID. */
  residentId: string;
  /** The certificate's category and grade, 1 (most severe) to 4. */
  disability?: { category: (typeof DISABILITY_CATEGORIES)[number]; grade: 1 | 2 | 3 | 4 };
  /** A serious or chronic illness, as the medical certificate names it. */
  illness?: string;
}

/** The kinds of a household's assets an application declares (家庭财产). */
export const ASSET_KINDS = ["savings", "vehicle", "property", "other"] as const;

/** Each programme's number on the ledger, by its name (see PROGRAMME_TABLE). */
export const PROGRAMMES = Object.fromEntries(Object.entries(PROGRAMME_TABLE).map(([name, { programme }]) => [name, programme])) as { [N in ProgrammeName]: (typeof PROGRAMME_TABLE)[N]["programme"] };
export const AREAS = { urban: Area.Urban, rural: Area.Rural } as const;

/** An application as a caseworker takes it in: the fields of `POST /v1/cases`. */
export interface ApplicationInput {
  programme: keyof typeof PROGRAMMES;
  area: keyof typeof AREAS;
  jurisdiction: string;
  applicant: { name: string; residentId: string; phone?: string; address?: string };
  /** The household's other members; its size is 1 + their number. */
  household: { name: string; relation: string; residentId: string }[];
  /** The health of those of the household with a disability or a serious illness; absent where none. */
  health?: HealthEntry[];
  monthlyIncome: number;
  /** The household's assets, each its kind and value in fen; absent in applications taken in before assets were asked. */
  assets?: { kind: (typeof ASSET_KINDS)[number]; value: number }[];
  /** Where payments go: the bank, the account number, the account holder's name. */
  bankAccount?: { bank: string; account: string; holder: string };
  documents: { kind: string; sha256: string }[];
}

/**
 * What makes an application's record one record and no other, chosen by whoever builds it before
 * the caseworker signs: the case id (the signature's nonce), the record id, the time and the salt.
 */
export interface ApplicationEnvelope {
  caseId: string;
  recordId: string;
  createdAt: string;
  salt: string;
}

/** A fresh envelope: a random case id, a record id as records/record.ts makes them, the time given (now), a 128-bit salt. */
export function newApplicationEnvelope(createdAt = new Date().toISOString()): ApplicationEnvelope {
  return { caseId: "0x" + randomBytesFromPool(32).toString("hex"), recordId: newRecordId(), createdAt, salt: randomBytesFromPool(16).toString("hex") };
}

/**
 * The application record of `input` in `envelope`, taken in by `officer`: the one definition the
 * gateway, its clients and the bench build it by, so that the hash a caseworker signs is the hash
 * of the record the gateway logs. The household size is 1 + the members listed (docs/records.md).
 */
export function applicationRecord(input: ApplicationInput, envelope: ApplicationEnvelope, officer: string, suite: Suite): AidRecord {
  const record = {
    ...shaped(
      APPLICATION,
      { caseId: envelope.caseId, jurisdiction: input.jurisdiction },
      {
        recordId: envelope.recordId,
        public: { programme: input.programme, area: input.area, householdSize: input.household.length + 1, documents: input.documents, intakeOfficer: officer },
        // Health, assets and a bank account only as given: an application without them hashes as it did before they were asked.
        personal: {
          applicant: input.applicant,
          household: input.household,
          ...(input.health && { health: input.health }),
          monthlyIncome: input.monthlyIncome,
          ...(input.assets && { assets: input.assets }),
          ...(input.bankAccount && { bankAccount: input.bankAccount }),
        },
      },
    ),
    createdAt: envelope.createdAt,
    salt: envelope.salt,
  };
  return newRecord(record, suite);
}

/** What a caseworker may change in an application: its people, their health, income and assets, the bank account, its documents. */
export type ApplicationChanges = Partial<Pick<ApplicationInput, "applicant" | "household" | "health" | "monthlyIncome" | "assets" | "bankAccount" | "documents">>;

/**
 * The next revision of an application record (the latest, opened): the changes applied, the
 * household size counted again, and who revised it and why. The revision keeps the record's id.
 */
export function applicationRevision(latest: AidRecord, changes: ApplicationChanges, officer: string, reason: string): BuiltRecord {
  const personal = { ...latest.personal, ...pick(changes, ["applicant", "household", "health", "monthlyIncome", "assets", "bankAccount"]) } as AidRecord["personal"] & Pick<ApplicationInput, "household">;
  return shaped(
    APPLICATION,
    { caseId: latest.caseId, jurisdiction: latest.jurisdiction },
    {
      recordId: latest.recordId,
      revision: latest.revision + 1,
      public: { ...latest.public, ...pick(changes, ["documents"]), householdSize: (personal.household?.length ?? 0) + 1, revisedBy: officer, reason },
      personal,
    },
  );
}

/** The fields of `from` named in `keys` that it has. */
function pick<T extends object, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]])) as Partial<Pick<T, K>>;
}

/**
 * What the caseworker signs for `record` (built by applicationRecord from `input`), valid on the
 * ledger until `deadline` (seconds): `identities` is identitiesHash of the applicant's and each
 * member's commitment in the record's order, which only the gateway can compute (it holds the
 * identity key) and `POST /v1/cases/draft` answers.
 */
export function applicationAuthorisation(input: Pick<ApplicationInput, "programme" | "area" | "jurisdiction">, record: AidRecord, identities: string, deadline: bigint): ApplicationAuthorisation {
  return {
    caseId: record.caseId!,
    programme: PROGRAMMES[input.programme],
    area: AREAS[input.area],
    jurisdiction: BigInt(input.jurisdiction),
    recordHash: hexlify(recordHash(record)),
    identities,
    deadline,
  };
}
