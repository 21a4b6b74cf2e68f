import { equalBytes, recordHash, rootFromInclusionProof } from "aidtrail/verify/proofs";
import { $, api, cst, el, guarded, yuan } from "./common.js";
import { language, speak, t } from "./i18n.js";
import { personalFacts } from "./personal-fields.js";

/** The case on show, and the citizen's own record once asked for, drawn again in the other language. */
let shown = null;
let mine = null;

speak({
  zh: {
    title: "救助查询", receipt: "回执上的二维码内容，或案件号和查询码", check: "查询", scan: "扫描回执二维码", payments: "发放记录",
    feedback: "评价或投诉", rating: "评价", complaint: "投诉", stars: "满意度（1–5）", text: "想说的话", send: "提交",
    none: "还没有发放记录。", approved: (a) => `核定每月 ${a} 元`, noticeEnd: (d) => `公示至 ${d}`, resumed: (d) => `${d} 起恢复发放`, decidedAt: (d) => `决定于 ${d}`,
    period: (p) => `${String(p).slice(0, 4)}年${String(p).slice(4)}月`, paidOn: (d) => `发放于 ${d}`, amount: (a) => `${a} 元`,
    arrived: "已到账", notArrived: "银行尚未确认到账", returned: (d) => `银行退回（${d}）：款项已退回预算，将重新发放`, verified: "✓ 已在账本上核验", unverified: "✗ 未能核验", checking: "正在核验…", verify: "核验这笔发放",
    verifiedWhy: "这笔发放记在政府的防篡改账本上，事后谁也改不了；您的手机刚刚自己核对过。",
    technical: "技术细节",
    technicalWhy: (n) => `手机用 SHA-256 重新计算了发放文件的指纹（哈希），并按包含证明核对到第 ${n} 号区块上锚定的检查点。`,
    contact: "联系电话（选填，方便我们回复您）",
    received: "已收到，处理情况会记入您的案件记录。", unreadable: "无法读取二维码，请手动输入。",
    mine: "我的登记信息与查阅记录", mineOpen: "查看",
    mineVerified: "✓ 与账本上锚定的记录一致", minePending: "信息刚刚更新，几分钟内记入账本后即可核验，请稍后再查看。", readings: "谁查看过我的信息", noReadings: "还没有人查看过。",
    readWhat: (g, why) => `查看了${g}，用于${why}`, foundYou: (why) => `按身份证号查找到了您的案件，用于${why}`, readDocument: (why) => `查看了您提交的材料，用于${why}`, childData: "其中包含未成年人信息，查看者持有敏感信息查阅权限。",
    role_CASEWORKER: "经办人员", role_REVIEWER: "审核人员", role_APPROVER: "审批人员", role_AUDITOR: "审计人员", role_FINANCE_OFFICER: "财务人员", role_SPECIAL_CATEGORY_READER: "敏感信息查阅",
    group_identity: "身份信息", group_household: "家庭成员信息", group_means: "收入和财产", group_bankAccount: "收款账户", group_all: "全部登记信息",
    purpose_review: "审核申请", purpose_approval: "审批", "purpose_annual-recheck": "年度复核", purpose_correction: "更正记录", purpose_objection: "核实公示异议", purpose_complaint: "处理投诉", "purpose_payment-check": "核对发放", purpose_audit: "审计核查", purpose_revision: "修改申请",
  },
  en: {
    title: "Check my assistance", receipt: "The QR content of your receipt, or the case number and code", check: "Check", scan: "Scan the receipt's QR code", payments: "Payments",
    feedback: "Rate or complain", rating: "Rating", complaint: "Complaint", stars: "Satisfaction (1–5)", text: "What you want to say", send: "Send",
    none: "No payments yet.", approved: (a) => `Approved: ${a} yuan a month`, noticeEnd: (d) => `public notice until ${d}`, resumed: (d) => `payments resumed on ${d}`, decidedAt: (d) => `decided on ${d}`,
    period: (p) => `${String(p).slice(0, 4)}-${String(p).slice(4)}`, paidOn: (d) => `paid on ${d}`, amount: (a) => `${a} yuan`,
    arrived: "Arrived", notArrived: "Not yet confirmed by the bank", returned: (d) => `Returned by the bank (${d}): the money went back to the budget and will be paid again`, verified: "✓ Verified on the ledger", unverified: "✗ Could not be verified", checking: "Checking…", verify: "Check this payment",
    verifiedWhy: "This payment is written in the government's tamper-proof ledger, which no one can change afterwards; your phone has just checked it itself.",
    technical: "Technical detail",
    technicalWhy: (n) => `Your phone recomputed the payment file's SHA-256 fingerprint (hash) and followed its inclusion proof to the checkpoint anchored in block ${n}.`,
    contact: "Phone number (optional, so that we can answer you)",
    received: "Received. How it is handled becomes part of your case's record.", unreadable: "The QR code could not be read; type it instead.",
    mine: "My information, and who has read it", mineOpen: "Show",
    mineVerified: "✓ The same as the record anchored in the ledger", minePending: "Your information was just updated; it can be checked once the ledger records it, within minutes. Look again later.", readings: "Who has read my information", noReadings: "No one has read it yet.",
    readWhat: (g, why) => `read ${g}, for ${why}`, foundYou: (why) => `found your case by your resident ID, for ${why}`, readDocument: (why) => `read a document you gave, for ${why}`, childData: "It included a child's data; the reader holds the right to read such data.",
    role_CASEWORKER: "caseworker", role_REVIEWER: "reviewer", role_APPROVER: "approver", role_AUDITOR: "auditor", role_FINANCE_OFFICER: "finance officer", role_SPECIAL_CATEGORY_READER: "reader of sensitive data",
    group_identity: "your identity", group_household: "your household", group_means: "your income and assets", group_bankAccount: "your bank account", group_all: "your whole application",
    purpose_review: "reviewing the application", purpose_approval: "deciding on approval", "purpose_annual-recheck": "the annual re-check", purpose_correction: "correcting the record", purpose_objection: "looking into an objection", purpose_complaint: "handling a complaint", "purpose_payment-check": "checking a payment", purpose_audit: "an audit", purpose_revision: "revising the application",
  },
}, () => {
  if (shown) render(shown);
  if (mine) renderMine(mine);
});

