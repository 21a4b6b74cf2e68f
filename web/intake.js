import { APPLICATION_TYPES, fenOf, PROGRAMME_NAMES, readResidentId, yuan } from "aidtrail/verify";
import { Interface } from "ethers";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import { renderSVG } from "uqr";
import { $, api, bytesCall, cst, divisionNames, el, fact, guarded, place } from "./common.js";
import { language, speak, t } from "./i18n.js";
import { openedKey, signInForm } from "./sign-in.js";
import { draftStep, recordHashHex, relayStep, stepOutcome } from "./signed-step.js";
import { checkDomain } from "./trusted-ledger.js";
import { caseNumberForm, casesNumbered, foundCaseFacts, readCaseNumber } from "./found-case.js";

const signedIn = signInForm($("#sign-in"), () => guarded($("#intake-output"), jurisdictions)());
/** What the page shows, drawn again in the other language. */
const shown = {};
speak({
  zh: {
    title: "受理申请", heading: "受理救助申请", formTitle: "申请信息", programme: "救助项目", area: "城乡", urban: "城市", rural: "农村", jurisdiction: "受理地（乡镇、街道）",
    applicantTitle: "申请人", name: "姓名", residentId: "身份证号", phone: "联系电话", address: "住址", income: "家庭月收入（元）",
    assetsTitle: "家庭财产", addAsset: "添加一项财产", assetKind: "财产类别", assetValue: "价值（元）", assetN: (n) => `财产 ${n}`,
    assetKinds: { savings: "存款", vehicle: "车辆", property: "房产", other: "其他" }, assetValueInvalid: "财产价值应为元，最多两位小数",
    healthTitle: "健康状况（残疾、重病）", addHealth: "添加一人的健康状况", healthN: (n) => `健康状况 ${n}`, healthWhose: "是谁", healthDisability: "残疾类别", healthNone: "无", healthGrade: "残疾等级", grades: ["一级", "二级", "三级", "四级"], healthIllness: "重病、慢性病（按诊断书）",
    disabilityKinds: { visual: "视力", hearing: "听力", speech: "言语", physical: "肢体", intellectual: "智力", mental: "精神", multiple: "多重" }, healthEmpty: "请填写残疾类别或疾病，或删除这一条",
    bankTitle: "收款账户", bank: "开户银行", account: "账号", holder: "户名", accountInvalid: "账号应为 8 到 30 位数字", bankIncomplete: "收款账户请填写开户银行、账号和户名，或都不填",
    householdTitle: "其他家庭成员", addMember: "添加家庭成员", relation: "与申请人关系", remove: "删除", memberN: (n) => `家庭成员 ${n}`,
    documentsTitle: "材料", documents: "选择材料文件（申请记录其指纹；受理后内容加密保存）", documentsChosen: (n) => `已记录 ${n} 份材料的指纹`, documentsKept: (n) => `${n} 份材料已加密保存`,
    prepare: "核对并生成待签申请", toSignTitle: "您将签署", signApplication: "确认无误，签名受理",
    receiptTitle: "社会救助申请回执", printReceipt: "打印回执", nextApplication: "受理下一件",
    receiptKeep: "请妥善保管本回执。扫描二维码，或在“救助查询”页面输入案件号和查询码，即可查看办理进度和发放记录。",
    caseNumber: "案件号", code: "查询码", applicant: "申请人", acceptedAt: "受理时间", qrLabel: "扫码查询办理进度",
    fix: "请先改正标出的内容", nameNeeded: "请填写姓名", relationNeeded: "请填写与申请人的关系", incomeInvalid: "收入应为元，最多两位小数", noJurisdiction: "您没有受理案件的职责：请联系上级授权", signInFirst: "请先用您的密钥文件登录",
    verdict: "受理", verdictIs: (p, a, n, name) => `${name} 的${p}（${a}）申请，家庭 ${n} 人`, place: "受理地", record: "申请记录指纹", validUntil: "有效期至", ledger: "账本", ledgerIs: (c, r) => `链 ${c}，案件合约 ${r}`, people: "身份承诺",
    takenTitle: "已受理的案件", takenExplain: "按回执上的案件号找到您辖区内的案件：给遗失回执的申请人补发（核对本人身份证），或修改申请（收入、收款账户），每一步都记入案件记录。", notFound: "您的辖区内没有这个案件号的案件",
    reissue: "补发回执", reissueId: "申请人身份证号（核对本人）", reissueDo: "核对并补发", reissued: "新回执已生成，旧回执作废",
    revise: "修改申请", reviseIncome: "家庭月收入（元）", reviseReason: "修改理由（记入案件记录）", reasonNeeded: "请写明修改理由", revisePrepare: "生成待签修改",
    reviseIs: (n, back) => `修改案件 ${n} 的申请记录${back ? "：案件已作出决定，修改后将退回重新审核" : ""}`, signRevision: "确认无误，签名修改", to: "交易对象",
    revised: (n, tx) => `案件 ${n} 的申请记录已修改（交易 ${tx}）`, revisionPending: (n) => `案件 ${n} 的修改已记录，网关会在链可用时发送您的交易`,
    notRevision: "网关要求签署的不是您填写的这次修改：什么也没有签。请向上级报告此网关。",
    notApplication: "网关要求签署的不是 aidtrail 申请：什么也没有签。请向上级报告此网关。", notAsTyped: (f) => `网关生成的申请记录与您填写的不同（${f}）：什么也没有签。请向上级报告此网关。`,
  },
  en: {
    title: "Take in an application", heading: "Take in an application", formTitle: "The application", programme: "Programme", area: "Area", urban: "urban", rural: "rural", jurisdiction: "Township or street office",
    applicantTitle: "Applicant", name: "Name", residentId: "Resident ID", phone: "Phone", address: "Address", income: "Household income a month (yuan)",
    assetsTitle: "Household assets", addAsset: "Add an asset", assetKind: "Kind", assetValue: "Value (yuan)", assetN: (n) => `Asset ${n}`,
    assetKinds: { savings: "savings", vehicle: "vehicle", property: "property", other: "other" }, assetValueInvalid: "an asset's value is in yuan, with at most two decimals",
    healthTitle: "Health (disability, serious illness)", addHealth: "Add a person's health", healthN: (n) => `Health ${n}`, healthWhose: "Whose", healthDisability: "Disability", healthNone: "none", healthGrade: "Grade", grades: ["grade 1", "grade 2", "grade 3", "grade 4"], healthIllness: "Serious or chronic illness (as certified)",
    disabilityKinds: { visual: "visual", hearing: "hearing", speech: "speech", physical: "physical", intellectual: "intellectual", mental: "mental", multiple: "multiple" }, healthEmpty: "give a disability or an illness, or remove the entry",
    bankTitle: "Account payments go to", bank: "Bank", account: "Account number", holder: "Account holder", accountInvalid: "the account number is 8 to 30 digits", bankIncomplete: "give the bank, the account number and the holder, or none of them",
    householdTitle: "Other household members", addMember: "Add a household member", relation: "Relation to the applicant", remove: "Remove", memberN: (n) => `Household member ${n}`,
    documentsTitle: "Documents", documents: "Choose the documents (the application records their fingerprints; their content is kept sealed once it is taken in)", documentsChosen: (n) => `fingerprints of ${n} documents recorded`, documentsKept: (n) => `${n} documents kept, sealed`,
    prepare: "Check and prepare for signing", toSignTitle: "You are about to sign", signApplication: "Sign and take it in",
    receiptTitle: "Social assistance application receipt", printReceipt: "Print the receipt", nextApplication: "Take in the next",
    receiptKeep: "Keep this receipt. Scan the QR code, or enter the case number and code on the Check my assistance page, to follow your case and its payments.",
    caseNumber: "Case number", code: "Code", applicant: "Applicant", acceptedAt: "Taken in", qrLabel: "Scan to follow the case",
    fix: "correct what is marked first", nameNeeded: "give the name", relationNeeded: "give the relation to the applicant", incomeInvalid: "income is in yuan, with at most two decimals", noJurisdiction: "you hold no caseworker's role: ask your supervisor", signInFirst: "sign in with your keystore first",
    verdict: "take in", verdictIs: (p, a, n, name) => `${name}'s application for ${p} (${a}), a household of ${n}`, place: "office", record: "application record's fingerprint", validUntil: "valid until", ledger: "ledger", ledgerIs: (c, r) => `chain ${c}, case registry ${r}`, people: "identity commitments",
    takenTitle: "A case taken in", takenExplain: "Find a case of your jurisdiction by the number on its receipt: reissue a lost receipt to its applicant (their identity card checked), or revise the application (income, the account payments go to); each step is kept in the case's record.", notFound: "no case of that number is in your jurisdiction",
    reissue: "Reissue the receipt", reissueId: "The applicant's resident ID (from their card)", reissueDo: "Check and reissue", reissued: "A new receipt is made; the old one no longer opens the case",
    revise: "Revise the application", reviseIncome: "Household income a month (yuan)", reviseReason: "Why (kept in the case's record)", reasonNeeded: "give the reason for the revision", revisePrepare: "Prepare the revision",
    reviseIs: (n, back) => `REVISE case ${n}'s application record${back ? ": the case was decided, and goes back to review" : ""}`, signRevision: "Sign the revision", to: "call to",
    revised: (n, tx) => `Case ${n}'s application record is revised (transaction ${tx})`, revisionPending: (n) => `Case ${n}'s revision is logged; the gateway sends your transaction as soon as the chain answers`,
    notRevision: "the gateway asked to sign something other than the revision you entered; nothing was signed: report this gateway to your supervisor",
    notApplication: "the gateway asked to sign something other than an aidtrail application; nothing was signed: report this gateway to your supervisor", notAsTyped: (f) => `the record the gateway built is not what you entered (${f}); nothing was signed: report this gateway to your supervisor`,
  },
}, () => {
  signedIn();
  programmes();
  for (const input of document.querySelectorAll(".resident-id")) if (input.value) checkId(input);
  for (const select of document.querySelectorAll(".asset-kind")) assetKinds(select);
  for (const row of document.querySelectorAll(".health")) healthChoices(row);
  for (const draw of Object.values(shown)) draw?.();
});

