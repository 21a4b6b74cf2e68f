import { PROGRAMME_NAMES } from "aidtrail/verify";
import { Interface } from "ethers";
import { $, api, cst, divisionNames, el, fact, guarded, placeElement, yuan } from "./common.js";
import { openedKey, signInForm } from "./sign-in.js";
import { draftStep, relayStep, signDrafted, stepOutcome } from "./signed-step.js";
import { readCaseNumber } from "./found-case.js";
import { checkLedger } from "./trusted-ledger.js";
import { language, speak, t } from "./i18n.js";

const signedIn = signInForm($("#sign-in"), () => guarded($("#budgets-output"), budgets)());
/** What the page shows, drawn again in the other language: the run, and the budgets (drawn as a tree, each under the one it was allocated from). */
let shown = null;
let drawBudgets = null;
speak({
  zh: {
    title: "财务 · 每月发放", heading: "财务 · 每月发放", draftTitle: "起草每月发放", programme: "救助项目", period: "月份（年年年年月月）", allocation: "拨款编号", batch: "每笔账本交易的户数", draft: "起草",
    explain: "本辖区该项目每一户正在发放的案件，按核定金额与月末现行标准中较小者发放；本月已发放、或尚未到享受月份的案件不发，并写明原因。发放由您自己的账户逐批签署交易完成：网关只负责转发，规则不允许的发放账本一律拒绝。",
    signTitle: "签署发放", sign: "签名并转发", orCli: "也可以在保管密钥的电脑上用命令行签署：", followTitle: "查看一次发放", run: "发放编号", show: "查看", paid: "已发放", skipped: "未发放及原因",
    caseCol: "案件", amountCol: "金额（元）", reasonCol: "原因", batchCol: "批次", casesCol: "户数", stateCol: "状态", txCol: "交易",
    runTitle: (r, p) => `发放 ${r.runId}：${p} ${r.period}，拨款 ${r.allocationId}`,
    draftedTitle: (r, p) => `已起草发放 ${r.runId}：${p} ${r.period}，拨款 ${r.allocationId}`,
    progress: (r, sent, failed) => `已在账本上发放 ${r.progress.paid}/${r.progress.lines} 户，未发 ${r.progress.skipped} 户；已发送 ${sent}/${r.batches.length} 批${failed ? `，被拒 ${failed} 批` : ""}`,
    drafted: (n, total, skipped, batches) => `待发放 ${n} 户，共 ${total} 元，未发 ${skipped} 户：需要您的账户签署 ${batches} 笔交易`,
    states: { pending: "等待中", sent: "已发送", done: "已上账", failed: "被拒" },
    cliHint: ["<链的节点地址>", "<本单位的部署文件>", "<您的密钥文件>"],
    noDraft: "请先起草一次发放", noWallet: "此浏览器没有钱包可以签名：请用下面的命令签署",
    wrongChain: (w, tx, c) => `${w}属于链 ${tx}，而您的钱包在链 ${c} 上：没有签署任何交易`,
    wrongAccount: (w, from) => `${w}的发送账户是 ${from}，不是您钱包的账户：没有签署任何交易`,
    withValue: (w, v) => `${w}会转出 ${v} wei，发放不应转出任何金额：没有签署任何交易`,
    wrongNonce: (w, n, next) => `${w}的序号是 ${n}，而您账户的下一个序号是 ${next}（起草后您又发出过交易：请重新起草）：没有签署任何交易`,
    which: (i) => `第 ${i} 批的交易`,
    notTheRun: (w) => `${w}与起草的发放不符（付款明细或发放文件）：没有签署任何交易。请向上级报告此网关。`,
    budgetsTitle: "预算与拨款", budgetsExplain: "本县及其上级的预算和逐级拨款，按账本现在的数字：金额、已向下拨付、已发放、可用。县级拨款可直接用于发放。",
    allocationCol: "拨款", placeCol: "地区", yearCol: "年度", amountTotal: "金额（元）", allocatedCol: "已下拨（元）", paidCol: "已发放（元）", availableCol: "可用（元）", use: "用于发放",
    reverseTitle: "冲回银行退回的发放", reverseExplain: "银行退回的发放（账户销户、信息有误）由您冲回：款项回到原拨款，该月可重新发放。按月份和案件号找到尚未确认到账的这笔发放，写明退回原因，用您自己的密钥签署。",
    signInFirst: "请先用您的密钥文件登录", caseNumber: "案件号", reverseReason: "退回原因（记入记录，不上链）", prepareReversal: "生成待签冲回", reverseNeeded: "请填写月份、案件号和退回原因",
    noOutstanding: (n, p) => `${p} 没有案件 ${n} 等待银行确认的发放：只有已发放、尚未确认到账的发放可以冲回`,
    reversalIs: (n, p, a, alloc) => `冲回案件 ${n} ${p} 的发放 ${a} 元，退回拨款 ${alloc}`, signReversal: "确认无误，签名冲回", to: "交易对象",
    notReversal: "网关要求签署的不是这笔发放的冲回：什么也没有签。请向上级报告此网关。",
    reversed: (n, tx) => `案件 ${n} 的发放已冲回（交易 ${tx}）`, reversalPending: (n) => `案件 ${n} 的冲回已记录，网关会在链可用时发送您的交易`,
  },
  en: {
    title: "Finance officer · payout runs", heading: "Finance officer · payout runs", draftTitle: "Draft a monthly run", programme: "Programme", period: "Month (YYYYMM)", allocation: "Allocation", batch: "Cases per ledger batch", draft: "Draft the run",
    explain: "Each active case of the programme in this gateway's jurisdiction is paid the smaller of its approved amount and the standard in force at the end of the month; a case already paid for the month, or not yet entitled to it, is skipped with the reason. The run is paid by your own transactions, one a batch, signed with your key: the gateway only relays them, and the ledger refuses any payment its rules do not allow.",
    signTitle: "Sign the run", sign: "Sign and relay", orCli: "Or sign it where your key is, from the command line:", followTitle: "Follow a run", run: "Run", show: "Show", paid: "Paid", skipped: "Skipped, and why",
    caseCol: "case", amountCol: "amount (yuan)", reasonCol: "reason", batchCol: "batch", casesCol: "cases", stateCol: "state", txCol: "transaction",
    runTitle: (r, p) => `Run ${r.runId}: ${p} ${r.period}, allocation ${r.allocationId}`,
    draftedTitle: (r, p) => `Run ${r.runId} drafted: ${p} ${r.period}, allocation ${r.allocationId}`,
    progress: (r, sent, failed) => `${r.progress.paid} of ${r.progress.lines} cases paid on the ledger, ${r.progress.skipped} skipped; ${sent} of ${r.batches.length} batches sent${failed ? `, ${failed} refused` : ""}`,
    drafted: (n, total, skipped, batches) => `${n} cases to pay, ${total} yuan in all, ${skipped} skipped: ${batches} transactions of your account to sign`,
    states: { pending: "pending", sent: "sent", done: "done", failed: "failed" },
    cliHint: ["<a node of the chain>", "<your office's deployment file>", "<your keystore>"],
    noDraft: "draft a run first", noWallet: "no browser wallet here to sign with: sign the run with the command below instead",
    wrongChain: (w, tx, c) => `${w} is for chain ${tx}, but your wallet is on chain ${c}: nothing was signed`,
    wrongAccount: (w, from) => `${w} is from ${from}, which is not your wallet's account: nothing was signed`,
    withValue: (w, v) => `${w} would send ${v} wei; a payout run sends none: nothing was signed`,
    wrongNonce: (w, n, next) => `${w} has nonce ${n}, but your account's next is ${next} (another of your transactions went out since the draft: draft the run again): nothing was signed`,
    which: (i) => `batch ${i}'s transaction`,
    notTheRun: (w) => `${w} is not the drafted run's (its lines or its payment file): nothing was signed; report this gateway to your supervisor`,
    budgetsTitle: "Budgets and allocations", budgetsExplain: "The budgets of this county and above it, allocated down level by level, as the ledger holds them now: amount, allocated further down, paid, available. A county's allocation pays cases.",
    allocationCol: "allocation", placeCol: "place", yearCol: "year", amountTotal: "amount (yuan)", allocatedCol: "allocated down (yuan)", paidCol: "paid (yuan)", availableCol: "available (yuan)", use: "Pay from it",
    reverseTitle: "Reverse a payment the bank returned", reverseExplain: "A payment the bank returned (account closed, details wrong) is reversed by you: the money goes back to its allocation and the month may be paid again. Find the payment not yet confirmed by the month and the case number, give the bank's reason, and sign with your own key.",
    signInFirst: "sign in with your keystore first", caseNumber: "case number", reverseReason: "Reason it came back (kept in the record, not on the ledger)", prepareReversal: "Prepare the reversal", reverseNeeded: "give the month, the case number and the reason",
    noOutstanding: (n, p) => `no payment of case ${n} for ${p} is waiting for the bank's confirmation: only a payment made and not yet confirmed can be reversed`,
    reversalIs: (n, p, a, alloc) => `REVERSE case ${n}'s payment for ${p}, ${a} yuan, back to allocation ${alloc}`, signReversal: "Sign the reversal", to: "call to",
    notReversal: "the gateway asked to sign something other than this payment's reversal; nothing was signed: report this gateway to your supervisor",
    reversed: (n, tx) => `Case ${n}'s payment is reversed (transaction ${tx})`, reversalPending: (n) => `Case ${n}'s reversal is logged; the gateway sends your transaction as soon as the chain answers`,
  },
}, () => {
  signedIn();
  programmes();
  if (shown) shown();
  drawBudgets?.();
});