const fromHex = (hex) => Uint8Array.from(hex.slice(2).match(/../g) ?? [], (b) => parseInt(b, 16));

/**
 * Whether a payment is on the ledger, decided here and not taken from the server's word: the
 * payment file's record hash recomputed, its line for this case and amount found, and its RFC 9162
 * inclusion proof folded up to the anchored checkpoint's root, by the kit's own functions (its
 * light part, which needs no secp256k1 and so loads no ethers).
 */
async function verifiedOnLedger(payment, caseId) {
  const file = payment.paymentFile;
  return provenInLog(file) && file.record.public.lines.some((line) => line.caseId === caseId && String(line.amount) === payment.amount);
}

/**
 * Whether a record is in the anchored log as the server gives it: its hash recomputed (a disclosed
 * field committed again from its value and salt, so a changed one fails) and its inclusion proof
 * folded up to the checkpoint's root.
 */
function provenInLog(found) {
  if (!found?.proof || !found.checkpoint) return false;
  const leaf = recordHash(found.record);
  if (!equalBytes(leaf, fromHex(found.leafHash))) return false;
  const root = rootFromInclusionProof(leaf, found.leafIndex, found.checkpoint.treeSize, found.proof.map(fromHex));
  return root !== null && equalBytes(root, fromHex(found.checkpoint.root));
}

/** What a reading of the citizen's data was, in words: a disclosure of a group, a search by their resident ID, a document opened, or the whole record read. */
function readingSaid(r) {
  const [purpose, detail = ""] = r.purpose.split(/: (.*)/s);
  const why = t(`purpose_${purpose}`);
  if (detail === "found by resident ID") return t("foundYou", why);
  if (detail.startsWith("document ")) return t("readDocument", why);
  return t("readWhat", t(`group_${r.group ?? "all"}`), why);
}

/** The citizen's own record: their personal fields, whether the ledger's log holds them as shown, and who has read them. */
function renderMine(mine) {
  // A record changed since the log was last anchored has no proof yet: said so, not called unverified.
  const ok = mine.proof === null ? "pending" : String(provenInLog(mine));
  $("#mine").replaceChildren(
    el("dl", {}, ...personalFacts(mine.record.personal)),
    el("p", { class: `verdict ${{ true: "ok", false: "bad", pending: "muted" }[ok]}`, "data-verified": ok }, t({ true: "mineVerified", false: "unverified", pending: "minePending" }[ok])),
    el("h3", {}, t("readings")),
    ...(mine.readings.length === 0 ? [el("p", { class: "muted" }, t("noReadings"))] : []),
    ...mine.readings.toReversed().map((r) =>
      el("div", { class: "card reading" },
        el("strong", {}, cst(r.at), " · ", r.roles.map((role) => t(`role_${role}`)).join("、")),
        el("p", {}, readingSaid(r)),
        ...(r.specialCategories.length > 0 ? [el("p", { class: "muted" }, t("childData"))] : []),
        el("p", { class: "muted hash" }, r.reader),
      ),
    ),
  );
}

/** Shows whether a payment is on the ledger: in plain words, the technical detail folded away. */
function showVerdict(mark, payment, ok) {
  mark.className = `verdict ${ok ? "ok" : "bad"}`;
  mark.dataset.verified = String(ok);
  if (!ok) return mark.replaceChildren(t("unverified"));
  const block = payment.paymentFile.checkpoint.anchoring?.blockNumber ?? "?";
  mark.replaceChildren(t("verified"), el("span", { class: "muted plain" }, t("verifiedWhy")), el("details", { class: "muted" }, el("summary", {}, t("technical")), t("technicalWhy", block)));
}

