/** What every page shares: calls to the gateway, a sign-in kept for the tab, and small DOM helpers. */
import { language, t } from "./i18n.js";
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

/** The gateway's error, as it says it: its message, and what to do. */
export class GatewayError extends Error {
  constructor(body, status) {
    // A page in Chinese shows the Chinese words where the gateway gives them.
    const words = language() === "zh" && body?.error?.zh ? body.error.zh : body?.error;
    super(words ? `${words.message}${words.hint ? ` — ${words.hint}` : ""}` : `HTTP ${status}`);
    this.code = body?.error?.code ?? `HTTP_${status}`;
  }
}

/** A JSON call to this gateway, with the signed-in officer's token when there is one. */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const token = sessionStorage.getItem("aidtrail.token");
  const response = await fetch(path, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => undefined);
  if (!response.ok) throw new GatewayError(data, response.status);
  return data;
}

/**
 * The sign-in form of an officer's page: with a browser wallet, the gateway's challenge is signed
 * there; otherwise a token from `aidtrail` (or another sign-in) is pasted.
 */
export function signInForm(container, onSignedIn) {
  const token = el("input", { id: "token", "data-t-placeholder": "token", autocomplete: "off" });
  const status = el("p", { class: "muted", id: "signed-in" });
  const use = el("button", { id: "use-token", type: "button", "data-t": "useToken" });
  const wallet = window.ethereum ? el("button", { type: "button", "data-t": "wallet" }) : null;
  const show = () => {
    status.textContent = sessionStorage.getItem("aidtrail.token") ? t("signedIn") : t("notSignedIn");
  };
  use.addEventListener("click", () => {
    sessionStorage.setItem("aidtrail.token", token.value.trim().replace(/^Bearer\s+/i, ""));
    show();
    onSignedIn?.();
  });
  wallet?.addEventListener("click", async () => {
    const [address] = await window.ethereum.request({ method: "eth_requestAccounts" });
    const { message } = await api("/v1/auth/challenge", { method: "POST", body: { address } });
    const signature = await window.ethereum.request({ method: "personal_sign", params: [message, address] });
    const { token: issued } = await api("/v1/auth/session", { method: "POST", body: { message, signature } });
    sessionStorage.setItem("aidtrail.token", issued);
    show();
    onSignedIn?.();
  });
  container.append(el("label", { for: "token", "data-t": "signInLabel" }), token, el("div", { class: "row" }, use, wallet), status);
  show();
  return show;
}

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
