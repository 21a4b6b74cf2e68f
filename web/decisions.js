import { DECISION_TYPES, fenOf, PROGRAMME_NAMES, yuan } from "aidtrail/verify";
import { Interface, TypedDataEncoder } from "ethers";
import { $, api, bytesCall, cst, el, fact, guarded } from "./common.js";
import { caseNumberForm, casesNumbered, foundCaseFacts, readCaseNumber } from "./found-case.js";
import { language, speak, t } from "./i18n.js";
import { personalFacts, withheldFacts } from "./personal-fields.js";
import { openedKey, signInForm } from "./sign-in.js";
import { draftStep, relayStep, stepOutcome } from "./signed-step.js";
import { checkDomain } from "./trusted-ledger.js";

const signedIn = signInForm($("#sign-in"), () => refresh());
/** What the page shows, drawn again in the other language. */
const shown = {};
speak({
  zh: {
    title: "审核审批", heading: "审核审批", worklistTitle: "待办案件", refresh: "刷新",
    worklistExplain: "您所在辖区等待您这一环节的案件，最早的在前；天数按环节时限计算，超期的标红。",
    caseNumber: "案件号", name: "申请人", programme: "救助项目", stageCol: "环节", waited: "已等待", open: "办理", none: "没有待办案件。",
    stages: { review: "审核", approval: "审批", activation: "公示期满，待启动发放" }, days: (d, limit) => (limit === null ? `${d} 天` : `${d} 天 / 时限 ${limit} 天`),
    caseTitle: (n, stage) => `案件 ${n} · ${stage}`, readPurpose: "为办理本环节查阅了申请人的个人信息，已记入查阅记录。",
    documentN: (n) => `材料 ${n}`, standardCap: "现行标准与上限", standardCapIs: (s, n, c) => `每人每月 ${s} 元 × 家庭 ${n} 人 = 每月最多 ${c} 元`, noStandard: "该案件现在没有适用的标准，不能批准", aboveCap: (c) => `金额超过上限：每月最多 ${c} 元`, applicant: "申请人", documents: "材料", ledgerStatus: "账本状态", approved: "核定金额",
    passOn: "审核通过，转审批", approve: "批准", reject: "不予通过", amount: "每月核定金额（元）", prepare: "生成待签决定",
    toSignTitle: "您将签署", signDecision: "确认无误，签名",
    verdict: "决定", verdictReject: (stage) => `${stage}不予通过`, verdictPass: "审核通过，转审批", verdictApprove: (a, n) => `批准每月 ${a} 元，家庭 ${n} 人`,
    applicationRev: "申请记录", round: "轮次", validUntil: "有效期至", ledger: "账本", ledgerIs: (c, r) => `链 ${c}，案件合约 ${r}`, needed: "所需签名", neededIs: (n, role) => `${n} 位${role === "APPROVER" ? "审批人" : "审核人"}`,
    signedBy: "已签名", nobody: "尚无", signer: "签名人",
    collecting: (n, of) => `已签名：${n}/${of}，等待其他签名人。`, relayed: (n, of, tx) => `已签名 ${n}/${of}，决定已上账（交易 ${tx}）。`,
    notDecision: "网关要求签署的不是 aidtrail 决定：什么也没有签。请向上级报告此网关。",
    otherCase: (c) => `网关要求签署的决定属于另一案件（${c}）：什么也没有签。请向上级报告此网关。`,
    badDigest: "网关给出的摘要与所示内容不符：什么也没有签。请向上级报告此网关。",
    notAsked: "网关给出的决定与您选择的不同：什么也没有签。请重新生成。",
    signInFirst: "请先用您的密钥文件登录", amountNeeded: "请填写每月核定金额", amountInvalid: "金额应为元，最多两位小数",
    activate: "启动发放", activateIs: (n) => `案件 ${n} 公示期满，开始发放`, activated: (n, tx) => `案件 ${n} 已开始发放（交易 ${tx}）`, activationPending: (n) => `案件 ${n} 的启动已记录，网关会在链可用时发送您的交易`,
    notActivation: "网关要求签署的不是这件案件的启动发放：什么也没有签。请向上级报告此网关。", signActivation: "确认无误，签名启动", to: "交易对象",
    findTitle: "按案件号查找", findExplain: "输入回执上的案件号，查看您辖区内案件的状态；审批人员可在此暂停、恢复发放或终止救助，每一步用您自己的密钥签署。",
    notFound: "您的辖区内没有这个案件号的案件",
    steps: { suspend: "暂停发放", resume: "恢复发放", exit: "终止救助" }, reason: "理由（记入案件记录，不上链）", reasonNeeded: "请写明理由",
    stepIs: (step, n) => `${step}：案件 ${n}`, signStep: "确认无误，签名", stepDone: (step, n, tx) => `案件 ${n} 已${step}（交易 ${tx}）`, stepPending: (step, n) => `案件 ${n} 的${step}已记录，网关会在链可用时发送您的交易`,
    notStep: "网关要求签署的不是您选择的这一步：什么也没有签。请向上级报告此网关。",
  },
  en: {
    title: "Review and approval", heading: "Review and approval", worklistTitle: "Cases waiting for you", refresh: "Refresh",
    worklistExplain: "Cases in your jurisdiction waiting for your stage, oldest first; days against the stage's limit, overdue in red.",
    caseNumber: "case number", name: "applicant", programme: "programme", stageCol: "stage", waited: "waited", open: "Open", none: "No case is waiting.",
    stages: { review: "review", approval: "approval", activation: "notice over, to activate" }, days: (d, limit) => (limit === null ? `${d} d` : `${d} d / limit ${limit} d`),
    caseTitle: (n, stage) => `Case ${n} · ${stage}`, readPurpose: "The applicant's personal data was read for this stage; the read is in the access log.",
    documentN: (n) => `document ${n}`, standardCap: "standard and cap", standardCapIs: (s, n, c) => `${s} yuan a person a month × a household of ${n} = at most ${c} yuan a month`, noStandard: "no standard is in force for the case now: it cannot be approved", aboveCap: (c) => `above the cap: at most ${c} yuan a month`, applicant: "applicant", documents: "documents", ledgerStatus: "on the ledger", approved: "approved amount",
    passOn: "Pass on to approval", approve: "Approve", reject: "Reject", amount: "Monthly amount (yuan)", prepare: "Prepare the decision",
    toSignTitle: "You are about to sign", signDecision: "Sign",
    verdict: "decision", verdictReject: (stage) => `REJECT the case at ${stage}`, verdictPass: "PASS the case on to approval", verdictApprove: (a, n) => `APPROVE ${a} yuan a month for a household of ${n}`,
    applicationRev: "application", round: "round", validUntil: "valid until", ledger: "ledger", ledgerIs: (c, r) => `chain ${c}, case registry ${r}`, needed: "needed", neededIs: (n, role) => `${n} signature(s) of ${role}`,
    signedBy: "signed by", nobody: "nobody yet", signer: "signer",
    collecting: (n, of) => `Signed: ${n} of ${of} signatures; waiting for the others.`, relayed: (n, of, tx) => `Signed: ${n} of ${of}; the ledger took the decision (transaction ${tx}).`,
    notDecision: "the gateway asked to sign something other than an aidtrail Decision; nothing was signed: report this gateway to your supervisor",
    otherCase: (c) => `the gateway asked to sign a decision on another case (${c}); nothing was signed: report this gateway to your supervisor`,
    badDigest: "the digest the gateway gave is not that of the payload it showed; nothing was signed: report this gateway to your supervisor",
    notAsked: "the gateway's decision is not the one you chose; nothing was signed: prepare it again",
    signInFirst: "sign in with your keystore first", amountNeeded: "give the monthly amount", amountInvalid: "the amount is in yuan, with at most two decimals",
    activate: "Activate", activateIs: (n) => `Case ${n}'s public notice is over: start its payments`, activated: (n, tx) => `Case ${n} is active (transaction ${tx})`, activationPending: (n) => `Case ${n}'s activation is logged; the gateway sends your transaction as soon as the chain answers`,
    notActivation: "the gateway asked to sign something other than this case's activation; nothing was signed: report this gateway to your supervisor", signActivation: "Sign the activation", to: "call to",
    findTitle: "Find a case by its number", findExplain: "Type the case number on the receipt to see a case of your jurisdiction; approvers suspend or resume its payments, or end its assistance, here, each step signed with your own key.",
    notFound: "no case of that number is in your jurisdiction",
    steps: { suspend: "Suspend payments", resume: "Resume payments", exit: "End assistance" }, reason: "Reason (kept in the case's record, not on the ledger)", reasonNeeded: "give the reason",
    stepIs: (step, n) => `${step}: case ${n}`, signStep: "Sign", stepDone: (step, n, tx) => `Case ${n}: ${step.toLowerCase()}, done (transaction ${tx})`, stepPending: (step, n) => `Case ${n}: ${step.toLowerCase()} is logged; the gateway sends your transaction as soon as the chain answers`,
    notStep: "the gateway asked to sign something other than the step you chose; nothing was signed: report this gateway to your supervisor",
  },
}, () => {
  signedIn();
  for (const draw of Object.values(shown)) draw?.();
});

