import { equalBytes, recordHash, rootFromInclusionProof } from "aidtrail/verify/proofs";
import { $, api, cst, el, guarded, yuan } from "./common.js";
import { language, speak, t } from "./i18n.js";

/** The case on show, drawn again in the other language. */
let shown = null;

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
  },
}, () => shown && render(shown));

const fromHex = (hex) => Uint8Array.from(hex.slice(2).match(/../g) ?? [], (b) => parseInt(b, 16));

/**
 * Whether a payment is on the ledger, decided here and not taken from the server's word: the
 * payment file's record hash recomputed, its line for this case and amount found, and its RFC 9162
 * inclusion proof folded up to the anchored checkpoint's root, by the kit's own functions (its
 * light part, which needs no secp256k1 and so loads no ethers).
 */
async function verifiedOnLedger(payment, caseId) {
  const file = payment.paymentFile;
  if (!file?.proof || !file.checkpoint) return false;
  const leaf = recordHash(file.record);
  if (!equalBytes(leaf, fromHex(file.leafHash))) return false;
  if (!file.record.public.lines?.some((line) => line.caseId === caseId && String(line.amount) === payment.amount)) return false;
  const root = rootFromInclusionProof(leaf, file.leafIndex, file.checkpoint.treeSize, file.proof.map(fromHex));
  return root !== null && equalBytes(root, fromHex(file.checkpoint.root));
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
