import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PROGRAMME_NAMES, STATUS_NAMES, STEP_NAMES } from "../kit/names.ts";
import { STEP_ROLES } from "../server/audit/steps.ts";
import { Area, CaseStatus, MONTHLY_PROGRAMMES, PayoutState, Programme, PROGRAMME_TABLE, Stage } from "../server/chain/domain.ts";

/** The members of Solidity enum `name` in `file`, in order. */
function solidityEnum(file: string, name: string): string[] {
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(readFileSync(file, "utf8"))?.[1];
  if (!body) throw new Error(`no enum ${name} in ${file}`);
  return body
    .split("\n")
    .map((line) => line.replace(/\/\/.*$/, "").trim().replace(/,$/, ""))
    .filter(Boolean);
}

describe("the ledger's vocabulary, mirrored from the contracts", () => {
  it("has each enum's members in the contracts' order, so that each number means the same on both sides", () => {
    for (const [file, name, mirror] of [
      ["contracts/common/Assistance.sol", "Programme", Programme],
      ["contracts/common/Assistance.sol", "Area", Area],
      ["contracts/cases/ICaseRegistry.sol", "CaseStatus", CaseStatus],
      ["contracts/cases/IDecisions.sol", "Stage", Stage],
      ["contracts/funds/IFundLedger.sol", "PayoutState", PayoutState],
    ] as const) {
      expect(Object.entries(mirror).sort(([, a], [, b]) => a - b).map(([member]) => member), name).toEqual(solidityEnum(file, name));
    }
  });

  it("pays monthly the programmes Assistance.sol's isMonthly names, and no other", () => {
    const isMonthly = /function isMonthly\(Programme programme\)[^{]*\{([^}]*)\}/.exec(readFileSync("contracts/common/Assistance.sol", "utf8"))![1]!;
    const monthly = [...isMonthly.matchAll(/Programme\.(\w+)/g)].map(([, name]) => name);
    const byLedgerName = Object.fromEntries(Object.entries(PROGRAMME_TABLE).map(([apiName, p]) => [Object.keys(Programme).find((k) => Programme[k as keyof typeof Programme] === p.programme)!, apiName]));
    expect(monthly.map((name) => byLedgerName[name!])).toEqual(MONTHLY_PROGRAMMES);
    expect(Object.keys(PROGRAMME_TABLE)).toHaveLength(Object.keys(Programme).length);
  });

  it("names every programme, case status and ledger step in Chinese and English, for the pages and the refusals, and no other", () => {
    expect(Object.keys(PROGRAMME_NAMES).sort()).toEqual(Object.keys(PROGRAMME_TABLE).sort());
    expect(Object.keys(STATUS_NAMES)).toEqual(Object.keys(CaseStatus));
    expect(Object.keys(STEP_NAMES).sort()).toEqual(Object.keys(STEP_ROLES).sort());
  });
});
