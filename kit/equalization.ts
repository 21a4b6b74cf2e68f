import type { LoggedRecord } from "./record.ts";

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

/** A stage of a case against its limit: at most that many days, except public notice, which lasts at least its seven. */
export interface StageTiming {
  stage: keyof typeof STAGE_LIMITS_DAYS | "toFirstPayment";
  days: number | null;
  limitDays: number;
  /** Within the limit: at most the limit, or for public notice at least it. */
  withinLimit: boolean | null;
}

/** When a case reached each point, in milliseconds: from the ledger (the trail) or from its records (the figures). */
export interface StageTimes {
  submitted: number | null;
  reviewed: number | null;
  approved: number | null;
  active: number | null;
  firstPaid: number | null;
}

/**
 * Each stage's time against its limit, and application to first payment against the limits of
 * review, approval and first payment together: the one computation behind the case trail and the
 * equalization figures, so that the two never disagree on the same times.
 */
export function stageTimings(t: StageTimes): StageTiming[] {
  const timing = (stage: StageTiming["stage"], from: number | null, to: number | null, limitDays: number, minimum = false): StageTiming => {
    const d = from !== null && to !== null ? Math.round(((to - from) / DAY) * 10) / 10 : null;
    return { stage, days: d, limitDays, withinLimit: d === null ? null : minimum ? d >= limitDays : d <= limitDays };
  };
  return [
    timing("review", t.submitted, t.reviewed, STAGE_LIMITS_DAYS.review),
    timing("approval", t.reviewed, t.approved, STAGE_LIMITS_DAYS.approval),
    timing("notice", t.approved, t.active, STAGE_LIMITS_DAYS.notice, true),
    timing("firstPayment", t.approved, t.firstPaid, STAGE_LIMITS_DAYS.firstPayment),
    timing("toFirstPayment", t.submitted, t.firstPaid, STAGE_LIMITS_DAYS.review + STAGE_LIMITS_DAYS.approval + STAGE_LIMITS_DAYS.firstPayment),
  ];
}

/** How one jurisdiction's cases of one programme and area (urban or rural) fared: what supervisors compare. */
export interface EqualizationRow {
  jurisdiction: string;
  programme: string;
  area: string;
  cases: number;
  /** Median days from application to the first payment, over the cases paid. */
  daysToFirstPayment: number | null;
  /** Share of decided cases whose approval came within review + approval limits, 0..1. */
  decidedWithinLimit: number | null;
  /** Median days from the start of a payment's month to its payment file. */
  paymentDelayDays: number | null;
  /** Complaints per 100 cases (the citizens' own, not objections in public notice, nor ratings). */
  complaintsPer100: number;
  /** Objections lodged in public notice per 100 cases. */
  objectionsPer100: number;
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
 * Equalization measures per jurisdiction, programme and area, from the records of an audit
 * bundle: the applications, decision records, payment files, complaints and objections. Computed
 * from records whose hashes the bundle check has proven, so the figures are as trustworthy as the
 * bundle; the stage times by `stageTimings`, as the case trail's.
 */
export function equalization(records: readonly LoggedRecord[]): EqualizationRow[] {
  const applications = new Map<string, LoggedRecord>();
  for (const r of records) if (r.kind === "application" && r.caseId && r.revision === 0) applications.set(r.caseId, r);
  const decided = new Map<string, string>();
  const firstPaid = new Map<string, string>();
  const delays = new Map<string, number[]>();
  const complaints = new Map<string, number>();
  const objections = new Map<string, number>();
  for (const r of records) {
    if (r.kind === "decision" && r.caseId) {
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
      // A complaint record is a citizen's complaint, a rating, or an objection lodged in public notice: each counted as what it is.
      if (r.public.type === "complaint") complaints.set(r.caseId, (complaints.get(r.caseId) ?? 0) + 1);
      if (r.public.type === "objection") objections.set(r.caseId, (objections.get(r.caseId) ?? 0) + 1);
    }
  }
  const groups = new Map<string, LoggedRecord[]>();
  for (const application of applications.values()) {
    const key = `${application.jurisdiction}|${String(application.public.programme ?? "unknown")}|${String(application.public.area ?? "unknown")}`;
    addTo(groups, key, application);
  }
  const limit = STAGE_LIMITS_DAYS.review + STAGE_LIMITS_DAYS.approval;
  const time = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));
  const per100 = (cases: LoggedRecord[], counts: Map<string, number>) => Math.round((cases.reduce((n, c) => n + (counts.get(c.caseId!) ?? 0), 0) / cases.length) * 1000) / 10;
  return [...groups]
    .map(([key, cases]) => {
      const [jurisdiction, programme, area] = key.split("|") as [string, string, string];
      const timings = cases.map((c) => stageTimings({ submitted: time(c.createdAt), reviewed: null, approved: time(decided.get(c.caseId!)), active: null, firstPaid: time(firstPaid.get(c.caseId!)) }));
      const decisions = cases.filter((c) => decided.has(c.caseId!)).map((c) => days(c.createdAt, decided.get(c.caseId!)!));
      return {
        jurisdiction,
        programme,
        area,
        cases: cases.length,
        daysToFirstPayment: median(timings.flatMap((t) => t.find((s) => s.stage === "toFirstPayment")!.days ?? [])),
        decidedWithinLimit: decisions.length === 0 ? null : decisions.filter((d) => d <= limit).length / decisions.length,
        paymentDelayDays: median(cases.flatMap((c) => delays.get(c.caseId!) ?? [])),
        complaintsPer100: per100(cases, complaints),
        objectionsPer100: per100(cases, objections),
      };
    })
    .sort((a, b) => a.jurisdiction.localeCompare(b.jurisdiction) || a.programme.localeCompare(b.programme) || a.area.localeCompare(b.area));
}