const programmeName = (name) => PROGRAMME_NAMES[name]?.[language()] ?? name;
const stageName = (stage) => t("stages")[stage] ?? stage;

/** The officer's roles, as the ledger held them at the last refresh of the worklist. */
let roles = [];

async function refresh() {
  const list = await api("/v1/worklist");
  roles = list.roles;
  shown.worklist = () => drawWorklist(list.items);
  shown.worklist();
}

function drawWorklist(items) {
  $("#worklist").replaceChildren(
    el("tr", {}, el("th", {}, t("caseNumber")), el("th", {}, t("name")), el("th", {}, t("programme")), el("th", {}, t("stageCol")), el("th", {}, t("waited")), el("th", {}, "")),
    ...items.map((item) =>
      el("tr", { class: "work-item", "data-case": item.caseId, "data-stage": item.stage },
        el("td", { class: "case-number nowrap" }, item.caseNumber),
        // A person's name is in Chinese whatever the page's language.
        el("td", { lang: "zh-CN" }, item.name),
        el("td", {}, programmeName(item.programme)),
        el("td", {}, stageName(item.stage)),
        el("td", { class: item.overdue ? "bad nowrap" : "nowrap" }, t("days", item.days, item.limitDays)),
        el("td", {}, item.stage === "activation" ? activateButton(item) : openButton(item)),
      ),
    ),
  );
  $("#worklist-output").replaceChildren(items.length === 0 ? el("p", { class: "muted" }, t("none")) : "");
}

