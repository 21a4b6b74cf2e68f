import { PROGRAMME_NAMES, yuan } from "aidtrail/verify";
import { draftStep, relayStep, stepOutcome } from "./signed-step.js";
import { $, api, cst, divisionNames, el, guarded, placeElement } from "./common.js";
import { language, speak, t } from "./i18n.js";

/*
 * The public notice board (公示栏): every case of this gateway in its notice period, the name
 * masked, so that neighbours can object in time; printable for a township's wall. Open to anyone.
 */

let notices = null;
speak({
  zh: {
    title: "公示栏", heading: "社会救助公示栏", print: "打印张贴",
    explain: "以下家庭经审核审批拟给予救助，现予公示。对公示对象有异议的，请在公示截止日前向所在乡镇（街道）反映，工作人员将核实处理。",
    name: "申请人", place: "地区", programme: "救助项目", household: "家庭人口", amount: "拟核定每月金额", until: "公示截止", none: "目前没有正在公示的家庭。",
    people: (n) => `${n} 人`, amountIs: (a) => `${a} 元`, asOf: (b) => `截至账本第 ${b} 号区块`,
    objectionTitle: "登记公示异议（工作人员）", objectionExplain: "群众对公示对象有异议的，由乡镇（街道）的经办或审核人员登记；登记后案件退回重新审核。",
    officer: "工作人员登录以登记异议", objectionCase: "异议针对的家庭", objector: "异议人姓名", objectorContact: "异议人联系方式（选填）", objectionText: "异议内容", prepareObjection: "核对并生成待签异议",
    objectionIs: (name, until) => `登记对 ${name}（公示至 ${until}）的异议；案件将退回重新审核`, signObjection: "确认无误，签名登记", to: "交易对象",
    lodged: (tx) => `异议已登记，案件退回重新审核（交易 ${tx}）`, lodgedPending: "异议已记录，网关会在链可用时发送您的交易",
    needed: "请填写异议人姓名和异议内容", notObjection: "网关要求签署的不是这件异议：什么也没有签。请向上级报告此网关。", signInFirst: "请先用您的密钥文件登录",
  },
  en: {
    title: "Public notice", heading: "Social assistance public notice", print: "Print for the notice board",
    explain: "The households below are proposed for assistance after review and approval, and are hereby given public notice. Anyone who objects may tell their township office before the notice ends; officers will look into it.",
    name: "applicant", place: "place", programme: "programme", household: "household", amount: "monthly amount proposed", until: "notice until", none: "No household is in public notice now.",
    people: (n) => `${n} people`, amountIs: (a) => `${a} yuan`, asOf: (b) => `as of the ledger's block ${b}`,
    objectionTitle: "Take down an objection (officers)", objectionExplain: "An objection to a household in notice is taken down by a caseworker or reviewer of its township; the case then goes back to review.",
    officer: "Officers: sign in to take down an objection", objectionCase: "the household objected to", objector: "who objects", objectorContact: "their contact (optional)", objectionText: "the objection", prepareObjection: "Check and prepare for signing",
    objectionIs: (name, until) => `an objection to ${name} (in notice until ${until}); the case goes back to review`, signObjection: "Sign and take it down", to: "call to",
    lodged: (tx) => `The objection is taken down and the case is back in review (transaction ${tx})`, lodgedPending: "The objection is logged; the gateway sends your transaction as soon as the chain answers",
    needed: "give who objects and what they say", notObjection: "the gateway asked to sign something other than this objection; nothing was signed: report this gateway to your supervisor", signInFirst: "sign in with your keystore first",
  },
}, () => notices && draw());