/** The monthly programmes, by their names in the page's language. */
function programmes() {
  const chosen = $("#programme").value || "dibao";
  $("#programme").replaceChildren(...["dibao", "tekun"].map((name) => el("option", { value: name, selected: name === chosen }, PROGRAMME_NAMES[name][language()])));
}
const programmeName = (name) => PROGRAMME_NAMES[name]?.[language()] ?? name;
// The ledger judges the month by its own clock (China Standard Time); this is only a suggestion.
$("#period").value = cst(Date.now(), "month");

/** The run drafted for the signed-in officer, with the fields it was drafted from, until it is signed. */
let drafted = null;

function fields() {
  return { programme: $("#programme").value, period: Number($("#period").value), allocationId: $("#allocation").value.trim(), batchSize: Number($("#batch").value) };
}

function lineTables(run) {
  $("#paid").replaceChildren(el("tr", {}, el("th", {}, t("caseCol")), el("th", {}, t("amountCol"))), ...run.lines.map((l) => el("tr", { class: "paid-line" }, el("td", { class: "hash" }, l.caseId), el("td", {}, yuan(l.amount)))));
  $("#skipped").replaceChildren(el("tr", {}, el("th", {}, t("caseCol")), el("th", {}, t("reasonCol"))), ...run.skipped.map((s) => el("tr", { class: "skipped-line" }, el("td", { class: "hash" }, s.caseId), el("td", {}, language() === "zh" ? s.zh : s.reason))));
}

