import { BUNDLE_FORMAT, PROGRAMME_NAMES, RECORD_NAMES, STATUS_NAMES, STEP_NAMES, verifyRecord } from "aidtrail/verify";
import { $, api, cst, divisionNames, el, guarded, placeElement, yuan } from "./common.js";
import { signInForm } from "./sign-in.js";
import { bundleReport, fileDrop, readJsonFile } from "./bundle-file.js";
import { casesNumbered, casesOfPerson, foundCaseFacts, readCaseNumber } from "./found-case.js";
import { language, speak, t } from "./i18n.js";
import { personalFacts } from "./personal-fields.js";

const signedIn = signInForm($("#sign-in"));
/** What the page shows, each drawn again in the other language. */
const shown = {};
speak({
  zh: {
    title: "审计", heading: "审计", toEqualization: "均等化", verifyTitle: "在本浏览器中核验审计包或单条记录", dropHint: "拖入审计包（命令", dropHint2: "导出），或您手中的单条记录。", fileLabel: "审计包或记录文件",
    verifyExplain: "一切都在本浏览器里用核验工具包重新计算：记录哈希、叶子顺序、由叶子重建的每个检查点的根、检查点签名和一致性、决定签名。检查点是否锚定在链上，由直接读链的这条命令核验：",
    trailTitle: "案件轨迹", caseIdHint: "案件编号，0x…", showTrail: "查看轨迹", flowTitle: "资金流向", allocationHint: "拨款编号", showFlow: "查看流向",
    noRevision: (rev, id) => `网关没有记录 ${id} 的第 ${rev} 版`, notAnchored: (rev) => `第 ${rev} 版尚未被锚定的检查点覆盖；请在下次锚定后再试`,
    intact: (id, rev, leaf, size) => `完好：记录 ${id} 第 ${rev} 版是大小为 ${size} 的检查点中的第 ${leaf} 个叶子`, notIntact: "不完好", recordHash: "记录哈希 ",
    stage: "阶段", days: "天数", limit: "时限", atLeast: (n) => `至少 ${n} 天`, atMost: (n) => `至多 ${n} 天`, within: "在时限内", short: "短于公示期", over: "超过时限",
    stages: { review: "审核", approval: "审批", notice: "公示", firstPayment: "审批至首次发放", toFirstPayment: "申请至首次发放" },
    when: "时间", where: "位置", what: "事项", evidence: "证据", ledger: "账本", log: "日志",
    revision: (name, n) => `${name}，第 ${n} 版`, tx: (hash, block) => `交易 ${hash} · 区块 ${block}`, leaf: (n, proof) => `叶子 ${n} · ${proof ? "有到已锚定检查点的证明" : "等待锚定"}`,
    stagesTitle: "各阶段与时限", stepsTitle: (n) => `共 ${n} 步`,
    allocationOf: (n) => `拨款 ${n} · `, allocationLine: (p, y, a, d, paid) => ` · ${p} ${y} 年 · 金额 ${a} 元 · 下拨 ${d} 元 · 已发放 ${paid} 元 · `,
    reconciles: "账目相符", notReconciles: "账目不符", payoutLine: (period, amount) => `${period} · ${amount} 元 → 案件 `,
    drawnFrom: "来自 ", pathItem: (id, a) => `拨款 ${id}（${a} 元，`, pathEnd: "）", anAppropriation: "一笔预算",
    exportBundle: "从本网关导出审计包并核验", exportHint: "（需登录；导出本身记入日志）", saveBundle: "保存这份审计包（可交给 aidtrail verify 对链核验）",
    findTitle: "查找案件", findExplain: "按回执上的案件号，或按当事人的身份证号查找您辖区内的案件。按身份证号查找须说明目的：找到的每个案件都作为一次查阅记入日志。", byNumber: "案件号", byPerson: "或：当事人身份证号", purpose: "查询目的（记入查阅记录）", find: "查找",
    purposes: { audit: "审计核查", complaint: "处理投诉", "payment-check": "核对发放" }, findNeeded: "请输入案件号或身份证号", noneFound: "您的辖区内没有找到案件", showThisTrail: "查看轨迹",
    groups: { identity: "身份信息", household: "家庭成员", means: "收入和财产", bankAccount: "收款账户" }, disclose: "查阅所选信息（按上面的目的记入查阅记录）", groupsNeeded: "请选择要查阅的信息",
    disclosedVerified: "✓ 每一项都与账本上锚定的承诺一致", disclosedPending: "该记录刚刚更新，下次锚定后才能核验", disclosedFailed: (codes) => `✗ 与锚定的承诺不符：${codes}`, childData: (g) => `${g}含未成年人信息（按敏感信息查阅权限披露）`,
  },
  en: {
    title: "Auditor", heading: "Auditor", toEqualization: "Equalisation", verifyTitle: "Verify an audit bundle or a record, in this browser", dropHint: "Drop a bundle (from", dropHint2: "), or a single record as you hold it.", fileLabel: "Bundle or record file",
    verifyExplain: "Everything is recomputed in this browser with the verification kit: record hashes, leaf order, every checkpoint root from the leaves, checkpoint signatures and consistency, decision signatures. That the checkpoints are anchored on chain is checked by this command, which reads the chain itself:",
    trailTitle: "Case trail", caseIdHint: "case id, 0x…", showTrail: "Show trail", flowTitle: "Fund flow", allocationHint: "allocation id", showFlow: "Show flow",
    noRevision: (rev, id) => `the gateway has no revision ${rev} of ${id}`, notAnchored: (rev) => `revision ${rev} is not under an anchored checkpoint yet; try again after the next anchoring`,
    intact: (id, rev, leaf, size) => `INTACT: record ${id} revision ${rev} is leaf ${leaf} of the checkpoint of ${size}`, notIntact: "NOT INTACT", recordHash: "record hash ",
    stage: "stage", days: "days", limit: "limit", atLeast: (n) => `at least ${n}`, atMost: (n) => `at most ${n}`, within: "within its limit", short: "shorter than the notice must last", over: "over its limit",
    stages: { review: "review", approval: "approval", notice: "public notice", firstPayment: "approval to first payment", toFirstPayment: "application to first payment" },
    when: "when", where: "where", what: "what", evidence: "evidence", ledger: "ledger", log: "log",
    revision: (name, n) => `${name}, revision ${n}`, tx: (hash, block) => `tx ${hash} · block ${block}`, leaf: (n, proof) => `leaf ${n} · ${proof ? "proof to the anchored checkpoint" : "awaiting anchoring"}`,
    stagesTitle: "Stages against their limits", stepsTitle: (n) => `${n} steps`,
    allocationOf: (n) => `allocation ${n} · `, allocationLine: (p, y, a, d, paid) => ` · ${p} ${y} · amount ${a} · allocated down ${d} · paid ${paid} yuan · `,
    reconciles: "reconciles", notReconciles: "DOES NOT RECONCILE", payoutLine: (period, amount) => `${period} · ${amount} yuan → case `,
    drawnFrom: "drawn from ", pathItem: (id, a) => `allocation ${id} (${a} yuan, `, pathEnd: ")", anAppropriation: "an appropriation",
    exportBundle: "Export a bundle from this gateway and check it", exportHint: "(signed in; the export itself is logged)", saveBundle: "Save this bundle (for aidtrail verify to check against the chain)",
    findTitle: "Find cases", findExplain: "By the case number on a receipt, or by a person's resident ID, in your jurisdiction. A search by resident ID states its purpose: each case found is logged as a read.", byNumber: "case number", byPerson: "or: the person's resident ID", purpose: "purpose (logged)", find: "Find",
    purposes: { audit: "an audit", complaint: "handling a complaint", "payment-check": "checking a payment" }, findNeeded: "type a case number or a resident ID", noneFound: "no case found in your jurisdiction", showThisTrail: "Show its trail",
    groups: { identity: "identity", household: "household", means: "income and assets", bankAccount: "bank account" }, disclose: "Read what is ticked (logged, for the purpose above)", groupsNeeded: "tick what to read",
    disclosedVerified: "✓ Every field matches the commitment anchored in the ledger", disclosedPending: "The record was just updated: it can be checked after the next anchoring", disclosedFailed: (codes) => `✗ Does not match the anchored commitment: ${codes}`, childData: (g) => `the ${g} holds a child's data (disclosed to the reader of sensitive data)`,
  },
}, () => {
  signedIn();
  purposes();
  for (const draw of Object.values(shown)) draw();
});

