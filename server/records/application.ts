import { hexlify } from "ethers";
import { Area, PROGRAMME_TABLE, type ProgrammeName } from "../chain/domain.ts";
import type { ApplicationAuthorisation } from "../../kit/decision.ts";
import { recordHash } from "../../kit/record.ts";
import { randomBytesFromPool } from "./random-pool.ts";
import { newRecord, newRecordId, type AidRecord } from "./record.ts";

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
  monthlyIncome: number;
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
export function applicationRecord(input: ApplicationInput, envelope: ApplicationEnvelope, officer: string): AidRecord {
  return newRecord({
    kind: "application",
    caseId: envelope.caseId,
    recordId: envelope.recordId,
    createdAt: envelope.createdAt,
    salt: envelope.salt,
    jurisdiction: input.jurisdiction,
    public: {
      programme: input.programme,
      area: input.area,
      householdSize: input.household.length + 1,
      documents: input.documents,
      intakeOfficer: officer,
    },
    personal: { applicant: input.applicant, household: input.household, monthlyIncome: input.monthlyIncome },
  });
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
