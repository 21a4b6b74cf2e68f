import { describe, expect, it } from "vitest";
import { equalization, type BundleRecord } from "../server/verify/index.ts";

let n = 0;
const record = (kind: string, caseId: string | null, jurisdiction: string, createdAt: string, pub: Record<string, unknown> = {}): BundleRecord => ({
  recordId: "r" + (n++).toString(16).padStart(32, "0"),
  revision: 0,
  kind,
  caseId,
  jurisdiction,
  createdAt,
  salt: "00".repeat(16),
  public: pub,
  personal: {},
});
const caseId = (i: number) => "0x" + i.toString(16).padStart(64, "0");
const A = "440105001000";
const B = "440105002000";

describe("equalization", () => {
  it("compares jurisdictions and areas: days to first payment, decisions within the limit, payment delay, complaints", () => {
    const records = [
      // Township A, urban: two cases, one decided in 20 days (within 25), one in 40; first paid after 33 and 71 days; paid 2, 10 and 10 days into the month.
      record("application", caseId(1), A, "2026-10-01T00:00:00Z", { area: "urban" }),
      record("application", caseId(2), A, "2026-10-01T00:00:00Z", { area: "urban" }),
      record("approval-packet", caseId(1), A, "2026-10-05T00:00:00Z", { decision: { stage: 0 } }),
      record("approval-packet", caseId(1), A, "2026-10-21T00:00:00Z", { decision: { stage: 1 } }),
      record("approval-packet", caseId(2), A, "2026-11-10T00:00:00Z", { decision: { stage: 1 } }),
      record("payment-file", null, A, "2026-11-03T00:00:00Z", { period: 202611, lines: [{ caseId: caseId(1), amount: "100" }] }),
      record("payment-file", null, A, "2026-12-11T00:00:00Z", { period: 202612, lines: [{ caseId: caseId(1), amount: "100" }, { caseId: caseId(2), amount: "100" }] }),
      record("complaint", caseId(2), A, "2026-12-01T00:00:00Z"),
      // Township A, rural: one case, not yet decided.
      record("application", caseId(3), A, "2026-10-01T00:00:00Z", { area: "rural" }),
      // Township B, rural: one case decided and paid.
      record("application", caseId(4), B, "2026-10-01T00:00:00Z", { area: "rural" }),
      record("approval-packet", caseId(4), B, "2026-10-11T00:00:00Z", { decision: { stage: 1 } }),
      record("payment-file", null, B, "2026-11-01T00:00:00Z", { period: 202611, lines: [{ caseId: caseId(4), amount: "100" }] }),
      // A later revision of an application is not another case.
      { ...record("application", caseId(4), B, "2026-12-01T00:00:00Z", { area: "rural" }), revision: 1 },
    ];
    expect(equalization(records)).toEqual([
      { jurisdiction: A, area: "rural", cases: 1, daysToFirstPayment: null, decidedWithinLimit: null, paymentDelayDays: null, complaintsPer100: 0 },
      { jurisdiction: A, area: "urban", cases: 2, daysToFirstPayment: 52, decidedWithinLimit: 0.5, paymentDelayDays: 10, complaintsPer100: 50 },
      { jurisdiction: B, area: "rural", cases: 1, daysToFirstPayment: 31, decidedWithinLimit: 1, paymentDelayDays: 0, complaintsPer100: 0 },
    ]);
  });
});
