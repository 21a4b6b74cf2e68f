import { equalization, PROGRAMME_NAMES, STAGE_LIMITS_DAYS } from "aidtrail/verify";
import { $, divisionNames, el, guarded, place, placeElement } from "./common.js";
import { bundleReport, fileDrop, readJsonFile } from "./bundle-file.js";
import { language, speak, t } from "./i18n.js";

/** The proven bundle's figures, drawn again in the other language. */
let shown = null;
speak({
  zh: {
    title: "监督 · 均等化", heading: "监督 · 均等化", toAuditor: "审计", fromBundle: "来自本页能够核验的审计包", dropHint: "拖入要比较的各地的审计包，由此命令导出：", fileLabel: "审计包文件",
    explain: "审计包先在这里核验（每条记录的哈希、由叶子重建的每个检查点的根）；数字只取自通过核验的记录，按地区、城乡分列。", perPlace: "按地区和城乡",
    columns: ["地区", "救助项目", "城乡", "案件数", "申请至首次发放天数（中位数）", "在时限内作出决定", "发放延迟天数（中位数）", "每百件投诉", "每百件公示异议"],
    areas: { urban: "城市", rural: "农村" }, noData: "无数据", limitAt: (v) => `时限 ${v}`, days: " 天",
    charts: ["申请至首次发放的天数", "在时限内作出决定的比例", "月初之后的发放延迟", "每百件案件的投诉"],
    notPassed: "审计包未通过核验：不从中计算任何数字",
  },
  en: {
    title: "Supervisor · equalisation", heading: "Supervisor · equalisation", toAuditor: "Auditor", fromBundle: "From a bundle this page can prove", dropHint: "Drop an audit bundle of the jurisdictions to compare, as this command exports it:", fileLabel: "Audit bundle file",
    explain: "The bundle is checked here first (every record hash, every checkpoint root rebuilt from the leaves); the figures come only from records that passed, per jurisdiction and urban against rural.", perPlace: "Per jurisdiction and area",
    columns: ["jurisdiction", "programme", "area", "cases", "days to first payment (median)", "decided within the limit", "payment delay, days (median)", "complaints per 100 cases", "objections per 100 cases"],
    areas: { urban: "urban", rural: "rural" }, noData: "no data", limitAt: (v) => `limit ${v}`, days: " d",
    charts: ["Days from application to first payment", "Share of cases decided within the time limit", "Payment delay after the start of the month", "Complaints per 100 cases"],
    notPassed: "the bundle did not pass its checks: no figures are drawn from it",
  },
}, () => shown?.());

const programmeName = (name) => PROGRAMME_NAMES[name]?.[language()] ?? name;
const areaName = (area) => t("areas")[area] ?? area;

const SVG = "http://www.w3.org/2000/svg";
const svg = (tag, attributes = {}, ...children) => {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  node.append(...children);
  return node;
};

/** A horizontal bar chart of one measure, a bar per jurisdiction and area, with the limit drawn where there is one. */
function chart(title, rows, value, { unit, limit } = {}) {
  const width = 560;
  const bar = 22;
  const label = 190;
  const values = rows.map(value);
  const max = Math.max(limit ?? 0, ...values.filter((v) => v !== null), 1);
  const scale = (v) => ((width - label - 60) * v) / max;
  const height = rows.length * (bar + 8) + 30;
  const figure = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": title, class: "chart" });
  rows.forEach((row, i) => {
    const y = i * (bar + 8) + 8;
    const v = values[i];
    figure.append(
      svg("text", { x: 0, y: y + 16, "font-size": 13 }, `${place(row.jurisdiction)} ${programmeName(row.programme)} ${areaName(row.area)}`),
      svg("rect", { x: label, y, width: v === null ? 0 : Math.max(1, scale(v)), height: bar, fill: limit !== undefined && v !== null && v > limit ? "#b3261e" : "#0b5cad", rx: 3 }),
      svg("text", { x: label + (v === null ? 0 : scale(v)) + 6, y: y + 16, "font-size": 13 }, v === null ? t("noData") : `${v}${unit ?? ""}`),
    );
  });
  if (limit !== undefined) figure.append(svg("line", { x1: label + scale(limit), x2: label + scale(limit), y1: 0, y2: height - 20, stroke: "#5b6775", "stroke-dasharray": "4 3" }), svg("text", { x: label + scale(limit) + 4, y: height - 6, "font-size": 12, fill: "#5b6775" }, t("limitAt", `${limit}${unit ?? ""}`)));
  return el("figure", {}, el("figcaption", {}, el("strong", {}, title)), figure);
}

fileDrop($("#drop"), $("#file"), (file) =>
  guarded($("#verdict"), async () => {
    const bundle = await readJsonFile(file);
    await divisionNames().catch(() => undefined);
    const report = bundleReport(bundle);
    const rows = report.check.failures.length > 0 ? null : equalization(report.records);
    shown = () => draw(report, rows);
    shown();
    if (!rows) throw new Error(t("notPassed"));
  })(),
);

function draw(report, rows) {
  $("#verdict").replaceChildren(report.view());
  if (!rows) return;
  $("#charts-section").hidden = false;
  const [titleDays, titleShare, titleDelay, titleComplaints] = t("charts");
  $("#figures").replaceChildren(
    el("tr", {}, t("columns").map((h) => el("th", {}, h))),
    ...rows.map((r) => el("tr", { class: "figure-row", "data-programme": r.programme, "data-area": r.area }, el("td", { "data-code": r.jurisdiction }, placeElement(r.jurisdiction)), el("td", {}, programmeName(r.programme)), el("td", {}, areaName(r.area)), el("td", {}, r.cases), el("td", {}, r.daysToFirstPayment ?? "–"), el("td", {}, r.decidedWithinLimit === null ? "–" : `${Math.round(r.decidedWithinLimit * 100)}%`), el("td", {}, r.paymentDelayDays ?? "–"), el("td", {}, r.complaintsPer100), el("td", {}, r.objectionsPer100))),
  );
  $("#charts").replaceChildren(
    chart(titleDays, rows, (r) => r.daysToFirstPayment, { unit: t("days"), limit: STAGE_LIMITS_DAYS.review + STAGE_LIMITS_DAYS.approval + STAGE_LIMITS_DAYS.firstPayment }),
    chart(titleShare, rows, (r) => (r.decidedWithinLimit === null ? null : Math.round(r.decidedWithinLimit * 100)), { unit: "%" }),
    chart(titleDelay, rows, (r) => r.paymentDelayDays, { unit: t("days") }),
    chart(titleComplaints, rows, (r) => r.complaintsPer100),
  );
}