function programmes() {
  const chosen = $("#programme").value || "dibao";
  $("#programme").replaceChildren(...Object.keys(PROGRAMME_NAMES).map((name) => el("option", { value: name, selected: name === chosen }, PROGRAMME_NAMES[name][language()])));
}

/** The offices the signed-in caseworker takes applications in: where the ledger gives them the role. */
async function jurisdictions() {
  const { roles } = await api("/v1/worklist");
  const offices = roles.filter((r) => r.role === "CASEWORKER").map((r) => r.jurisdiction);
  if (offices.length === 0) throw new Error(t("noJurisdiction"));
  await divisionNames().catch(() => undefined);
  $("#jurisdiction").replaceChildren(...offices.map((code) => el("option", { value: code }, place(code))));
}

/** A resident ID checked as it is typed: what is wrong is said beside it, in the page's language. */
function checkId(input) {
  const read = readResidentId(input.value);
  const problem = input.value.trim() === "" ? "" : "problem" in read ? read.problem[language()] : "";
  document.getElementById(input.getAttribute("aria-describedby")).textContent = problem;
  input.setAttribute("aria-invalid", String(problem !== ""));
  return "id" in read ? read.id : null;
}
document.addEventListener("input", (event) => event.target.classList?.contains("resident-id") && checkId(event.target));