/** The purposes an auditor looks a person up for, by their names in the page's language. */
function purposes() {
  const chosen = $("#find-purpose").value || "audit";
  $("#find-purpose").replaceChildren(...Object.entries(t("purposes")).map(([value, name]) => el("option", { value, selected: value === chosen }, name)));
}

/** A ledger step as people say it: its step's name, and a change of status in the statuses' names. */
function ledgerWhat(step) {
  const lang = language();
  const change = /^(\w+) → (\w+)$/.exec(step.what);
  const name = step.step ? STEP_NAMES[step.step]?.[lang] : null;
  if (change) return `${name ?? ""}${name ? "：" : ""}${STATUS_NAMES[change[1]]?.[lang] ?? change[1]} → ${STATUS_NAMES[change[2]]?.[lang] ?? change[2]}`;
  return name ?? step.what;
}

/** A record of a trail as people say it: its kind (or type), and which revision. */
function recordWhat(step) {
  const name = step.record ? (RECORD_NAMES[step.record.type ?? step.record.kind]?.[language()] ?? step.record.type ?? step.record.kind) : step.what;
  return step.record ? t("revision", name, step.record.revision) : step.what;
}

/** A single record as the auditor holds it: its proof fetched from the gateway, every check made here. */
async function recordReport(record) {
  const found = await api(`/v1/proofs/records/${encodeURIComponent(record.recordId)}`);
  const revision = found.revisions.find((r) => r.revision === record.revision);
  if (!revision) throw new Error(t("noRevision", record.revision, record.recordId));
  if (!revision.proof) throw new Error(t("notAnchored", record.revision));
  const verdict = verifyRecord({
    record,
    leafIndex: revision.leafIndex,
    leafHash: revision.leafHash,
    proof: revision.proof,
    checkpoint: found.checkpoint,
    expectedSigner: found.checkpoint.signer,
    anchored: new Map([[found.checkpoint.treeSize, found.checkpoint.root]]),
  });
  return el("div", {},
    el("p", { class: verdict.ok ? "ok" : "bad", id: "record-verdict", role: "status" }, verdict.ok ? t("intact", record.recordId, record.revision, revision.leafIndex, found.checkpoint.treeSize) : t("notIntact")),
    el("ul", {}, verdict.failures.map((f) => el("li", { class: "bad" }, `✗ ${f.code}: ${f.message}`))),
    el("p", { class: "muted" }, t("recordHash"), el("span", { class: "hash" }, verdict.recordHash ?? "")),
  );
}

