import compression from "compression";
import { Router } from "express";
import type { ChainClient } from "../../chain/client.ts";
import type { Indexer, LedgerEvent } from "../../sync/indexer.ts";
import { CaseStatus, nameOf } from "../../chain/domain.ts";
import type { CaseEntry } from "../../cases/intake.ts";
import { parseReceipt, receiptMatches } from "../../cases/receipts.ts";
import { ownRecord } from "../../cases/disclosure.ts";
import { paymentFileKey } from "../../funds/payout-run.ts";
import type { RecordLog } from "../../log/record-log.ts";
import type { StateStore } from "../../state/state-store.ts";
import { z } from "zod";
import { newRecord } from "../../records/record.ts";
import type { HashKey } from "../../records/keyed-hash.ts";
import { RequestError } from "../errors.ts";
import { validate } from "../validate.ts";
import { text } from "../schemas.ts";
import { perMinute } from "../rate-limit.ts";
import { KEYS } from "../../state/keys.ts";
import { citizenFeedbackRecord } from "../../records/kinds/complaints.ts";

export const feedbackRequest = z.object({
  kind: z.enum(["rating", "complaint"]),
  rating: z.number().int().min(1).max(5).optional(),
  text: text(5000, { lines: true, blank: true }).default(""),
  contact: text(100).optional(),
});

/** What each status means to the person who applied, in Simplified Chinese and English. */
const PLAIN: Record<number, { zh: string; en: string }> = {
  [CaseStatus.Submitted]: { zh: "已受理，等待审核", en: "Received, awaiting review" },
  [CaseStatus.Reviewed]: { zh: "已审核，等待审批", en: "Reviewed, awaiting approval" },
  [CaseStatus.InNotice]: { zh: "已审批，正在公示", en: "Approved, in public notice" },
  [CaseStatus.Active]: { zh: "正在发放", en: "Being paid" },
  [CaseStatus.Suspended]: { zh: "暂停发放", en: "Payments suspended" },
  [CaseStatus.Rejected]: { zh: "未获批准", en: "Not approved" },
  [CaseStatus.Terminated]: { zh: "已停止救助", en: "Assistance ended" },
};

/**
 * How a household contests a decision that refused or ended its assistance: an administrative
 * review (行政复议, within 60 days of learning of it) or a suit (行政诉讼, within six months), as the
 * Administrative Reconsideration Law and the Administrative Litigation Law provide.
 */
const APPEAL = {
  zh: "对决定不服的，可以自知道该决定之日起60日内向上一级民政部门或本级人民政府申请行政复议，也可以自知道之日起6个月内向人民法院提起行政诉讼。可先向受理您申请的乡镇（街道）咨询原因。",
  en: "If you disagree with the decision, you may apply for administrative review to the civil-affairs department one level up, or to the county government, within 60 days of learning of it, or sue in a people's court within six months. The township office that took your application can tell you why first.",
};

export interface CitizenContext {
  /** The citizen's payments are read from its events. */
  indexer: Indexer;
  /** Receipt codes are checked by HMAC under this key (the deployment's identity key). */
  identityKey: HashKey;
  chain: ChainClient;
  log: RecordLog;
  state: StateStore;
}

/**
 * The citizen's view of their own case, opened with the receipt they were given at intake
 * (the QR payload, in the X-Aidtrail-Receipt header, so it stays out of URLs and logs).
 */
/** When the case came to `status`, by its last transition to it on the ledger. */
function decidedAt(events: LedgerEvent[], status: CaseStatus): string | null {
  const transition = events.findLast((e) => e.name === "CaseTransition" && Number(e.args.to) === status);
  return transition ? new Date(transition.timestamp * 1000).toISOString() : null;
}