let members = 0;
function addMember() {
  const n = ++members;
  const id = (part) => `member-${n}-${part}`;
  const row = el("fieldset", { class: "member", "data-member": n },
    el("legend", {}, t("memberN", n)),
    el("div", { class: "row" },
      el("div", {}, el("label", { for: id("name"), "data-t": "name" }, t("name")), el("input", { id: id("name"), class: "member-name", autocomplete: "off" })),
      el("div", {}, el("label", { for: id("relation"), "data-t": "relation" }, t("relation")), el("input", { id: id("relation"), class: "member-relation", autocomplete: "off" })),
      el("div", {}, el("label", { for: id("id"), "data-t": "residentId" }, t("residentId")), el("input", { id: id("id"), class: "resident-id member-id", autocomplete: "off", "aria-describedby": id("problem") }), el("p", { class: "error", id: id("problem"), "aria-live": "polite" })),
    ),
  );
  const remove = el("button", { type: "button", class: "secondary", "data-t": "remove" }, t("remove"));
  remove.addEventListener("click", () => row.remove());
  row.append(remove);
  $("#members").append(row);
}
$("#add-member").addEventListener("click", addMember);

/** An asset's kinds, by their names in the page's language. */
function assetKinds(select) {
  const chosen = select.value || "savings";
  select.replaceChildren(...Object.entries(t("assetKinds")).map(([value, name]) => el("option", { value, selected: value === chosen }, name)));
}