/** A bundle checked here, as `aidtrail verify` checks it without the chain; with a link to save it, when it came from the gateway. */
function showBundle(bundle, saved) {
  const report = bundleReport(bundle);
  shown.verdict = () => $("#verdict").replaceChildren(report.view(), saved ? el("p", {}, el("a", { href: saved, download: "aidtrail-bundle.json", id: "save-bundle" }, t("saveBundle"))) : "");
  shown.verdict();
}

fileDrop($("#drop"), $("#file"), (file) =>
  guarded($("#verdict"), async () => {
    const json = await readJsonFile(file);
    $("#verdict").replaceChildren(el("p", { class: "muted" }, t("checking")));
    if (json.format === BUNDLE_FORMAT) showBundle(json);
    else $("#verdict").replaceChildren(await recordReport(json));
  })(),
);

// The gateway's own export, fetched by the signed-in auditor and checked here: what its records say, not what it says of them.
$("#export").addEventListener("click", guarded($("#verdict"), async () => {
  $("#verdict").replaceChildren(el("p", { class: "muted" }, t("checking")));
  const bundle = await api("/v1/audit/export");
  showBundle(bundle, URL.createObjectURL(new Blob([JSON.stringify(bundle)], { type: "application/json" })));
}));


function drawTrail(trail) {
  const stages = el("table", { id: "stages", tabindex: 0 },
    el("tr", {}, el("th", {}, t("stage")), el("th", {}, t("days")), el("th", {}, t("limit")), el("th", {}, "")),
    trail.stages.map((s) =>
      el("tr", {},
        el("td", {}, t("stages")[s.stage] ?? s.stage),
        el("td", {}, s.days ?? "–"),
        // Public notice lasts at least its days; every other stage at most.
        el("td", {}, s.stage === "notice" ? t("atLeast", s.limitDays) : t("atMost", s.limitDays)),
        el("td", { style: "width:40%" }, s.days === null ? "" : el("div", { class: s.withinLimit ? "bar" : "bar late", style: `width:${Math.min(100, (s.days / s.limitDays) * 100)}%`, title: s.withinLimit ? t("within") : s.stage === "notice" ? t("short") : t("over") })),
      ),
    ),
  );
  const steps = el("table", { id: "steps", tabindex: 0 },
    el("tr", {}, el("th", {}, t("when")), el("th", {}, t("where")), el("th", {}, t("what")), el("th", {}, t("evidence"))),
    trail.steps.map((s) =>
      el("tr", {},
        el("td", { class: "nowrap" }, cst(s.at, "second")),
        el("td", { class: "nowrap" }, t(s.where)),
        // Who took a ledger step is the ledger's own word (its event's actor, or a decision's signers), with the role it needed.
        el("td", { "data-what": s.what }, s.where === "ledger" ? ledgerWhat(s) : recordWhat(s), s.actor ? el("div", { class: "hash" }, (s.signers ?? [s.actor]).join(", ") + (s.role ? ` (${s.role})` : "")) : ""),
        el("td", { class: "hash" }, s.transactionHash ? t("tx", s.transactionHash, s.blockNumber) : t("leaf", s.leafIndex, s.proof)),
      ),
    ),
  );
  $("#trail").replaceChildren(el("h3", {}, t("stagesTitle")), stages, el("h3", {}, t("stepsTitle", trail.steps.length)), steps);
}