export function citizenRouter(ctx: CitizenContext, limitPerMinute: number): Router {
  const router = Router();
  // Compressed: a citizen's phone may be on a slow rural connection, and proofs are hex text.
  router.use("/citizen", compression());
  const limiter = perMinute(limitPerMinute, { en: "receipt checks", zh: "查询" });
  /** The case a receipt opens, or a refusal that does not say whether the case exists. */
  const caseOfReceipt = async (header: unknown): Promise<CaseEntry> => {
    const receipt = parseReceipt(String(header ?? ""));
    const refused = new RequestError("RECEIPT_INVALID", "this receipt does not open a case here", 401, {
      hint: "scan the QR code on the receipt, or type the case number and code exactly",
      zh: { message: "这张回执查不到本地的案件", hint: "请扫描回执上的二维码，或准确输入案件号和查询码" },
    });
    if (!receipt) throw refused;
    const { caseIdPrefix, code } = receipt;
    // A case number may begin more than one case id: the code tells them apart.
    const candidates = await ctx.state.list<CaseEntry>(KEYS.casesFrom(caseIdPrefix));
    const entry = candidates.find(([key, e]) => key === KEYS.case(e.caseId) && receiptMatches(ctx.identityKey, e.caseId, code, e.receiptCodeHash));
    if (!entry) throw refused;
    return entry[1];
  };

  // The citizen's own application, every personal field with its salt, and who has read their data.
  router.get("/citizen/record", limiter, async (req, res) => {
    const entry = await caseOfReceipt(req.headers["x-aidtrail-receipt"]);
    res.set("cache-control", "no-store").json(await ownRecord(ctx, entry));
  });

  router.post("/citizen/feedback", limiter, validate(feedbackRequest), async (req, res) => {
    const entry = await caseOfReceipt(req.headers["x-aidtrail-receipt"]);
    const { rating, kind, text, contact } = req.body as z.infer<typeof feedbackRequest>;
    const record = newRecord({ ...citizenFeedbackRecord(entry, kind, rating ?? null, text, contact), createdAt: ctx.chain.clock.iso() }, ctx.log.suite);
    const [appended] = await ctx.log.append([record]);
    res.status(201).json({ recordId: record.recordId, leafIndex: appended!.leafIndex, handling: "received" });
  });

  /**
   * A payment as the citizen sees it: when it was paid and whether the bank confirmed it, and,
   * `withFile`, the payment file it was paid by with its inclusion proof. A payment file holds no
   * personal data, so it is shown whole, salt included: with it the citizen's browser recomputes
   * the record hash and checks its proof to the anchored root.
   */
  const payment = async (caseId: string, event: LedgerEvent, events: LedgerEvent[], withFile: boolean) => {
    const period = Number(event.args.period);
    const settlement = events.find((s) => s.name === "PayoutSettled" && Number(s.args.period) === period);
    // A payment the bank returned and the finance officer reversed: its money went back to the budget, to be paid again.
    const after = (e: LedgerEvent) => e.blockNumber > event.blockNumber || (e.blockNumber === event.blockNumber && e.logIndex > event.logIndex);
    const reversal = events.find((r) => r.name === "PayoutReversed" && Number(r.args.period) === period && after(r));
    const shown = {
      period,
      amount: event.args.amount as string,
      paidAt: new Date(event.timestamp * 1000).toISOString(),
      transactionHash: event.transactionHash,
      blockNumber: event.blockNumber,
      arrived: settlement ? { evidenceHash: settlement.args.evidenceHash as string, transactionHash: settlement.transactionHash } : null,
      returned: reversal ? { at: new Date(reversal.timestamp * 1000).toISOString(), transactionHash: reversal.transactionHash } : null,
    };
    if (!withFile) return shown;
    const file = await ctx.state.get<{ recordId: string }>(paymentFileKey(caseId, period));
    const proof = file ? await ctx.log.lookup(file.recordId, { decrypt: false }) : null;
    const [revision] = proof?.revisions ?? [];
    return { ...shown, paymentFile: revision ? { record: revision.record, leafIndex: revision.leafIndex, leafHash: revision.leafHash, proof: revision.proof, checkpoint: proof!.checkpoint } : null };
  };

  router.get("/citizen/payments/:period", limiter, async (req, res) => {
    const entry = await caseOfReceipt(req.headers["x-aidtrail-receipt"]);
    await ctx.indexer.catchUp().catch(() => undefined);
    const events = await ctx.indexer.caseEvents(entry.caseId);
    const period = Number(req.params.period);
    const event = /^\d{1,6}$/.test(String(req.params.period)) ? events.findLast((e) => e.name === "PayoutMade" && Number(e.args.period) === period) : undefined;
    if (!event) {
      throw new RequestError("PAYMENT_NOT_FOUND", `no payment for period ${req.params.period} was made to this case`, 404, {
        field: "period",
        hint: "choose a payment the case's page lists",
        zh: { message: "本案件没有这个月份的发放记录", hint: "请从案件页面列出的发放记录中选择" },
      });
    }
    res.json(await payment(entry.caseId, event, events, true));
  });

  router.get("/citizen/case", limiter, async (req, res) => {
    const entry = await caseOfReceipt(req.headers["x-aidtrail-receipt"]);
    const caseId = entry.caseId;

    const [terms, , , , noticeEnd] = await ctx.chain.cases.getCase(caseId).catch(() => [null, 0n, 0n, 0n, 0n] as const);
    const status = terms ? Number(terms.status) : CaseStatus.Submitted;
    await ctx.indexer.catchUp().catch(() => undefined);
    const events = await ctx.indexer.caseEvents(caseId);
    // Newest first; only the newest comes with its payment file and proof: on a slow rural
    // connection a year of files would cost more than the page, so each earlier one is asked for
    // when the citizen wants it checked (GET /citizen/payments/:period).
    const paid = events.filter((e) => e.name === "PayoutMade").reverse();
    const payments = await Promise.all(paid.map((event, i) => payment(caseId, event, events, i === 0)));
    res.json({
      caseId,
      programme: entry.programme,
      status: { code: nameOf(CaseStatus, status), ...PLAIN[status] },
      approvedAmount: terms?.approvedAmount.toString() ?? null,
      noticeEnd: terms && Number(noticeEnd) > 0 ? new Date(Number(noticeEnd) * 1000).toISOString() : null,
      // Payments resumed after a suspension are for the months from then on, apart from the notice.
      resumedAt: terms && terms.entitledFrom !== noticeEnd ? new Date(Number(terms.entitledFrom) * 1000).toISOString() : null,
      // A refusal or an end of assistance says when, and how to contest it.
      ...(status === CaseStatus.Rejected || status === CaseStatus.Terminated ? { decidedAt: decidedAt(events, status), appeal: APPEAL } : {}),
      payments,
    });
  });
  return router;
}