/** The people a health entry may be of: the applicant and each member, by their name as typed; the choice kept. */
function healthPeople(select) {
  const chosen = select.value || "applicant";
  const members = [...document.querySelectorAll(".member")].map((row, i) => [`member-${row.dataset.member}`, row.querySelector(".member-name").value.trim() || t("memberN", i + 1)]);
  select.replaceChildren(...[["applicant", $("#name").value.trim() || t("applicantTitle")], ...members].map(([value, name]) => el("option", { value, selected: value === chosen }, name)));
}

/** A health entry's choices in the page's language: whose, the disability's category and grade. */
function healthChoices(row) {
  healthPeople(row.querySelector(".health-whose"));
  const kind = row.querySelector(".health-disability");
  const chosen = kind.value;
  kind.replaceChildren(el("option", { value: "" }, t("healthNone")), ...Object.entries(t("disabilityKinds")).map(([value, name]) => el("option", { value, selected: value === chosen }, name)));
  const grade = row.querySelector(".health-grade");
  const graded = grade.value || "1";
  grade.replaceChildren(...t("grades").map((name, i) => el("option", { value: String(i + 1), selected: String(i + 1) === graded }, name)));
}

let healthEntries = 0;
$("#add-health").addEventListener("click", () => {
  const n = ++healthEntries;
  const id = (part) => `health-${n}-${part}`;
  const row = el("fieldset", { class: "health", "data-health": n },
    el("legend", {}, t("healthN", n)),
    el("div", { class: "row" },
      el("div", {}, el("label", { for: id("whose"), "data-t": "healthWhose" }, t("healthWhose")), el("select", { id: id("whose"), class: "health-whose" })),
      el("div", {}, el("label", { for: id("disability"), "data-t": "healthDisability" }, t("healthDisability")), el("select", { id: id("disability"), class: "health-disability" })),
      el("div", {}, el("label", { for: id("grade"), "data-t": "healthGrade" }, t("healthGrade")), el("select", { id: id("grade"), class: "health-grade" })),
    ),
    el("div", {}, el("label", { for: id("illness"), "data-t": "healthIllness" }, t("healthIllness")), el("input", { id: id("illness"), class: "health-illness", autocomplete: "off" })),
  );
  healthChoices(row);
  // The household may change after the entry is added: whose it may be is read again when chosen.
  row.querySelector(".health-whose").addEventListener("focus", (event) => healthPeople(event.target));
  const remove = el("button", { type: "button", class: "secondary", "data-t": "remove" }, t("remove"));
  remove.addEventListener("click", () => row.remove());
  row.append(remove);
  $("#health").append(row);
});

/** The health entries as the record holds them, each of the resident ID of the person chosen. */
function healthOf(applicantId, household) {
  const members = [...document.querySelectorAll(".member")].map((row) => `member-${row.dataset.member}`);
  return [...document.querySelectorAll(".health")].map((row) => {
    const whose = row.querySelector(".health-whose").value;
    const residentId = whose === "applicant" ? applicantId : household[members.indexOf(whose)]?.residentId;
    const category = row.querySelector(".health-disability").value;
    const illness = row.querySelector(".health-illness").value.trim();
    if (!residentId || (!category && !illness)) {
      row.querySelector(category || illness ? ".health-whose" : ".health-disability").focus();
      throw new Error(t("healthEmpty"));
    }
    return { residentId, ...(category && { disability: { category, grade: Number(row.querySelector(".health-grade").value) } }), ...(illness && { illness }) };
  });
}

