import { equalization, STAGE_LIMITS_DAYS } from "aidtrail/verify";
import { $, el, guarded } from "./common.js";
import { bundleReport, fileDrop, readJsonFile } from "./bundle-file.js";

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
      svg("text", { x: 0, y: y + 16, "font-size": 13 }, `${row.jurisdiction} ${row.programme} ${row.area}`),
      svg("rect", { x: label, y, width: v === null ? 0 : Math.max(1, scale(v)), height: bar, fill: limit !== undefined && v !== null && v > limit ? "#b3261e" : "#0b5cad", rx: 3 }),
      svg("text", { x: label + (v === null ? 0 : scale(v)) + 6, y: y + 16, "font-size": 13 }, v === null ? "no data" : `${v}${unit ?? ""}`),
    );
  });
  if (limit !== undefined) figure.append(svg("line", { x1: label + scale(limit), x2: label + scale(limit), y1: 0, y2: height - 20, stroke: "#5b6775", "stroke-dasharray": "4 3" }), svg("text", { x: label + scale(limit) + 4, y: height - 6, "font-size": 12, fill: "#5b6775" }, `limit ${limit}${unit ?? ""}`));
  return el("figure", {}, el("figcaption", {}, el("strong", {}, title)), figure);
}

fileDrop($("#drop"), $("#file"), (file) =>
  guarded($("#verdict"), async () => {
    const { check, view, records } = bundleReport(await readJsonFile(file));
    $("#verdict").replaceChildren(view);
    if (check.failures.length > 0) throw new Error("the bundle did not pass its checks: no figures are drawn from it");
    const rows = equalization(records);
    $("#charts-section").hidden = false;
    $("#figures").replaceChildren(
      el("tr", {}, ["jurisdiction", "programme", "area", "cases", "days to first payment (median)", "decided within the limit", "payment delay, days (median)", "complaints per 100 cases", "objections per 100 cases"].map((h) => el("th", {}, h))),
      ...rows.map((r) => el("tr", { class: "figure-row" }, el("td", {}, r.jurisdiction), el("td", {}, r.programme), el("td", {}, r.area), el("td", {}, r.cases), el("td", {}, r.daysToFirstPayment ?? "–"), el("td", {}, r.decidedWithinLimit === null ? "–" : `${Math.round(r.decidedWithinLimit * 100)}%`), el("td", {}, r.paymentDelayDays ?? "–"), el("td", {}, r.complaintsPer100), el("td", {}, r.objectionsPer100))),
    );
    $("#charts").replaceChildren(
      chart("Days from application to first payment", rows, (r) => r.daysToFirstPayment, { unit: " d", limit: STAGE_LIMITS_DAYS.review + STAGE_LIMITS_DAYS.approval + STAGE_LIMITS_DAYS.firstPayment }),
      chart("Share of cases decided within the time limit", rows, (r) => (r.decidedWithinLimit === null ? null : Math.round(r.decidedWithinLimit * 100)), { unit: "%" }),
      chart("Payment delay after the start of the month", rows, (r) => r.paymentDelayDays, { unit: " d" }),
      chart("Complaints per 100 cases", rows, (r) => r.complaintsPer100),
    );
  })(),
);