function openButton(item) {
  const button = el("button", { type: "button", class: "secondary", "data-t": "open" }, t("open"));
  button.addEventListener("click", guarded($("#worklist-output"), () => openCase(item)));
  return button;
}

const REGISTRY = new Interface([
  "function activate(bytes32 caseId, bytes32 evidenceHash)",
  "function suspend(bytes32 caseId, bytes32 evidenceHash)",
  "function resume(bytes32 caseId, bytes32 evidenceHash)",
  "function terminate(bytes32 caseId, bytes32 evidenceHash)",
]);

function activateButton(item) {
  const button = el("button", { type: "button", class: "secondary", "data-t": "activate" }, t("activate"));
  button.addEventListener("click", guarded($("#worklist-output"), () => prepareActivation(item)));
  return button;
}

/**
 * A case whose notice is over, activated by the officer's own transaction once the page has
 * checked the draft: its record is this case's notice completed, its hash recomputed, and the call
 * exactly `activate` of this case with that record as evidence, from the officer's account.
 */
async function prepareActivation(item) {
  const key = openedKey();
  if (!key) throw new Error(t("signInFirst"));
  const path = `/v1/cases/${item.caseId}/activate`;
  const drafted = await draftStep(path, {}, key, { fits: (record) => record.caseId === item.caseId && record.public.type === "public-notice-completed", call: (hash) => REGISTRY.encodeFunctionData("activate", [item.caseId, hash]), contract: "caseRegistry" }, () => t("notActivation"));
  const sign = el("button", { type: "button", id: "sign-activation", "data-t": "signActivation" }, t("signActivation"));
  $("#worklist-output").replaceChildren(el("div", { class: "card", id: "activation" }, el("dl", { class: "facts" }, ...fact(t("activate"), t("activateIs", item.caseNumber)), ...fact(t("to"), drafted.transaction.to, "hash")), sign));
  sign.addEventListener("click", guarded($("#worklist-output"), async () => {
    const relayed = await relayStep(path, {}, drafted, key);
    await refresh();
    const { ledger } = relayed;
    $("#worklist-output").replaceChildren(stepOutcome(ledger, (tx) => t("activated", item.caseNumber, tx), t("activationPending", item.caseNumber)));
  }));
}