let assets = 0;
$("#add-asset").addEventListener("click", () => {
  const n = ++assets;
  const id = (part) => `asset-${n}-${part}`;
  const kind = el("select", { id: id("kind"), class: "asset-kind" });
  assetKinds(kind);
  const row = el("fieldset", { class: "asset", "data-asset": n },
    el("legend", {}, t("assetN", n)),
    el("div", { class: "row" },
      el("div", {}, el("label", { for: id("kind"), "data-t": "assetKind" }, t("assetKind")), kind),
      el("div", {}, el("label", { for: id("value"), "data-t": "assetValue" }, t("assetValue")), el("input", { id: id("value"), class: "asset-value", inputmode: "decimal", autocomplete: "off" })),
    ),
  );
  const remove = el("button", { type: "button", class: "secondary", "data-t": "remove" }, t("remove"));
  remove.addEventListener("click", () => row.remove());
  row.append(remove);
  $("#assets").append(row);
});

/** Each document chosen, by its SHA-256: the record holds its fingerprint; its content is kept sealed once the case is taken in. */
let documents = [];
let documentFiles = [];
$("#documents").addEventListener("change", guarded($("#intake-output"), async () => {
  documentFiles = [...$("#documents").files];
  documents = await Promise.all(documentFiles.map(async (file, i) => ({ kind: `attachment-${i + 1}`, sha256: bytesToHex(sha256(new Uint8Array(await file.arrayBuffer()))) })));
  shown.documents = () => ($("#documents-list").textContent = t("documentsChosen", documents.length));
  shown.documents();
}));


/** The household's monthly income, in fen, as the record holds it. */
function incomeFen() {
  const fen = fenOf($("#income").value);
  if (fen === null || BigInt(fen) > 10n ** 12n) throw new Error(t("incomeInvalid"));
  return Number(fen);
}

/** The application as typed, every resident ID in its canonical form; refused, with every fault marked, when one is wrong. */
function fields() {
  const faults = [];
  const applicantId = checkId($("#resident-id"));
  if (!applicantId) faults.push($("#resident-id"));
  if (!$("#name").value.trim()) faults.push($("#name"));
  const household = [...document.querySelectorAll(".member")].map((row) => {
    const residentId = checkId(row.querySelector(".member-id"));
    if (!residentId) faults.push(row.querySelector(".member-id"));
    for (const input of [row.querySelector(".member-name"), row.querySelector(".member-relation")]) if (!input.value.trim()) faults.push(input);
    return { name: row.querySelector(".member-name").value.trim(), relation: row.querySelector(".member-relation").value.trim(), residentId: residentId ?? "" };
  });
  if (faults.length > 0) {
    faults[0].focus();
    throw new Error(t("fix"));
  }
  const applicant = { name: $("#name").value.trim(), residentId: applicantId };
  if ($("#phone").value.trim()) applicant.phone = $("#phone").value.trim();
  if ($("#address").value.trim()) applicant.address = $("#address").value.trim();
  const health = healthOf(applicantId, household);
  const asked = { programme: $("#programme").value, area: $("#area").value, jurisdiction: $("#jurisdiction").value, applicant, household, ...(health.length > 0 && { health }), monthlyIncome: incomeFen(), assets: assetsFen(), documents };
  const bankAccount = account();
  return bankAccount ? { ...asked, bankAccount } : asked;
}

/** The assets as the record holds them: each its kind and value in fen. */
function assetsFen() {
  return [...document.querySelectorAll(".asset")].map((row) => {
    const value = fenOf(row.querySelector(".asset-value").value);
    if (value === null || BigInt(value) > 10n ** 14n) {
      row.querySelector(".asset-value").focus();
      throw new Error(t("assetValueInvalid"));
    }
    return { kind: row.querySelector(".asset-kind").value, value: Number(value) };
  });
}