function draw() {
  const { list, asOfBlock } = notices;
  $("#notices").replaceChildren(
    el("tr", {}, el("th", {}, t("name")), el("th", {}, t("place")), el("th", {}, t("programme")), el("th", {}, t("household")), el("th", {}, t("amount")), el("th", {}, t("until"))),
    ...list.map((n) =>
      el("tr", { class: "notice", "data-case": n.caseId },
        el("td", { lang: "zh-CN" }, n.name),
        el("td", {}, placeElement(n.jurisdiction)),
        el("td", {}, PROGRAMME_NAMES[n.programme]?.[language()] ?? n.programme),
        el("td", { class: "nowrap" }, t("people", n.householdSize)),
        el("td", { class: "nowrap" }, t("amountIs", yuan(n.approvedAmount))),
        el("td", { class: "nowrap" }, cst(n.noticeEnd, "day")),
      ),
    ),
  );
  $("#notices-output").replaceChildren(list.length === 0 ? el("p", { class: "muted" }, t("none")) : "");
  $("#as-of").textContent = t("asOf", asOfBlock);
}

/** Every page of the notices: a township's list is short, a county's a few pages of 200. */
async function load() {
  await divisionNames().catch(() => undefined);
  const list = [];
  let after = null;
  let asOfBlock = 0;
  do {
    const page = await api(`/v1/public/notices?limit=200${after ? `&after=${after}` : ""}`);
    list.push(...page.notices);
    asOfBlock = page.asOfBlock;
    after = page.next;
  } while (after);
  notices = { list, asOfBlock };
  draw();
}

$("#print").addEventListener("click", () => window.print());

/*
 * Officers take down objections here. Their sign-in (and ethers, which it needs) is loaded only
 * when an officer asks for it: the board itself is for anyone, on any connection.
 */
let officer = null;
$("#officer").addEventListener("click", guarded($("#objection-output"), async () => {
  officer = await import("./sign-in.js");
  $("#officer").hidden = true;
  officer.signInForm($("#sign-in"), () => {
    $("#objection-form").hidden = false;
    $("#objection-case").replaceChildren(...notices.list.map((n) => el("option", { value: n.caseId }, `${n.caseId.slice(2, 18).toUpperCase()} · ${n.name} · ${cst(n.noticeEnd, "day")}`)));
  });
}));

$("#objection-form").addEventListener("submit", guarded($("#objection-output"), async () => {
  const key = officer?.openedKey();
  if (!key) throw new Error(t("signInFirst"));
  const caseId = $("#objection-case").value;
  const name = $("#objector").value.trim();
  const text = $("#objection-text").value.trim();
  if (!name || !text) throw new Error(t("needed"));
  const objector = { name, ...($("#objector-contact").value.trim() ? { contact: $("#objector-contact").value.trim() } : {}) };
  const fields = { objector, text };
  const path = `/v1/cases/${caseId}/objections`;
  const { Interface } = await import("ethers");
  const registry = new Interface(["function lodgeObjection(bytes32 caseId, bytes32 evidenceHash)"]);
  // What is signed is checked first: this objection, as typed, about this case; exactly its call, from the officer's account.
  const drafted = await draftStep(path, fields, key, { fits: (record) => record.caseId === caseId && record.public.type === "objection" && JSON.stringify(record.personal) === JSON.stringify(fields), call: (hash) => registry.encodeFunctionData("lodgeObjection", [caseId, hash]), contract: "caseRegistry" }, () => t("notObjection"));
  const notice = notices.list.find((n) => n.caseId === caseId);
  const sign = el("button", { type: "button", id: "sign-objection" }, t("signObjection"));
  $("#objection-output").replaceChildren(el("div", { class: "card", id: "objection" }, el("p", {}, t("objectionIs", notice.name, cst(notice.noticeEnd, "day"))), el("p", { class: "muted" }, t("to"), " ", el("span", { class: "hash" }, drafted.transaction.to)), sign));
  sign.addEventListener("click", guarded($("#objection-output"), async () => {
    const relayed = await relayStep(path, fields, drafted, key);
    const { ledger } = relayed;
    $("#objection-output").replaceChildren(stepOutcome(ledger, (tx) => t("lodged", tx), t("lodgedPending")));
    await load();
  }));
}));
guarded($("#notices-output"), load)();
