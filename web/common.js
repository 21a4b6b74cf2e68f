/** What every page shares: calls to the gateway (with the officer's session, when signed in), and small DOM helpers. */
import { language } from "./i18n.js";
export const $ = (selector) => document.querySelector(selector);

/** Builds an element: el("td", { class: "ok" }, "text", child). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

export { yuan } from "aidtrail/verify/proofs";

/**
 * A time as China Standard Time reads it (UTC+8, no daylight saving): "2026-12-07 16:30" to the
 * minute, or `to` "day", "month" (YYYYMM) or "second". Given milliseconds, or an ISO time.
 */
export function cst(time, to = "minute") {
  const text = new Date((typeof time === "string" ? Date.parse(time) : time) + 8 * 3600_000).toISOString().replace("T", " ");
  return to === "day" ? text.slice(0, 10) : to === "month" ? text.slice(0, 7).replace("-", "") : to === "second" ? text.slice(0, 19) : text.slice(0, 16);
}

/** Division names by code (GET /v1/divisions), once read: see divisionNames. */
let names = new Map();

/** Reads the gateway's list of division names, once; until then, and for a code it does not name, `place` gives the code. */
export async function divisionNames() {
  if (names.size === 0) names = new Map((await api("/v1/divisions")).divisions.map((d) => [d.code, d.name]));
  return names;
}

/** The nation, all zeros, where the central budget is held: no division of the code list. */
const NATION = "000000000000";
const nation = () => (language() === "zh" ? "全国" : "the nation");

/** A division by its name where the gateway's list has it, by its code otherwise. */
export const place = (code) => (String(code) === NATION ? nation() : (names.get(String(code)) ?? String(code)));

/** A division's name as an element: a Chinese proper name whatever the page's language (lang marks it), or its code. */
export const placeElement = (code) =>
  String(code) === NATION ? el("span", {}, nation()) : names.has(String(code)) ? el("span", { lang: "zh-CN" }, place(code)) : el("span", { class: "case-number" }, String(code));

/** The gateway's error, as it says it: its message, and what to do. */
class GatewayError extends Error {
  constructor(body, status) {
    // A page in Chinese shows the Chinese words where the gateway gives them.
    const words = language() === "zh" && body?.error?.zh ? body.error.zh : body?.error;
    super(words ? `${words.message}${words.hint ? ` — ${words.hint}` : ""}` : `HTTP ${status}`);
    this.code = body?.error?.code ?? `HTTP_${status}`;
  }
}

/** A call to this gateway, with the signed-in officer's token when there is one: its response, or the gateway's refusal as a GatewayError. */
async function call(path, method, headers, body) {
  const token = sessionStorage.getItem("aidtrail.token");
  const response = await fetch(path, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers }, body });
  if (!response.ok) throw new GatewayError(await response.json().catch(() => undefined), response.status);
  return response;
}

/** A JSON call to this gateway: its answer. */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const response = await call(path, method, { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers }, body === undefined ? undefined : JSON.stringify(body));
  return response.json().catch(() => undefined);
}

/** A document's bytes to this gateway (`body`, a File or Blob) or from it: the response. */
export const bytesCall = (path, { method = "GET", body } = {}) => call(path, method, body === undefined ? {} : { "content-type": "application/octet-stream" }, body);

/** A fact of a definition list (dl): its label and its value, the value in `cls` where given (hash, case-number). */
export const fact = (label, value, cls) => [el("dt", {}, label), el("dd", cls ? { class: cls } : {}, value)];

/** Runs an action behind a button, showing what went wrong where the user looks. */
export function guarded(output, action) {
  return async (event) => {
    event?.preventDefault();
    output.replaceChildren();
    try {
      await action();
    } catch (error) {
      output.replaceChildren(el("p", { class: "error", role: "alert" }, error.message));
    }
  };
}