/** The account payments go to, from the bank, account and holder fields named: all three or none. */
function account(bankField = "#bank", accountField = "#account", holderField = "#holder") {
  const [bank, number, holder] = [bankField, accountField, holderField].map((s) => $(s).value.trim());
  if (!bank && !number && !holder) return null;
  if (!bank || !number || !holder) throw new Error(t("bankIncomplete"));
  const digits = number.normalize("NFKC").replace(/[\s-]/g, "");
  if (!/^\d{8,30}$/.test(digits)) {
    $(accountField).focus();
    throw new Error(t("accountInvalid"));
  }
  return { bank, account: digits, holder };
}

/** The draft, once checked: the record the gateway built must be the one typed, and the hash signed its hash. */
let drafted = null;

$("#intake-form").addEventListener("submit", guarded($("#intake-output"), async () => {
  const key = openedKey();
  if (!key) throw new Error(t("signInFirst"));
  const asked = fields();
  const draft = await api("/v1/cases/draft", { method: "POST", body: asked });
  checkDraft(draft, asked, key.address);
  await checkDomain(draft.domain);
  drafted = { asked, draft };
  shown.plain = drawPlain;
  drawPlain();
  $("#to-sign").hidden = false;
}));

/**
 * The gateway is not trusted with what is signed: the payload must be an application of the
 * known type, for the record it built, and that record must hold what was typed, taken in by this
 * officer. (The identity commitments are the gateway's to compute, with the deployment's key.)
 */
function checkDraft(draft, asked, officer) {
  if (draft.primaryType !== "ApplicationAuthorisation" || JSON.stringify(draft.types) !== JSON.stringify(APPLICATION_TYPES)) throw new Error(t("notApplication"));
  const r = draft.record;
  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
  const mismatch = [
    ["caseId", r.caseId === draft.envelope.caseId && draft.message.caseId === r.caseId],
    ["recordHash", recordHashHex(r) === draft.message.recordHash],
    ["jurisdiction", r.jurisdiction === asked.jurisdiction && String(draft.message.jurisdiction) === String(BigInt(asked.jurisdiction))],
    ["public", same(r.public, { programme: asked.programme, area: asked.area, householdSize: asked.household.length + 1, documents: asked.documents, intakeOfficer: officer })],
    ["personal", same(r.personal, { applicant: asked.applicant, household: asked.household, ...(asked.health && { health: asked.health }), monthlyIncome: asked.monthlyIncome, assets: asked.assets, ...(asked.bankAccount && { bankAccount: asked.bankAccount }) })],
  ].find(([, ok]) => !ok);
  if (mismatch) throw new Error(t("notAsTyped", mismatch[0]));
}

function drawPlain() {
  const { asked, draft } = drafted;
  $("#plain").replaceChildren(
    ...fact(t("verdict"), t("verdictIs", PROGRAMME_NAMES[asked.programme][language()], t(asked.area), asked.household.length + 1, asked.applicant.name)),
    ...fact(t("place"), place(asked.jurisdiction)),
    ...fact(t("record"), draft.message.recordHash, "hash"),
    ...fact(t("people"), draft.message.identities, "hash"),
    ...fact(t("validUntil"), cst(Number(draft.deadline) * 1000)),
    ...fact(t("ledger"), t("ledgerIs", draft.domain.chainId, draft.domain.verifyingContract), "hash"),
  );
}

$("#sign-application").addEventListener("click", guarded($("#intake-output"), async () => {
  const key = openedKey();
  if (!key || !drafted) throw new Error(t("signInFirst"));
  const { asked, draft } = drafted;
  const signature = await key.signTypedData(draft.domain, draft.types, draft.message);
  const taken = await api("/v1/cases", { method: "POST", headers: { "idempotency-key": draft.envelope.caseId }, body: { ...asked, envelope: draft.envelope, deadline: draft.deadline, signature } });
  drafted = null;
  delete shown.plain;
  $("#to-sign").hidden = true;
  shown.receipt = () => drawReceipt(taken.receipt, asked.applicant.name, asked.programme);
  shown.receipt();
  // The documents' content, each checked by the gateway against the fingerprint the application records, and sealed.
  await Promise.all(documentFiles.map((file, i) => bytesCall(`/v1/cases/${taken.caseId}/documents/${documents[i].sha256}`, { method: "PUT", body: file })));
  if (documentFiles.length > 0) $("#intake-output").replaceChildren(el("p", { class: "ok", id: "documents-kept" }, t("documentsKept", documentFiles.length)));
}));

