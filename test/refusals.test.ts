import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REFUSALS, refusalOf } from "../server/chain/refusals.ts";
import { contractErrors, exampleArgs, refusalsDocument } from "../server/chain/refusals-doc.ts";

/** Every `error Name(` the project's own contracts declare (OpenZeppelin's are not in this tree). */
function declaredErrors(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "harness" ? [] : declaredErrors(path);
    return name.endsWith(".sol") ? [...readFileSync(path, "utf8").matchAll(/^\s*error (\w+)\(/gm)].map((m) => m[1]!) : [];
  });
}

describe("every ledger refusal in plain words", () => {
  const declared = [...new Set(declaredErrors("contracts"))].sort();

  it("explains every custom error the contracts declare, and nothing they do not", () => {
    expect(declared.length).toBeGreaterThan(80);
    expect(declared.filter((name) => !REFUSALS[name])).toEqual([]);
    expect(Object.keys(REFUSALS).filter((name) => !declared.includes(name))).toEqual([]);
  });

  it("renders each, in Chinese and in English, with a message and what to do", () => {
    const fragments = contractErrors();
    for (const name of declared) {
      const refusal = refusalOf(name, exampleArgs(fragments.get(name)!))!;
      for (const words of [refusal.zh, refusal.en]) {
        expect(words.message.length, name).toBeGreaterThan(5);
        expect(words.hint.length, name).toBeGreaterThan(2);
        expect(words.message, name).not.toMatch(/undefined|NaN/);
      }
    }
  });

  it("lists every LEDGER_* code with its words in docs/refusals.md, as npm run docs:refusals writes it", () => {
    expect(readFileSync("docs/refusals.md", "utf8")).toBe(refusalsDocument());
  });

  it("says amounts in yuan and dates in China Standard Time", () => {
    // 2026-12-10T16:00:00Z is 2026-12-11 in China.
    const notice = refusalOf("CaseNoticeNotOver", { caseId: "0x" + "ab".repeat(32), noticeEnd: 1_796_918_400n })!;
    expect(notice.zh.message).toBe("公示期至 2026-12-11 结束，尚不能启动发放");
    expect(notice.en.message).toBe("the public notice ends on 2026-12-11: payments cannot start yet");
    const cap = refusalOf("ApprovalAboveStandard", { caseId: "0x" + "ab".repeat(32), amount: 900_000n, cap: 480_000n })!;
    expect(cap.zh.message).toBe("核定金额 9,000.00 元超过标准上限 4,800.00 元（现行标准 × 家庭人口）");
    expect(cap.en.hint).toBe("approve at most 4,800.00 yuan");
  });
});
