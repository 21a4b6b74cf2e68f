import { describe, expect, it } from "vitest";
import { equalization, stageTimings, type LoggedRecord } from "../kit/index.ts";

let n = 0;
const record = (kind: string, caseId: string | null, jurisdiction: string, createdAt: string, pub: Record<string, unknown> = {}): LoggedRecord => ({
  format: 2,
  suite: "standard",
  recordId: "r" + (n++).toString(16).padStart(32, "0"),
  revision: 0,
  kind,
  caseId,
  jurisdiction,
  createdAt,
  public: pub,
  commitments: {},
});
const caseId = (i: number) => "0x" + i.toString(16).padStart(64, "0");
const A = "440105001000";
const B = "440105002000";

describe("equalization", () => {
  it("compares jurisdictions, programmes and areas: days to first payment, decisions within the limit, payment delay, complaints apart from objections and ratings", () => {
    const dibao = (area: string) => ({ programme: "dibao", area });
    const records = [
      // Township A, dibao, urban: two cases, one decided in 20 days (within 25), one in 40; first paid after 33 and 71 days; paid 2, 10 and 10 days into the month.
      record("application", caseId(1), A, "2026-10-01T00:00:00Z", dibao("urban")),
      record("application", caseId(2), A, "2026-10-01T00:00:00Z", dibao("urban")),
      record("decision", caseId(1), A, "2026-10-05T00:00:00Z", { decision: { stage: 0 } }),
      record("decision", caseId(1), A, "2026-10-21T00:00:00Z", { decision: { stage: 1 } }),
      record("decision", caseId(2), A, "2026-11-10T00:00:00Z", { decision: { stage: 1 } }),
      record("payment-file", null, A, "2026-11-03T00:00:00Z", { period: 202611, lines: [{ caseId: caseId(1), amount: "100" }] }),
      record("payment-file", null, A, "2026-12-11T00:00:00Z", { period: 202612, lines: [{ caseId: caseId(1), amount: "100" }, { caseId: caseId(2), amount: "100" }] }),
      // One complaint; an objection in public notice and a rating are no complaints.
      record("complaint", caseId(2), A, "2026-12-01T00:00:00Z", { type: "complaint" }),
      record("complaint", caseId(1), A, "2026-10-25T00:00:00Z", { type: "objection" }),
      record("complaint", caseId(1), A, "2026-12-20T00:00:00Z", { type: "rating", rating: 5 }),
      // Township A, dibao, rural: one case, not yet decided.
      record("application", caseId(3), A, "2026-10-01T00:00:00Z", dibao("rural")),
      // Township B, dibao, rural: one case decided and paid; and a temporary-assistance case of the same area, a row of its own.
      record("application", caseId(4), B, "2026-10-01T00:00:00Z", dibao("rural")),
      record("decision", caseId(4), B, "2026-10-11T00:00:00Z", { decision: { stage: 1 } }),
      record("payment-file", null, B, "2026-11-01T00:00:00Z", { period: 202611, lines: [{ caseId: caseId(4), amount: "100" }] }),
      record("application", caseId(5), B, "2026-10-01T00:00:00Z", { programme: "temporary", area: "rural" }),
      // A later revision of an application is not another case.
      { ...record("application", caseId(4), B, "2026-12-01T00:00:00Z", dibao("rural")), revision: 1 },
    ];
    expect(equalization(records)).toEqual([
      { jurisdiction: A, programme: "dibao", area: "rural", cases: 1, daysToFirstPayment: null, decidedWithinLimit: null, paymentDelayDays: null, complaintsPer100: 0, objectionsPer100: 0 },
      { jurisdiction: A, programme: "dibao", area: "urban", cases: 2, daysToFirstPayment: 52, decidedWithinLimit: 0.5, paymentDelayDays: 10, complaintsPer100: 50, objectionsPer100: 50 },
      { jurisdiction: B, programme: "dibao", area: "rural", cases: 1, daysToFirstPayment: 31, decidedWithinLimit: 1, paymentDelayDays: 0, complaintsPer100: 0, objectionsPer100: 0 },
      { jurisdiction: B, programme: "temporary", area: "rural", cases: 1, daysToFirstPayment: null, decidedWithinLimit: null, paymentDelayDays: null, complaintsPer100: 0, objectionsPer100: 0 },
    ]);
  });

  it("times stages as the trail does: limits are maxima, but public notice is a minimum", () => {
    const at = (day: number) => Date.parse("2026-10-01T00:00:00Z") + day * 86_400_000;
    const stages = stageTimings({ submitted: at(0), reviewed: at(16), approved: at(20), active: at(28), firstPaid: at(30) });
    expect(stages.map((s) => [s.stage, s.days, s.withinLimit])).toEqual([
      ["review", 16, false],
      ["approval", 4, true],
      // Eight days of notice against its seven: enough, not late.
      ["notice", 8, true],
      ["firstPayment", 10, true],
      ["toFirstPayment", 30, true],
    ]);
    expect(stageTimings({ submitted: at(0), reviewed: at(1), approved: at(2), active: at(8), firstPaid: null }).find((s) => s.stage === "notice")).toMatchObject({ days: 6, withinLimit: false });
  });
});