/** The citizen's receipt: its QR code opens their case on the citizen's page (the receipt after "#", never sent to the server). */
function drawReceipt(receipt, name, programme) {
  const link = `${location.origin}/web/citizen.html#${receipt.qr}`;
  const svg = new DOMParser().parseFromString(renderSVG(link), "image/svg+xml").documentElement;
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", t("qrLabel"));
  svg.setAttribute("data-link", link);
  $("#receipt-qr").replaceChildren(svg);
  $("#receipt-facts").replaceChildren(
    ...fact(t("caseNumber"), receipt.caseNumber, "case-number"),
    ...fact(t("code"), receipt.code.match(/.{4}/g).join("-"), "case-number"),
    ...fact(t("applicant"), name),
    ...fact(t("programme"), PROGRAMME_NAMES[programme][language()]),
    ...fact(t("acceptedAt"), cst(Date.now())),
  );
  $("#form-section").hidden = true;
  $("#taken-section").hidden = true;
  $("#receipt-section").hidden = false;
}

// A case taken in, found by its number: its receipt reissued, or its application revised.
caseNumberForm($("#finder")).addEventListener("submit", guarded($("#case-output"), async () => {
  const cases = await casesNumbered(readCaseNumber($("#case-number").value));
  $("#case-step").replaceChildren();
  shown.found = () =>
    $("#found").replaceChildren(
      cases.length === 0 ? el("p", { class: "muted" }, t("notFound")) : "",
      ...cases.map((c) => {
        const reissue = el("button", { type: "button", class: "secondary", "data-step": "reissue" }, t("reissue"));
        reissue.addEventListener("click", () => reissueForm(c));
        const revise = el("button", { type: "button", class: "secondary", "data-step": "revise" }, t("revise"));
        revise.addEventListener("click", guarded($("#case-output"), () => reviseForm(c)));
        return el("div", { class: "card found-case", "data-case": c.caseId }, foundCaseFacts(c), reissue, " ", revise);
      }),
    );
  shown.found();
}));

/** A receipt reissued to the applicant in person: their resident ID, typed from their card, must be the case's applicant's. */
function reissueForm(found) {
  const id = el("input", { id: "reissue-id", class: "resident-id", autocomplete: "off", "aria-describedby": "reissue-id-problem" });
  const form = el("form", { id: "reissue-form" }, el("label", { for: "reissue-id" }, t("reissueId")), id, el("p", { class: "error", id: "reissue-id-problem", "aria-live": "polite" }), el("button", { type: "submit" }, t("reissueDo")));
  $("#case-step").replaceChildren(form);
  $("#case-output").replaceChildren();
  form.addEventListener("submit", guarded($("#case-output"), async () => {
    const residentId = checkId(id);
    if (!residentId) throw new Error(t("fix"));
    const reissued = await api(`/v1/cases/${found.caseId}/receipt`, { method: "POST", body: { residentId } });
    shown.receipt = () => drawReceipt(reissued.receipt, found.name, found.programme);
    shown.receipt();
    $("#receipt-facts").append(...fact("", t("reissued")));
  }));
}

const REGISTRY = new Interface(["function reviseRecord((bytes32 caseId, bytes32 recordHash, bytes32 identityCommitment, bytes32[] joined, bytes32[] left, bytes32 evidenceHash) revision)"]);

/**
 * An application revised: the record read for correcting it (logged), the income and the account
 * changed as typed, with the reason. The draft is checked before it is signed: the revision of this
 * case's application, holding what was typed and the rest as it was, revised by this officer; the
 * call exactly reviseRecord of it, no one joining or leaving the household.
 */
