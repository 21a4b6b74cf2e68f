import { api, el, guarded } from "./common.js";
import { addWords, t } from "./i18n.js";

/*
 * The ledger an officer's pages trust: the chain and the contracts every step they sign must go
 * to. Best, the deployment file their province gave them (the one `aidtrail sign-call
 * --deployment` takes), opened here; until then, the gateway's own word the first time, kept in
 * this browser, so that a gateway later turned to another chain or contract is caught. The CLI
 * does the same against its deployment file (cli/trusted-chain.ts).
 */

addWords({
  zh: {
    ledgerFile: "部署文件（省里下发，可选）", ledgerFromFile: (c, r) => `账本已按部署文件核对：链 ${c}，案件合约 ${r}`, ledgerFirstUse: (c, r) => `账本按首次使用时记下的核对：链 ${c}，案件合约 ${r}（可打开省里下发的部署文件核对）`,
    notDeployment: "这不是部署文件（应含 chainId 和 contracts.caseRegistry、contracts.fundLedger）",
    otherLedger: (what, got, kept) => `网关要求签署的${what}是 ${got}，而您信任的账本是 ${kept}：什么也没有签。请向上级报告此网关。`,
    chainWord: "链", contractWord: "合约",
  },
  en: {
    ledgerFile: "Deployment file (from your province; optional)", ledgerFromFile: (c, r) => `Ledger checked against your deployment file: chain ${c}, case registry ${r}`, ledgerFirstUse: (c, r) => `Ledger checked against what this browser kept on first use: chain ${c}, case registry ${r} (open your province's deployment file to check against it)`,
    notDeployment: "this is not a deployment file (it has chainId, contracts.caseRegistry and contracts.fundLedger)",
    otherLedger: (what, got, kept) => `the gateway asked to sign for ${what} ${got}, but the ledger you trust is ${kept}; nothing was signed: report this gateway to your supervisor`,
    chainWord: "chain", contractWord: "contract",
  },
});

const KEPT = "aidtrail.ledger";

function kept() {
  try {
    return JSON.parse(localStorage.getItem(KEPT) ?? "null");
  } catch {
    return null;
  }
}

/** A deployment as the pages keep it: its chain and the two contracts officers' steps go to, or null if `json` is not one. */
function ledgerOf(json, source) {
  const address = (a) => (typeof a === "string" && /^0x[0-9a-fA-F]{40}$/.test(a) ? a.toLowerCase() : null);
  const chainId = Number(json?.chainId);
  const caseRegistry = address(json?.contracts?.caseRegistry);
  const fundLedger = address(json?.contracts?.fundLedger);
  return Number.isSafeInteger(chainId) && chainId > 0 && caseRegistry && fundLedger ? { chainId, caseRegistry, fundLedger, source } : null;
}

/** The ledger trusted: the deployment file's, or the gateway's as first seen here (kept now if never seen). */
export async function trustedLedger() {
  const known = kept();
  if (known) return known;
  const first = ledgerOf(await api("/v1/deployment"), "first-use");
  localStorage.setItem(KEPT, JSON.stringify(first));
  return first;
}

/**
 * Throws, in plain words, unless a step to sign is for the trusted ledger: `chainId` its chain,
 * `to` the trusted address of `contract` ("caseRegistry" or "fundLedger").
 */
export async function checkLedger({ chainId, to }, contract) {
  const ledger = await trustedLedger();
  if (Number(chainId) !== ledger.chainId) throw new Error(t("otherLedger", t("chainWord"), String(chainId), String(ledger.chainId)));
  if (String(to).toLowerCase() !== ledger[contract]) throw new Error(t("otherLedger", t("contractWord"), String(to), ledger[contract]));
}

/** Throws, in plain words, unless an EIP-712 `domain` (a decision's, an application's) is the trusted ledger's case registry. */
export const checkDomain = (domain) => checkLedger({ chainId: domain.chainId, to: domain.verifyingContract }, "caseRegistry");

/** The deployment file input and what the pages trust now, for an officer's sign-in section. */
export function ledgerForm(container) {
  const file = el("input", { id: "deployment-file", type: "file", accept: "application/json,.json" });
  const status = el("p", { class: "muted", id: "trusted-ledger" });
  const output = el("div");
  const show = () => {
    const ledger = kept();
    status.textContent = ledger ? t(ledger.source === "file" ? "ledgerFromFile" : "ledgerFirstUse", ledger.chainId, ledger.caseRegistry) : "";
  };
  file.addEventListener("change", guarded(output, async () => {
    let json;
    try {
      json = JSON.parse(await file.files[0].text());
    } catch {
      json = null;
    }
    const ledger = ledgerOf(json, "file");
    if (!ledger) throw new Error(t("notDeployment"));
    localStorage.setItem(KEPT, JSON.stringify(ledger));
    show();
  }));
  container.append(el("div", {}, el("label", { for: "deployment-file" }, t("ledgerFile")), file), status, output);
  show();
  return show;
}
