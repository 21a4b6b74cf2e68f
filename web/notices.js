import { PROGRAMME_NAMES, yuan } from "aidtrail/verify";
import { $, api, cst, el, guarded } from "./common.js";
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
  },
  en: {
    title: "Public notice", heading: "Social assistance public notice", print: "Print for the notice board",
    explain: "The households below are proposed for assistance after review and approval, and are hereby given public notice. Anyone who objects may tell their township office before the notice ends; officers will look into it.",
    name: "applicant", place: "place", programme: "programme", household: "household", amount: "monthly amount proposed", until: "notice until", none: "No household is in public notice now.",
    people: (n) => `${n} people`, amountIs: (a) => `${a} yuan`, asOf: (b) => `as of the ledger's block ${b}`,
  },
}, () => notices && draw());


function draw() {
  const { list, asOfBlock } = notices;
  $("#notices").replaceChildren(
    el("tr", {}, el("th", {}, t("name")), el("th", {}, t("place")), el("th", {}, t("programme")), el("th", {}, t("household")), el("th", {}, t("amount")), el("th", {}, t("until"))),
    ...list.map((n) =>
      el("tr", { class: "notice" },
        el("td", { lang: "zh-CN" }, n.name),
        el("td", { class: "case-number" }, n.jurisdiction),
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
guarded($("#notices-output"), load)();
