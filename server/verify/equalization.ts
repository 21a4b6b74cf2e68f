import type { BundleRecord } from "./bundle.ts";

/**
 * Time limits of the stages of a case, in days, after the Measures for Minimum Living Allowance
 * Review and Confirmation: review within the township's working period, approval at county
 * level, seven days of public notice, and the first payment in the month after approval.
 */
export const STAGE_LIMITS_DAYS = {
  review: 15,
  approval: 10,
  notice: 7,
  firstPayment: 30,
} as const;

/** How one jurisdiction's cases of one area (urban or rural) fared: what supervisors compare. */
export interface EqualizationRow {
  jurisdiction: string;
  area: string;
  cases: number;
  /** Median days from application to the first payment, over the cases paid. */
  daysToFirstPayment: number | null;
  /** Share of decided cases whose approval came within review + approval limits, 0..1. */
  decidedWithinLimit: number | null;
  /** Median days from the start of a payment's month to its payment file. */
  paymentDelayDays: number | null;
  /** Complaints per 100 cases. */
  complaintsPer100: number;
}

const DAY = 86_400_000;
const median = (values: number[]): number | null => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return Math.round((sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2) * 10) / 10;
};
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / DAY;
const addTo = <K, V>(lists: Map<K, V[]>, key: K, value: V) => {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
};

/**
 * Equalization measures per jurisdiction and area, from the records of an audit bundle: the
 * applications, approval packets, payment files and complaints. Computed from records whose hashes
 * the bundle check has proven, so the figures are as trustworthy as the bundle.
 */
export function equalization(records: readonly BundleRecord[]): EqualizationRow[] {
  const applications = new Map<string, BundleRecord>();
  for (const r of records) if (r.kind === "application" && r.caseId && r.revision === 0) applications.set(r.caseId, r);
  const decided = new Map<string, string>();
  const firstPaid = new Map<string, string>();
  const delays = new Map<string, number[]>();
  const complaints = new Map<string, number>();
  for (const r of records) {
    if (r.kind === "approval-packet" && r.caseId) {
      const stage = (r.public.decision as { stage?: number } | undefined)?.stage;
      if (stage === 1 && !decided.has(r.caseId)) decided.set(r.caseId, r.createdAt);
    } else if (r.kind === "payment-file") {
      const period = Number(r.public.period);
      const monthStart = `${Math.floor(period / 100)}-${String(period % 100).padStart(2, "0")}-01T00:00:00Z`;
      for (const line of (r.public.lines as { caseId: string }[] | undefined) ?? []) {
        const earlier = firstPaid.get(line.caseId);
        if (!earlier || earlier > r.createdAt) firstPaid.set(line.caseId, r.createdAt);
        if (period > 0) addTo(delays, line.caseId, Math.max(0, days(monthStart, r.createdAt)));
      }
    } else if (r.kind === "complaint" && r.caseId) {
      complaints.set(r.caseId, (complaints.get(r.caseId) ?? 0) + 1);
    }
  }
  const groups = new Map<string, BundleRecord[]>();
  for (const application of applications.values()) {
    const key = `${application.jurisdiction}|${String(application.public.area ?? "unknown")}`;
    addTo(groups, key, application);
  }
  const limit = STAGE_LIMITS_DAYS.review + STAGE_LIMITS_DAYS.approval;
  return [...groups]
    .map(([key, cases]) => {
      const [jurisdiction, area] = key.split("|") as [string, string];
      const decisions = cases.filter((c) => decided.has(c.caseId!)).map((c) => days(c.createdAt, decided.get(c.caseId!)!));
      return {
        jurisdiction,
        area,
        cases: cases.length,
        daysToFirstPayment: median(cases.filter((c) => firstPaid.has(c.caseId!)).map((c) => days(c.createdAt, firstPaid.get(c.caseId!)!))),
        decidedWithinLimit: decisions.length === 0 ? null : decisions.filter((d) => d <= limit).length / decisions.length,
        paymentDelayDays: median(cases.flatMap((c) => delays.get(c.caseId!) ?? [])),
        complaintsPer100: Math.round((cases.reduce((n, c) => n + (complaints.get(c.caseId!) ?? 0), 0) / cases.length) * 1000) / 10,
      };
    })
    .sort((a, b) => a.jurisdiction.localeCompare(b.jurisdiction) || a.area.localeCompare(b.area));
}