function show(run) {
  shown = () => show(run);
  $("#progress-section").hidden = false;
  $("#run-title").textContent = t("runTitle", run, programmeName(run.programme));
  const sent = run.batches.filter((b) => b.state === "done").length;
  const failed = run.batches.filter((b) => b.state === "failed");
  $("#progress").textContent = t("progress", run, sent, failed.length);
  const state = (b) => t("states")[b.state] ?? b.state;
  $("#batches").replaceChildren(
    el("tr", {}, el("th", {}, t("batchCol")), el("th", {}, t("casesCol")), el("th", {}, t("stateCol")), el("th", {}, t("txCol"))),
    ...run.batches.map((b, i) => el("tr", {}, el("td", {}, i + 1), el("td", {}, b.size), el("td", { class: b.state === "done" ? "ok" : b.state === "failed" ? "bad" : "" }, b.error ? `${state(b)}: ${language() === "zh" && b.error.zh ? b.error.zh.message : b.error.message}` : state(b)), el("td", { class: "hash" }, b.transactionHash ?? ""))),
  );
  lineTables(run);
  return run.batches.every((b) => b.state === "done" || b.state === "failed");
}

/** Batches go to the ledger in the background: watch them land. */
async function watch(run) {
  while (!show(run)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    run = await api(`/v1/payout-runs/${run.runId}`);
  }
}

