import { fenOf, yuan } from "aidtrail/verify";
import { parse } from "csv-parse/browser/esm/sync";
import { Interface } from "ethers";
import { $, api, cst, el, fact, guarded } from "./common.js";
import { speak, t } from "./i18n.js";
import { openedKey, signInForm } from "./sign-in.js";
import { draftStep, relayStep, stepOutcome } from "./signed-step.js";

const signedIn = signInForm($("#sign-in"));
/** What the page shows, drawn again in the other language. */
const shown = {};
speak({
  zh: {
    title: "到账确认", heading: "到账确认", matchTitle: "银行回盘文件", period: "发放月份（年年年年月月）", returnFile: "银行回盘文件（CSV）",
    format: "CSV 每行一笔：案件号、金额（元）、结果（成功或失败）、银行流水号、原因（失败时）；第一行为表头。逐行与账本上本月尚未确认的发放核对，成功的一次签名确认到账；退回的交财务人员冲回。",
    caseNumber: "案件号", amount: "金额（元）", result: "银行结果", reference: "银行流水号", match: "核对",
    arrived: "到账", returned: (why) => `退回：${why || "未说明原因"}`, notPaid: "本月账本上没有这笔待确认的发放", amountDiffers: (a) => `金额不符：账本上是 ${a} 元`, unreadable: "这一行读不懂", twice: "同一笔发放在文件中出现了两次",
    summary: (ok, back, bad) => `可确认到账 ${ok} 笔；退回 ${back} 笔，须由财务人员冲回；对不上 ${bad} 笔，不予确认`,
    toSignTitle: "您将签署", signSettlement: "确认无误，签名确认到账",
    confirm: "确认到账", confirmIs: (n, total, p) => `${p} 的 ${n} 笔发放已到账，共 ${total} 元`, record: "到账记录指纹", to: "交易对象", chain: "链", from: "签名账户",
    done: (tx) => `已确认到账，账本交易 ${tx}`, pending: "已记录，网关会在链可用时立即发送您的交易", failed: (why) => `账本拒绝了这笔确认：${why}`,
    signInFirst: "请先用您的密钥文件登录", periodInvalid: "月份应为年年年年月月，例如 202612", nothingToConfirm: "没有可以确认到账的行",
    notAsDrafted: (what) => `网关给出的待签内容与回盘文件不符（${what}）：什么也没有签。请向上级报告此网关。`,
  },
  en: {
    title: "Settlement", heading: "Settlement", matchTitle: "The bank's return file", period: "Month paid (YYYYMM)", returnFile: "The bank's return file (CSV)",
    format: "One payment a line: case number, amount (yuan), result (success or failed), bank reference, reason (if failed); the first line a header. Each line is matched to the month's payouts not yet confirmed on the ledger; those that arrived are confirmed in one signature; those returned go to a finance officer to reverse.",
    caseNumber: "case number", amount: "amount (yuan)", result: "bank's result", reference: "bank reference", match: "match",
    arrived: "arrived", returned: (why) => `returned: ${why || "no reason given"}`, notPaid: "no such payout of this month awaits confirmation on the ledger", amountDiffers: (a) => `amount differs: the ledger paid ${a} yuan`, unreadable: "this line cannot be read", twice: "the same payout is in the file twice",
    summary: (ok, back, bad) => `${ok} to confirm as arrived; ${back} returned, for a finance officer to reverse; ${bad} not matching, not confirmed`,
    toSignTitle: "You are about to sign", signSettlement: "Sign the confirmation",
    confirm: "confirm", confirmIs: (n, total, p) => `${n} payouts of ${p} arrived, ${total} yuan in all`, record: "settlement record's fingerprint", to: "call to", chain: "chain", from: "signing account",
    done: (tx) => `Confirmed: ledger transaction ${tx}`, pending: "Logged: the gateway sends your transaction as soon as the chain answers", failed: (why) => `The ledger refused the confirmation: ${why}`,
    signInFirst: "sign in with your keystore first", periodInvalid: "the month is YYYYMM, such as 202612", nothingToConfirm: "no line can be confirmed as arrived",
    notAsDrafted: (what) => `what the gateway asks to sign does not match the return file (${what}); nothing was signed: report this gateway to your supervisor`,
  },
}, () => {
  signedIn();
  for (const draw of Object.values(shown)) draw?.();
});

// The ledger judges the month by its own clock (China Standard Time); this is only a suggestion.
$("#period").value = cst(Date.now(), "month");
const LEDGER = new Interface(["function confirmSettlements(uint32 period, (bytes32 caseId, bytes32 evidenceHash)[] settlements)"]);
const SUCCESS = /^(成功|已到账|到账|success|succeeded|ok|paid)$/i;