async function reviseForm(found) {
  const key = openedKey();
  if (!key) throw new Error(t("signInFirst"));
  const current = (await api(`/v1/cases/${found.caseId}?purpose=correction`)).revisions.at(-1).record;
  const person = current.personal;
  const input = (id, value, attributes = {}) => el("input", { id, value: value ?? "", autocomplete: "off", ...attributes });
  const form = el("form", { id: "revise-form" },
    el("div", { class: "row" },
      el("div", {}, el("label", { for: "revise-income" }, t("reviseIncome")), input("revise-income", yuan(person.monthlyIncome ?? 0).replace(/,/g, ""), { inputmode: "decimal" })),
      el("div", {}, el("label", { for: "revise-bank" }, t("bank")), input("revise-bank", person.bankAccount?.bank)),
      el("div", {}, el("label", { for: "revise-account" }, t("account")), input("revise-account", person.bankAccount?.account, { inputmode: "numeric" })),
      el("div", {}, el("label", { for: "revise-holder" }, t("holder")), input("revise-holder", person.bankAccount?.holder)),
    ),
    el("label", { for: "revise-reason" }, t("reviseReason")), el("textarea", { id: "revise-reason", rows: 2 }),
    el("button", { type: "submit" }, t("revisePrepare")),
  );
  $("#case-step").replaceChildren(form);
  $("#case-output").replaceChildren();
  form.addEventListener("submit", guarded($("#case-output"), async () => {
    const reason = $("#revise-reason").value.trim();
    if (!reason) throw new Error(t("reasonNeeded"));
    const income = fenOf($("#revise-income").value);
    if (income === null || BigInt(income) > 10n ** 12n) throw new Error(t("incomeInvalid"));
    const bankAccount = account("#revise-bank", "#revise-account", "#revise-holder");
    const fields = { reason, monthlyIncome: Number(income), ...(bankAccount && { bankAccount }) };
    const path = `/v1/cases/${found.caseId}/revisions`;
    const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
    const expected = { ...person, monthlyIncome: fields.monthlyIncome, ...(bankAccount && { bankAccount }) };
    const fits = (record) => record.caseId === found.caseId && record.kind === "application" && record.recordId === current.recordId && record.revision === current.revision + 1 && record.public.reason === reason && record.public.revisedBy.toLowerCase() === key.address.toLowerCase() && same(Object.keys(record.personal).sort().map((k) => [k, record.personal[k]]), Object.keys(expected).sort().map((k) => [k, expected[k]]));
    // The applicant's commitment is the gateway's to compute (its identity key); the ledger refuses any but the case's.
    const call = (hash, record, transaction) => {
      let asDrafted;
      try {
        [asDrafted] = REGISTRY.decodeFunctionData("reviseRecord", transaction.data);
      } catch {
        return null;
      }
      return REGISTRY.encodeFunctionData("reviseRecord", [{ caseId: record.caseId, recordHash: hash, identityCommitment: asDrafted.identityCommitment, joined: [], left: [], evidenceHash: hash }]);
    };
    const drafted = await draftStep(path, fields, key, { fits, call, contract: "caseRegistry" }, () => t("notRevision"));
    const sign = el("button", { type: "button", id: "sign-revision" }, t("signRevision"));
    $("#case-step").replaceChildren(el("div", { class: "card" }, el("dl", { class: "facts" }, ...fact(t("revise"), t("reviseIs", found.caseNumber, found.status !== "Submitted")), ...fact(t("reviseIncome"), yuan(fields.monthlyIncome)), ...(bankAccount ? fact(t("bankTitle"), `${bankAccount.bank} ${bankAccount.account}（${bankAccount.holder}）`) : []), ...fact(t("reviseReason"), reason), ...fact(t("to"), drafted.transaction.to, "hash")), sign));
    sign.addEventListener("click", guarded($("#case-output"), async () => {
      const { ledger } = await relayStep(path, fields, drafted, key);
      $("#case-step").replaceChildren();
      $("#case-output").replaceChildren(stepOutcome(ledger, (tx) => t("revised", found.caseNumber, tx), t("revisionPending", found.caseNumber)));
    }));
  }));
}

$("#print-receipt").addEventListener("click", () => window.print());
$("#next-application").addEventListener("click", () => location.reload());
if (sessionStorage.getItem("aidtrail.token")) guarded($("#intake-output"), jurisdictions)();