/** The case opened for its stage: its personal data read for that purpose (logged by the gateway), the decision to prepare. */
let opened = null;

async function openCase(item) {
  const found = await api(`/v1/cases/${item.caseId}?purpose=${item.stage}`);
  opened = { item, found, request: null };
  $("#case-section").hidden = false;
  $("#to-sign").hidden = true;
  $("#signed-output").replaceChildren();
  shown.case = drawCase;
  drawCase();
  $("#case-section").scrollIntoView();
}

function drawCase() {
  if (!opened) return;
  const { item, found } = opened;
  const record = found.revisions.at(-1).record;
  $("#case-title").textContent = t("caseTitle", item.caseNumber, stageName(item.stage));
  $("#case-details").replaceChildren(
    el("p", { class: "muted" }, t("readPurpose")),
    el("dl", { class: "facts" },
      record.personal ? [...personalFacts(record.personal), ...withheldFacts(found.revisions.at(-1).withheld)] : fact(t("applicant"), item.name),
      fact(t("programme"), programmeName(found.programme)),
      item.stage === "approval" ? fact(t("standardCap"), found.ledger?.cap ? t("standardCapIs", yuan(found.ledger.standard), found.ledger.householdSize, yuan(found.ledger.cap)) : t("noStandard")) : [],
      fact(t("documents"), (record.public.documents ?? []).length === 0 ? "—" : (record.public.documents ?? []).flatMap((d, i) => documentButton(item, d, i))),
    ),
  );
  $("#approve-label").textContent = item.stage === "review" ? t("passOn") : t("approve");
  $("#amount-fields").hidden = item.stage !== "approval" || document.querySelector("input[name=verdict]:checked").value !== "approve";
  if (opened.request) drawPlain(opened.request);
}

/** A document of the application, opened for this stage as its purpose (the gateway logs the read), saved as a file. */
function documentButton(item, d, i) {
  const button = el("button", { type: "button", class: "link document", "data-sha256": d.sha256 }, t("documentN", i + 1));
  button.addEventListener("click", guarded($("#decision-output"), async () => {
    const response = await bytesCall(`/v1/cases/${item.caseId}/documents/${d.sha256}?purpose=${item.stage}`);
    const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `${d.kind}-${d.sha256.slice(0, 8)}` });
    link.click();
    URL.revokeObjectURL(link.href);
  }));
  return [i > 0 ? " " : "", button];
}

for (const choice of document.querySelectorAll("input[name=verdict]")) choice.addEventListener("change", drawCase);


$("#decision-form").addEventListener("submit", guarded($("#decision-output"), async () => {
  const { item } = opened;
  const approve = document.querySelector("input[name=verdict]:checked").value === "approve";
  const query = new URLSearchParams({ approve: String(approve) });
  if (approve && item.stage === "approval") {
    if (!$("#amount").value.trim()) throw new Error(t("amountNeeded"));
    const amount = fenOf($("#amount").value);
    if (amount === null) throw new Error(t("amountInvalid"));
    // The ledger refuses an approval above the cap; said here, before anyone is asked to sign.
    const cap = opened.found.ledger?.cap;
    if (cap && BigInt(amount) > BigInt(cap)) throw new Error(t("aboveCap", yuan(cap)));
    query.set("amount", amount);
  }
  const request = await api(`/v1/cases/${item.caseId}/decision-request?${query}`);
  checkPayload(request, item, approve, query.get("amount"));
  await checkDomain(request.domain);
  opened.request = request;
  drawPlain(request);
  $("#to-sign").hidden = false;
}));