/** Each line of the return file matched to the ledger's outstanding payout of its case: arrived, returned, or not matching. */
function matchLines(rows, outstanding) {
  const byNumber = new Map(outstanding.map((p) => [p.caseNumber, p]));
  const seen = new Set();
  return rows.map((row) => {
    const [number, amount, result, reference, reason] = row.map((cell) => String(cell ?? "").trim());
    const key = number.toUpperCase().replace(/^0X/, "").slice(0, 16);
    const payout = byNumber.get(key);
    const line = { number, amount, result, reference, reason, payout };
    if (!number || fenOf(amount) === null) return { ...line, verdict: "bad", why: () => t("unreadable") };
    if (!payout) return { ...line, verdict: "bad", why: () => t("notPaid") };
    if (seen.has(key)) return { ...line, verdict: "bad", why: () => t("twice") };
    seen.add(key);
    if (fenOf(amount) !== payout.amount) return { ...line, verdict: "bad", why: () => t("amountDiffers", yuan(payout.amount)) };
    if (!SUCCESS.test(result)) return { ...line, verdict: "returned", why: () => t("returned", reason) };
    if (!reference) return { ...line, verdict: "bad", why: () => t("unreadable") };
    return { ...line, verdict: "arrived", why: () => t("arrived") };
  });
}

let matched = null;

function drawMatched() {
  $("#matched").replaceChildren(
    el("tr", {}, el("th", {}, t("caseNumber")), el("th", {}, t("amount")), el("th", {}, t("result")), el("th", {}, t("reference")), el("th", {}, t("match"))),
    ...matched.lines.map((l) => el("tr", { class: "return-line", "data-verdict": l.verdict }, el("td", { class: "case-number" }, l.number), el("td", { class: "nowrap" }, l.amount), el("td", {}, l.result), el("td", { class: "hash" }, l.reference), el("td", { class: l.verdict === "arrived" ? "ok" : "bad" }, l.why()))),
  );
  const count = (v) => matched.lines.filter((l) => l.verdict === v).length;
  $("#summary").textContent = t("summary", count("arrived"), count("returned"), count("bad"));
}

$("#return-file").addEventListener("change", guarded($("#match-output"), async () => {
  const period = Number($("#period").value.trim());
  if (!/^\d{6}$/.test($("#period").value.trim())) throw new Error(t("periodInvalid"));
  const rows = parse(await $("#return-file").files[0].text(), { bom: true, skip_empty_lines: true, relax_column_count: true, from_line: 2 });
  const { payouts } = await api(`/v1/settlements/outstanding?period=${period}`);
  matched = { period, lines: matchLines(rows, payouts), drafted: null };
  shown.matched = drawMatched;
  drawMatched();
  const arrived = matched.lines.filter((l) => l.verdict === "arrived");
  if (arrived.length === 0) throw new Error(t("nothingToConfirm"));
  const key = openedKey();
  if (!key) throw new Error(t("signInFirst"));
  const fields = { period, settlements: arrived.map((l) => ({ caseId: l.payout.caseId, reference: l.reference })) };
  // The gateway is not trusted with what is signed: the settlement record holds the lines matched
  // here, and the transaction confirms exactly those lines with that record as their evidence.
  const drafted = await draftStep(
    "/v1/settlements",
    fields,
    key,
    {
      fits: (record) => JSON.stringify(record.public.lines) === JSON.stringify(fields.settlements) && record.public.period === fields.period,
      call: (hash) => LEDGER.encodeFunctionData("confirmSettlements", [fields.period, fields.settlements.map((s) => ({ caseId: s.caseId, evidenceHash: hash }))]),
      contract: "fundLedger",
    },
    (what) => t("notAsDrafted", what === "record" ? "lines" : what),
  );
  matched.drafted = { fields, drafted, total: arrived.reduce((sum, l) => sum + BigInt(l.payout.amount), 0n) };
  shown.plain = drawPlain;
  drawPlain();
  $("#to-sign").hidden = false;
}));

function drawPlain() {
  const { fields, drafted, total } = matched.drafted;
  $("#plain").replaceChildren(
    ...fact(t("confirm"), t("confirmIs", fields.settlements.length, yuan(total), fields.period)),
    ...fact(t("record"), drafted.recordHash, "hash"),
    ...fact(t("from"), drafted.transaction.from, "hash"),
    ...fact(t("to"), drafted.transaction.to, "hash"),
    ...fact(t("chain"), String(drafted.transaction.chainId)),
  );
}

$("#sign-settlement").addEventListener("click", guarded($("#signed-output"), async () => {
  const key = openedKey();
  if (!key || !matched?.drafted) throw new Error(t("signInFirst"));
  const { fields, drafted } = matched.drafted;
  const relayed = await relayStep("/v1/settlements", fields, drafted, key);
  $("#to-sign").hidden = true;
  shown.signed = () => {
    const { ledger } = relayed;
    $("#signed-output").replaceChildren(stepOutcome(ledger, (tx) => t("done", tx), t("pending"), (reason) => t("failed", reason)));
  };
  shown.signed();
}));