/** A drafted transaction as a wallet's JSON-RPC takes it: quantities in hex. */
function rpcTransaction(tx) {
  const hex = (v) => (v === undefined || v === null ? undefined : "0x" + BigInt(v).toString(16));
  const out = { from: tx.from, to: tx.to, data: tx.data, nonce: hex(tx.nonce), gas: hex(tx.gasLimit), chainId: hex(tx.chainId), type: hex(tx.type ?? 0) };
  if (tx.maxFeePerGas !== undefined && tx.maxFeePerGas !== null) Object.assign(out, { maxFeePerGas: hex(tx.maxFeePerGas), maxPriorityFeePerGas: hex(tx.maxPriorityFeePerGas ?? 0) });
  else out.gasPrice = hex(tx.gasPrice);
  return out;
}

// The run is drafted here; it is paid only by the officer's own signatures, one a batch.
$("#run-form").addEventListener("submit", guarded($("#run-output"), async () => {
  const asked = fields();
  drafted = { asked, ...(await api("/v1/payout-runs/draft", { method: "POST", body: asked })) };
  const { run, batches } = drafted;
  const total = run.lines.reduce((sum, l) => sum + BigInt(l.amount), 0n);
  const draw = () => {
    $("#progress-section").hidden = false;
    $("#run-title").textContent = t("draftedTitle", run, programmeName(run.programme));
    $("#progress").textContent = t("drafted", run.lines.length, yuan(total), run.skipped.length, batches.length);
    $("#batches").replaceChildren();
    lineTables(run);
    const [rpc, deployment, keystore] = t("cliHint");
    $("#cli").textContent = `npx aidtrail sign-call payout-run --programme ${asked.programme} --period ${asked.period} --allocation ${asked.allocationId} --batch-size ${asked.batchSize} --gateway ${location.origin} --rpc ${rpc} --deployment ${deployment} --keystore ${keystore}`;
  };
  shown = draw;
  draw();
  $("#sign-section").hidden = false;
}));

/**
 * The page is the gateway's, so it checks what it can against the wallet's own node rather than
 * the gateway's word, before the wallet is asked to sign anything: the wallet's chain, account and
 * next nonce, and no value. (The contract it calls is for the wallet's confirmation, or the
 * command line, to pin against the deployment the officer trusts.)
 */
async function checkAgainstWallet(batches) {
  const wallet = window.ethereum;
  const chainId = BigInt(await wallet.request({ method: "eth_chainId", params: [] }));
  const accounts = (await wallet.request({ method: "eth_accounts", params: [] })).map((a) => a.toLowerCase());
  const first = batches[0].transaction;
  const next = Number(BigInt(await wallet.request({ method: "eth_getTransactionCount", params: [first.from, "pending"] })));
  batches.forEach(({ transaction: tx }, i) => {
    const which = t("which", i + 1);
    if (BigInt(tx.chainId) !== chainId) throw new Error(t("wrongChain", which, tx.chainId, chainId));
    if (!accounts.includes(tx.from.toLowerCase())) throw new Error(t("wrongAccount", which, tx.from));
    if (BigInt(tx.value ?? 0) !== 0n) throw new Error(t("withValue", which, tx.value));
    if (Number(tx.nonce) !== next + i) throw new Error(t("wrongNonce", which, tx.nonce, next + i));
  });
}