async function showTrail(caseId) {
  const trail = await api(`/v1/audit/cases/${caseId}/trail`);
  shown.trail = () => drawTrail(trail);
  shown.trail();
}

$("#trail-form").addEventListener("submit", guarded($("#trail"), () => showTrail($("#case-id").value.trim())));

// Cases by number, or by person for a stated purpose; each opens its trail.
$("#find-form").addEventListener("submit", guarded($("#found"), async () => {
  const number = $("#find-number").value.trim();
  const person = $("#find-person").value.trim();
  if (!number && !person) throw new Error(t("findNeeded"));
  const cases = number ? await casesNumbered(readCaseNumber(number)) : await casesOfPerson(person, $("#find-purpose").value);
  shown.found = () =>
    $("#found").replaceChildren(
      cases.length === 0 ? el("p", { class: "muted" }, t("noneFound")) : "",
      ...cases.map((c) => {
        const open = el("button", { type: "button", class: "secondary", "data-show": "trail" }, t("showThisTrail"));
        open.addEventListener("click", guarded($("#trail"), async () => {
          $("#case-id").value = c.caseId;
          await showTrail(c.caseId);
          $("#trail").scrollIntoView();
        }));
        return el("div", { class: "card found-case", "data-case": c.caseId }, foundCaseFacts(c), open, disclosureForm(c.caseId));
      }),
    );
  shown.found();
}));