/** A payment's file and proof, asked for when the case's answer did not carry it (every payment but the newest). */
async function withFile(payment) {
  if (payment.paymentFile !== undefined) return payment;
  const fetched = await api(`/v1/citizen/payments/${payment.period}`, { headers: { "x-aidtrail-receipt": receipt() } });
  payment.paymentFile = fetched.paymentFile;
  return payment;
}

function render(found) {
  $("#case").hidden = false;
  $("#feedback-section").hidden = false;
  $("#mine-section").hidden = false;
  $("#status").textContent = found.status[language()];
  const terms = [found.approvedAmount && Number(found.approvedAmount) > 0 ? t("approved", yuan(found.approvedAmount)) : null, found.noticeEnd ? t("noticeEnd", found.noticeEnd.slice(0, 10)) : null, found.resumedAt ? t("resumed", found.resumedAt.slice(0, 10)) : null, found.decidedAt ? t("decidedAt", found.decidedAt.slice(0, 10)) : null];
  $("#terms").textContent = terms.filter(Boolean).join(" · ");
  $("#appeal").hidden = !found.appeal;
  $("#appeal").textContent = found.appeal?.[language()] ?? "";
  const list = $("#payments");
  list.replaceChildren(...(found.payments.length === 0 ? [el("p", { class: "muted" }, t("none"))] : []));
  // Newest first, as the gateway lists them: the newest is checked at once, each earlier one when asked.
  for (const payment of found.payments) {
    const mark = el("div", { class: "muted verdict", "data-verified": "pending" });
    const check = () => {
      mark.replaceChildren(t("checking"));
      withFile(payment)
        .then((p) => verifiedOnLedger(p, found.caseId))
        .then((ok) => showVerdict(mark, payment, ok), () => showVerdict(mark, payment, false));
    };
    if (payment.paymentFile !== undefined) check();
    else mark.replaceChildren(el("button", { type: "button", class: "secondary", "data-check": payment.period }, t("verify")));
    mark.querySelector("button")?.addEventListener("click", check);
    list.append(
      el("div", { class: "card payment" },
        el("strong", {}, t("period", payment.period), " · ", t("amount", yuan(payment.amount))),
        el("p", { class: "muted" }, t("paidOn", payment.paidAt.slice(0, 10))),
        el("p", { class: payment.arrived ? "ok" : payment.returned ? "bad" : "muted" }, payment.arrived ? t("arrived") : payment.returned ? t("returned", cst(payment.returned.at, "day")) : t("notArrived")),
        mark,
      ),
    );
  }
}

// A header carries only ASCII: full-width characters are folded, and a Chinese comma or other
// separator typed between the case number and the code becomes a space.
const receipt = () => $("#receipt").value.normalize("NFKC").replace(/[^\x21-\x7e]+/g, " ").trim();
$("#lookup").addEventListener("submit", guarded($("#lookup-output"), async () => {
  shown = await api("/v1/citizen/case", { headers: { "x-aidtrail-receipt": receipt() } });
  render(shown);
}));
$("#mine-open").addEventListener("click", guarded($("#mine"), async () => {
  mine = await api("/v1/citizen/record", { headers: { "x-aidtrail-receipt": receipt() } });
  renderMine(mine);
}));
$("#feedback").addEventListener("submit", guarded($("#feedback-output"), async () => {
  const kind = document.querySelector("input[name=kind]:checked").value;
  const contact = $("#contact").value.trim();
  await api("/v1/citizen/feedback", { method: "POST", headers: { "x-aidtrail-receipt": receipt() }, body: { kind, ...(kind === "rating" ? { rating: Number($("#stars").value) } : contact ? { contact } : {}), text: $("#text").value } });
  $("#feedback-output").replaceChildren(el("p", { class: "ok", role: "status" }, t("received")));
}));
// A complaint is not rated; it may leave a number to be called back on.
for (const choice of document.querySelectorAll("input[name=kind]")) {
  choice.addEventListener("change", () => {
    const complaint = document.querySelector("input[name=kind]:checked").value === "complaint";
    $("#rating-fields").hidden = complaint;
    $("#contact-fields").hidden = !complaint;
  });
}
// Where the browser can read QR codes from a photo, the receipt can be scanned instead of typed.
if ("BarcodeDetector" in window) {
  $("#scan-label").hidden = false;
  $("#scan").addEventListener("change", guarded($("#lookup-output"), async () => {
    const [code] = await new window.BarcodeDetector({ formats: ["qr_code"] }).detect(await createImageBitmap($("#scan").files[0]));
    if (!code) throw new Error(t("unreadable"));
    $("#receipt").value = code.rawValue;
    $("#lookup").requestSubmit();
  }));
}
// A receipt's QR code may open this page with the receipt after "#": it is looked up at once, and
// the fragment never reaches the server's logs.
if (location.hash.length > 1) {
  $("#receipt").value = decodeURIComponent(location.hash.slice(1));
  $("#lookup").requestSubmit();
}