/**
 * The gateway is not trusted with what is signed, as the command line does not trust it: the
 * payload must be a Decision of the known type, about this case, of the stage and terms chosen,
 * and its digest the one computed here from what is shown.
 */
function checkPayload(request, item, approve, amount) {
  if (request.primaryType !== "Decision" || JSON.stringify(request.types) !== JSON.stringify(DECISION_TYPES)) throw new Error(t("notDecision"));
  const m = request.message;
  if (m.caseId !== item.caseId) throw new Error(t("otherCase", m.caseId));
  if (TypedDataEncoder.hash(request.domain, request.types, m) !== request.digest) throw new Error(t("badDigest"));
  if (Number(m.stage) !== (item.stage === "review" ? 0 : 1) || Boolean(m.approve) !== approve || (amount !== null && String(m.amount) !== amount)) throw new Error(t("notAsked"));
}

/** What is about to be signed, in plain words: what the command line shows. */
function drawPlain(request) {
  const m = request.message;
  const stage = Number(m.stage) === 0 ? stageName("review") : stageName("approval");
  const verdict = !m.approve ? t("verdictReject", stage) : Number(m.stage) === 0 ? t("verdictPass") : t("verdictApprove", yuan(String(m.amount)), m.householdSize);
  const signer = openedKey()?.address ?? sessionStorage.getItem("aidtrail.officer");
  $("#plain").replaceChildren(
    ...fact(t("signer"), `${signer} (${request.role})`, "hash"),
    ...fact(t("verdict"), verdict),
    ...fact(t("applicationRev"), m.recordHash, "hash"),
    ...fact(t("round"), String(m.round)),
    ...fact(t("validUntil"), cst(Number(m.deadline) * 1000)),
    ...fact(t("ledger"), t("ledgerIs", request.domain.chainId, request.domain.verifyingContract), "hash"),
    ...fact(t("needed"), t("neededIs", request.threshold, request.role)),
    ...fact(t("signedBy"), (request.signers ?? []).length === 0 ? t("nobody") : request.signers.join(", "), "hash"),
  );
}

/** The EIP-712 domain's own type, for a wallet's eth_signTypedData_v4, by the fields the domain has. */
const DOMAIN_FIELDS = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
];

/** The officer's signature of the checked request: with the key opened in the page, or by their browser wallet (which shows it again). */
async function signDecision(request) {
  const key = openedKey();
  if (key) return { signer: key.address, signature: await key.signTypedData(request.domain, request.types, request.message) };
  const signer = sessionStorage.getItem("aidtrail.officer");
  if (!window.ethereum || !signer) throw new Error(t("signInFirst"));
  const typed = { domain: request.domain, types: { EIP712Domain: DOMAIN_FIELDS.filter((f) => request.domain[f.name] !== undefined), ...request.types }, primaryType: request.primaryType, message: request.message };
  return { signer, signature: await window.ethereum.request({ method: "eth_signTypedData_v4", params: [signer, JSON.stringify(typed)] }) };
}

$("#sign-decision").addEventListener("click", guarded($("#signed-output"), async () => {
  const request = opened.request;
  const signed = await signDecision(request);
  const collected = await api(`/v1/cases/${opened.item.caseId}/decisions`, { method: "POST", body: { decision: request.message, signatures: [signed] } });
  $("#to-sign").hidden = true;
  shown.signed = () =>
    $("#signed-output").replaceChildren(
      el("p", { class: "ok", "data-state": collected.state }, collected.state === "relayed" ? t("relayed", collected.signers.length, collected.threshold, collected.transactionHash) : t("collecting", collected.signers.length, collected.threshold)),
    );
  shown.signed();
  await refresh();
}));