/**
 * Named groups of a case's personal fields, read for the purpose chosen above (the gateway logs the
 * read before it answers) and checked here, field by field, against the commitments anchored in
 * the ledger.
 */
function disclosureForm(caseId) {
  const boxes = Object.entries(t("groups")).map(([group, name]) => el("label", { class: "choice" }, el("input", { type: "checkbox", value: group }), " ", name));
  const out = el("div", { class: "disclosed" });
  const ask = el("button", { type: "button", class: "secondary", "data-show": "disclosure" }, t("disclose"));
  ask.addEventListener("click", guarded(out, async () => {
    const groups = boxes.map((box) => box.querySelector("input")).filter((box) => box.checked).map((box) => box.value);
    if (groups.length === 0) throw new Error(t("groupsNeeded"));
    const { cases: [found], checkpoint } = await api("/v1/disclosures", { method: "POST", body: { purpose: $("#find-purpose").value, cases: [caseId], groups } });
    const failures = found.proof ? verifyRecord({ record: found.record, leafIndex: found.leafIndex, leafHash: found.leafHash, proof: found.proof, checkpoint }).failures : null;
    const verdict = failures === null ? "pending" : String(failures.length === 0);
    out.replaceChildren(
      el("dl", { class: "facts" }, ...personalFacts(found.record.personal)),
      ...found.groups.filter((g) => g.specialCategories.length > 0).map((g) => el("p", { class: "muted" }, t("childData", t("groups")[g.group]))),
      el("p", { class: `verdict ${{ true: "ok", false: "bad", pending: "muted" }[verdict]}`, "data-verified": verdict }, verdict === "false" ? t("disclosedFailed", failures.map((f) => f.code).join(", ")) : t(verdict === "true" ? "disclosedVerified" : "disclosedPending")),
    );
  }));
  return el("div", { class: "disclosure" }, el("div", {}, ...boxes), ask, out);
}

function allocationNode(node) {
  const programme = PROGRAMME_NAMES[node.programme.toLowerCase()]?.[language()] ?? node.programme;
  return el("li", { class: "allocation" },
    el("strong", {}, t("allocationOf", node.allocationId), placeElement(node.jurisdiction), t("allocationLine", programme, node.fiscalYear, yuan(node.amount), yuan(node.allocated), yuan(node.paid))),
    el("span", { class: node.totals.reconciles ? "ok" : "bad", "data-reconciles": String(node.totals.reconciles) }, node.totals.reconciles ? t("reconciles") : t("notReconciles")),
    node.payouts.length ? el("ul", {}, node.payouts.map((p) => el("li", { class: "payout" }, t("payoutLine", p.period, yuan(p.amount)), el("span", { class: "hash" }, p.caseId)))) : "",
    node.children.length ? el("ul", {}, node.children.map(allocationNode)) : "",
  );
}

$("#flow-form").addEventListener("submit", guarded($("#flow"), async () => {
  const flow = await api(`/v1/audit/allocations/${$("#allocation-id").value.trim()}/flow`);
  await divisionNames().catch(() => undefined);
  shown.flow = () =>
    $("#flow").replaceChildren(
      flow.path.length ? el("p", { class: "muted" }, t("drawnFrom"), ...flow.path.flatMap((p, i) => [i > 0 ? " ← " : "", t("pathItem", p.allocationId, yuan(p.amount)), placeElement(p.jurisdiction), t("pathEnd")])) : el("p", { class: "muted" }, t("anAppropriation")),
      el("ul", { class: "tree", id: "flow-tree" }, allocationNode(flow.tree)),
    );
  shown.flow();
}));