const LEDGER = new Interface([
  "function payBatch(uint64 allocationId, uint32 period, (bytes32 caseId, uint64 amount)[] payments)",
  "function reversePayout(uint64 allocationId, bytes32 caseId, uint32 period, uint64 amount, bytes32 reasonHash)",
]);

/**
 * Each batch's transaction goes to the trusted ledger's fund ledger and pays exactly its payment
 * file's lines (a payout's call names its lines, as the verifier matches them), from the run's
 * allocation, for its month; the batches' lines are the run's; from the account signing, in nonce
 * order, sending no value.
 */
async function checkBatches(batches, run, from) {
  for (const { transaction } of batches) await checkLedger(transaction, "fundLedger");
  const all = batches.flatMap((b) => b.record.public.lines);
  if (JSON.stringify(all) !== JSON.stringify(run.lines)) throw new Error(t("notTheRun", t("which", 1)));
  let nonce = Number(batches[0].transaction.nonce);
  batches.forEach(({ transaction: tx, record }, i) => {
    const which = t("which", i + 1);
    if (tx.from.toLowerCase() !== from.toLowerCase()) throw new Error(t("wrongAccount", which, tx.from));
    if (BigInt(tx.value ?? 0) !== 0n) throw new Error(t("withValue", which, tx.value));
    if (Number(tx.nonce) !== nonce++) throw new Error(t("wrongNonce", which, tx.nonce, nonce - 1));
    const lines = record.public.lines;
    const same = record.public.period === run.period && record.public.allocationId === run.allocationId && record.public.runId === run.runId;
    const data = LEDGER.encodeFunctionData("payBatch", [BigInt(run.allocationId), run.period, lines.map((l) => ({ caseId: l.caseId, amount: BigInt(l.amount) }))]);
    if (!same || tx.data !== data) throw new Error(t("notTheRun", which));
  });
}

$("#sign").addEventListener("click", guarded($("#sign-output"), async () => {
  if (!drafted) throw new Error(t("noDraft"));
  const key = openedKey();
  const signedTransactions = [];
  if (key) {
    // The key opened in the page signs, once the page has checked each batch.
    await checkBatches(drafted.batches, drafted.run, key.address);
    for (const { transaction } of drafted.batches) signedTransactions.push(await signDrafted(key, transaction));
  } else {
    if (!window.ethereum) throw new Error(t("noWallet"));
    await checkAgainstWallet(drafted.batches);
    await checkBatches(drafted.batches, drafted.run, drafted.batches[0].transaction.from);
    for (const batch of drafted.batches) {
      const signed = await window.ethereum.request({ method: "eth_signTransaction", params: [rpcTransaction(batch.transaction)] });
      signedTransactions.push(typeof signed === "string" ? signed : signed.raw);
    }
  }
  const run = await api("/v1/payout-runs", { method: "POST", body: { ...drafted.asked, draft: drafted.draft, signedTransactions } });
  drafted = null;
  $("#sign-section").hidden = true;
  await watch(run);
}));

$("#watch-form").addEventListener("submit", guarded($("#watch-output"), async () => {
  await watch(await api(`/v1/payout-runs/${encodeURIComponent($("#run-id").value.trim())}`));
}));

