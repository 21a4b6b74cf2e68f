import { isKeystoreJson, Wallet } from "ethers";
import { api, el, guarded } from "./common.js";
import { addWords, t } from "./i18n.js";
import { ledgerForm } from "./trusted-ledger.js";

/*
 * An officer signs in with their own key: their keystore file (Web3 Secret Storage, as
 * `aidtrail keystore` and every Ethereum wallet write it) opened here with its password, or a
 * browser wallet. The key stays in this page's memory, is never sent, and is gone when the page
 * is; the gateway is given only its signature of a one-time challenge, for a session.
 */

addWords({
  zh: {
    signIn: "登录", keystore: "密钥文件", password: "密码", openKeystore: "打开密钥文件并登录", wallet: "用浏览器钱包登录", opening: "正在打开密钥文件…",
    chooseKeystore: "请选择您的密钥文件", wrongPassword: "密码不对，或这不是密钥文件：请重新输入密码", notKeystore: "这不是密钥文件（应为 aidtrail keystore 写出的 JSON 文件）",
    signedInAs: "已登录：", notSignedIn: "未登录。", keyHere: "密钥只在本页内存中，不会发送给任何人。",
  },
  en: {
    signIn: "Sign in", keystore: "Keystore file", password: "Password", openKeystore: "Open the keystore and sign in", wallet: "Sign in with a browser wallet", opening: "Opening the keystore…",
    chooseKeystore: "choose your keystore file", wrongPassword: "wrong password, or not a keystore: enter the password again", notKeystore: "this is not a keystore (a JSON file as aidtrail keystore writes it)",
    signedInAs: "Signed in: ", notSignedIn: "Not signed in.", keyHere: "The key stays in this page's memory and is sent to no one.",
  },
});

/** The officer's key, opened from their keystore on this page: in memory only. */
let officerKey = null;

/** The key the officer opened on this page, to sign their steps with; null before. */
export const openedKey = () => officerKey;

/** A session for `address`: the gateway's one-time challenge, signed by `sign`. */
async function startSession(address, sign) {
  const { message } = await api("/v1/auth/challenge", { method: "POST", body: { address } });
  const { token } = await api("/v1/auth/session", { method: "POST", body: { message, signature: await sign(message) } });
  sessionStorage.setItem("aidtrail.token", token);
  sessionStorage.setItem("aidtrail.officer", address);
}

/** The sign-in form of an officer's page; returns what redraws its status (in the page's language). */
export function signInForm(container, onSignedIn) {
  const file = el("input", { id: "keystore", type: "file", accept: "application/json,.json" });
  const password = el("input", { id: "password", type: "password", autocomplete: "current-password" });
  const status = el("p", { class: "muted", id: "signed-in", role: "status" });
  const output = el("div");
  const wallet = window.ethereum ? el("button", { type: "button", id: "wallet-sign-in", "data-t": "wallet" }, t("wallet")) : null;
  const show = () => {
    const officer = sessionStorage.getItem("aidtrail.officer");
    if (officer && sessionStorage.getItem("aidtrail.token")) status.replaceChildren(t("signedInAs"), el("span", { class: "hash" }, officer));
    else status.textContent = t("notSignedIn");
  };
  const form = el("form", { id: "keystore-form" },
    el("div", { class: "row" },
      el("div", {}, el("label", { for: "keystore", "data-t": "keystore" }, t("keystore")), file),
      el("div", {}, el("label", { for: "password", "data-t": "password" }, t("password")), password),
    ),
    el("div", { class: "row" }, el("button", { type: "submit", id: "open-keystore", "data-t": "openKeystore" }, t("openKeystore")), wallet),
    el("p", { class: "muted", "data-t": "keyHere" }, t("keyHere")),
    status,
    output,
  );
  form.addEventListener("submit", guarded(output, async () => {
    const chosen = file.files[0];
    if (!chosen) throw new Error(t("chooseKeystore"));
    const json = await chosen.text();
    if (!isKeystoreJson(json)) throw new Error(t("notKeystore"));
    status.textContent = t("opening");
    let key;
    try {
      key = await Wallet.fromEncryptedJson(json, password.value);
    } catch {
      show();
      throw new Error(t("wrongPassword"));
    } finally {
      password.value = "";
    }
    await startSession(key.address, (message) => key.signMessage(message));
    officerKey = key;
    show();
    onSignedIn?.();
  }));
  wallet?.addEventListener("click", guarded(output, async () => {
    const [address] = await window.ethereum.request({ method: "eth_requestAccounts" });
    await startSession(address, (message) => window.ethereum.request({ method: "personal_sign", params: [message, address] }));
    show();
    onSignedIn?.();
  }));
  container.append(form);
  const showLedger = ledgerForm(container);
  show();
  return () => {
    show();
    showLedger();
  };
}