/** An approver's steps on a case that is paid, by its status: each a route, its fields, the record it makes and the ledger's call. */
const CASE_STEPS = {
  suspend: { when: ["Active"], path: (id) => `/v1/cases/${id}/suspension`, fields: (reason) => ({ action: "suspend", reason }), type: "case-suspension", method: "suspend" },
  resume: { when: ["Suspended"], path: (id) => `/v1/cases/${id}/suspension`, fields: (reason) => ({ action: "resume", reason }), type: "case-resumption", method: "resume" },
  exit: { when: ["Active", "Suspended"], path: (id) => `/v1/cases/${id}/exit`, fields: (reason) => ({ reason }), type: "case-exit", method: "terminate" },
};

caseNumberForm($("#finder")).addEventListener("submit", guarded($("#step-output"), async () => {
  const number = readCaseNumber($("#case-number").value);
  if (roles.length === 0) await refresh();
  const cases = await casesNumbered(number);
  shown.found = () => drawFound(cases);
  shown.found();
  $("#step").replaceChildren();
}));

function drawFound(cases) {
  const approver = roles.some((r) => r.role === "APPROVER");
  $("#found").replaceChildren(
    cases.length === 0 ? el("p", { class: "muted" }, t("notFound")) : "",
    ...cases.map((c) => {
      const steps = approver ? Object.entries(CASE_STEPS).filter(([, step]) => step.when.includes(c.status)) : [];
      return el("div", { class: "card found-case", "data-case": c.caseId },
        foundCaseFacts(c),
        ...steps.map(([name]) => {
          const button = el("button", { type: "button", class: "secondary", "data-step": name }, t("steps")[name]);
          button.addEventListener("click", () => stepForm(c, name));
          return button;
        }),
      );
    }),
  );
}

/** The reason asked for, then the step drafted and checked: its record this case's, of the step's type, holding the reason as typed; the call exactly the step's of this case with that record as evidence. */
function stepForm(found, name) {
  const step = CASE_STEPS[name];
  const reason = el("textarea", { id: "step-reason", rows: 3 });
  const prepare = el("button", { type: "submit" }, t("prepare"));
  const form = el("form", { id: "step-form" }, el("label", { for: "step-reason" }, t("reason")), reason, prepare);
  $("#step").replaceChildren(form);
  $("#step-output").replaceChildren();
  form.addEventListener("submit", guarded($("#step-output"), async () => {
    const key = openedKey();
    if (!key) throw new Error(t("signInFirst"));
    const text = reason.value.trim();
    if (!text) throw new Error(t("reasonNeeded"));
    const path = step.path(found.caseId);
    const fields = step.fields(text);
    const fits = (record) => record.caseId === found.caseId && record.public.type === step.type && record.personal?.reason === text;
    const drafted = await draftStep(path, fields, key, { fits, call: (hash) => REGISTRY.encodeFunctionData(step.method, [found.caseId, hash]), contract: "caseRegistry" }, () => t("notStep"));
    const sign = el("button", { type: "button", id: "sign-step" }, t("signStep"));
    $("#step").replaceChildren(el("div", { class: "card" }, el("dl", { class: "facts" }, ...fact(t("steps")[name], t("stepIs", t("steps")[name], found.caseNumber)), ...fact(t("reason"), text), ...fact(t("to"), drafted.transaction.to, "hash")), sign));
    sign.addEventListener("click", guarded($("#step-output"), async () => {
      const { ledger } = await relayStep(path, fields, drafted, key);
      $("#step").replaceChildren();
      const said = t("steps")[name];
      $("#step-output").replaceChildren(stepOutcome(ledger, (tx) => t("stepDone", said, found.caseNumber, tx), t("stepPending", said, found.caseNumber)));
    }));
  }));
}

$("#refresh").addEventListener("click", guarded($("#worklist-output"), refresh));
if (sessionStorage.getItem("aidtrail.token")) guarded($("#worklist-output"), refresh)();