async function budgets() {
  const [{ allocations }] = await Promise.all([api("/v1/allocations"), divisionNames().catch(() => undefined)]);
  drawBudgets = () => {
    const children = new Map();
    for (const a of allocations) children.set(a.parent, [...(children.get(a.parent) ?? []), a]);
    const rows = [];
    const walk = (parent, depth) => {
      for (const a of children.get(parent) ?? []) {
        const use = el("button", { type: "button", class: "link", "data-use": a.allocationId }, t("use"));
        use.addEventListener("click", () => {
          $("#allocation").value = a.allocationId;
          if (["dibao", "tekun"].includes(a.programme)) $("#programme").value = a.programme;
          $("#run-form").scrollIntoView();
        });
        rows.push(el("tr", { class: "budget", "data-allocation": a.allocationId },
          el("td", { class: "nowrap", style: `padding-left: ${depth * 1.5 + 0.5}em` }, `#${a.allocationId}`, a.paysCases ? [" ", use] : ""),
          el("td", {}, placeElement(a.jurisdiction)),
          el("td", {}, programmeName(a.programme)),
          el("td", {}, a.fiscalYear),
          el("td", { class: "nowrap" }, yuan(a.amount)),
          el("td", { class: "nowrap" }, yuan(a.allocated)),
          el("td", { class: "nowrap" }, yuan(a.paid)),
          el("td", { class: "nowrap" }, yuan(a.available)),
        ));
        walk(a.allocationId, depth + 1);
      }
    };
    // Roots are appropriations (parent 0), or allocations whose parent is off this county's line.
    const ids = new Set(allocations.map((a) => a.allocationId));
    for (const root of [...new Set(allocations.filter((a) => !ids.has(a.parent)).map((a) => a.parent))]) walk(root, 0);
    $("#budgets").replaceChildren(
      el("tr", {}, ...["allocationCol", "placeCol", "programme", "yearCol", "amountTotal", "allocatedCol", "paidCol", "availableCol"].map((k) => el("th", {}, t(k)))),
      ...rows,
    );
  };
  drawBudgets();
}

// A returned payment, found among the month's payouts not yet confirmed, reversed by the officer's own transaction once checked.
$("#reverse-form").addEventListener("submit", guarded($("#reverse-output"), async () => {
  const key = openedKey();
  if (!key) throw new Error(t("signInFirst"));
  const period = Number($("#reverse-period").value.trim());
  const reason = $("#reverse-reason").value.trim();
  if (!period || !$("#reverse-case").value.trim() || !reason) throw new Error(t("reverseNeeded"));
  const number = readCaseNumber($("#reverse-case").value);
  const { payouts } = await api(`/v1/settlements/outstanding?period=${period}`);
  const payout = payouts.find((p) => p.caseNumber === number);
  if (!payout) throw new Error(t("noOutstanding", number, period));
  const fields = { caseId: payout.caseId, period, reason };
  // The allocation is the ledger's, read by the gateway into the record (the ledger refuses any other); the amount must be the payout's as listed, the whole of it.
  const fits = (record) => record.caseId === payout.caseId && record.public.type === "payout-reversal" && record.public.period === period && record.public.amount === payout.amount && record.personal?.reason === reason;
  const call = (hash, record) => LEDGER.encodeFunctionData("reversePayout", [BigInt(record.public.allocationId), payout.caseId, period, BigInt(payout.amount), hash]);
  const drafted = await draftStep("/v1/reversals", fields, key, { fits, call, contract: "fundLedger" }, () => t("notReversal"));
  const { allocationId } = drafted.record.public;
  const sign = el("button", { type: "button", id: "sign-reversal" }, t("signReversal"));
  $("#reversal").replaceChildren(el("div", { class: "card" }, el("dl", { class: "facts" }, ...fact(t("prepareReversal"), t("reversalIs", number, period, yuan(payout.amount), allocationId)), ...fact(t("reverseReason"), reason), ...fact(t("to"), drafted.transaction.to, "hash")), sign));
  sign.addEventListener("click", guarded($("#reverse-output"), async () => {
    const { ledger } = await relayStep("/v1/reversals", fields, drafted, key);
    $("#reversal").replaceChildren();
    $("#reverse-output").replaceChildren(stepOutcome(ledger, (tx) => t("reversed", number, tx), t("reversalPending", number)));
    await budgets();
  }));
}));

if (sessionStorage.getItem("aidtrail.token")) guarded($("#budgets-output"), budgets)();
