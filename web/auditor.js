import { BUNDLE_FORMAT, verifyRecord } from "aidtrail/verify";
import { $, api, el, guarded, signInForm, yuan } from "./common.js";
import { bundleReport, fileDrop, readJsonFile } from "./bundle-file.js";

signInForm($("#sign-in"));

/** A single record as the auditor holds it: its proof fetched from the gateway, every check made here. */
async function recordReport(record) {
  const found = await api(`/v1/proofs/records/${encodeURIComponent(record.recordId)}`);
  const revision = found.revisions.find((r) => r.revision === record.revision);
  if (!revision) throw new Error(`the gateway has no revision ${record.revision} of ${record.recordId}`);
  if (!revision.proof) throw new Error(`revision ${record.revision} is not under an anchored checkpoint yet; try again after the next anchoring`);
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
    el("p", { class: verdict.ok ? "ok" : "bad", id: "record-verdict", role: "status" }, verdict.ok ? `INTACT: record ${record.recordId} revision ${record.revision} is leaf ${revision.leafIndex} of the checkpoint of ${found.checkpoint.treeSize}` : "NOT INTACT"),
    el("ul", {}, verdict.failures.map((f) => el("li", { class: "bad" }, `✗ ${f.code}: ${f.message}`))),
    el("p", { class: "muted" }, "record hash ", el("span", { class: "hash" }, verdict.recordHash ?? "")),
  );
}

fileDrop($("#drop"), $("#file"), (file) =>
  guarded($("#verdict"), async () => {
    const json = await readJsonFile(file);
    $("#verdict").replaceChildren(el("p", { class: "muted" }, "Checking…"));
    const view = json.format === BUNDLE_FORMAT ? bundleReport(json).view : await recordReport(json);
    $("#verdict").replaceChildren(view);
  })(),
);

const STAGE_NAMES = { review: "review", approval: "approval", notice: "public notice", firstPayment: "approval to first payment", toFirstPayment: "application to first payment" };

$("#trail-form").addEventListener("submit", guarded($("#trail"), async () => {
  const trail = await api(`/v1/audit/cases/${$("#case-id").value.trim()}/trail`);
  const stages = el("table", { id: "stages" },
    el("tr", {}, el("th", {}, "stage"), el("th", {}, "days"), el("th", {}, "limit"), el("th", {}, "")),
    trail.stages.map((s) =>
      el("tr", {},
        el("td", {}, STAGE_NAMES[s.stage] ?? s.stage),
        el("td", {}, s.days ?? "–"),
        // Public notice lasts at least its days; every other stage at most.
        el("td", {}, s.stage === "notice" ? `at least ${s.limitDays}` : `at most ${s.limitDays}`),
        el("td", { style: "width:40%" }, s.days === null ? "" : el("div", { class: s.withinLimit ? "bar" : "bar late", style: `width:${Math.min(100, (s.days / s.limitDays) * 100)}%`, title: s.withinLimit ? "within its limit" : s.stage === "notice" ? "shorter than the notice must last" : "over its limit" })),
      ),
    ),
  );
  const steps = el("table", { id: "steps" },
    el("tr", {}, el("th", {}, "when"), el("th", {}, "where"), el("th", {}, "what"), el("th", {}, "evidence")),
    trail.steps.map((s) =>
      el("tr", {},
        el("td", {}, s.at.replace("T", " ").slice(0, 19)),
        el("td", {}, s.where),
        // Who took a ledger step is the ledger's own word (its event's actor, or a decision's signers), with the role it needed.
        el("td", {}, s.what, s.actor ? el("div", { class: "hash" }, (s.signers ?? [s.actor]).join(", ") + (s.role ? ` (${s.role})` : "")) : ""),
        el("td", { class: "hash" }, s.transactionHash ? `tx ${s.transactionHash} · block ${s.blockNumber}` : `leaf ${s.leafIndex} · ${s.proof ? "proof to the anchored checkpoint" : "awaiting anchoring"}`),
      ),
    ),
  );
  $("#trail").replaceChildren(el("h3", {}, "Stages against their limits"), stages, el("h3", {}, `${trail.steps.length} steps`), steps);
}));

function allocationNode(node) {
  return el("li", { class: "allocation" },
    el("strong", {}, `allocation ${node.allocationId}`), ` · ${node.jurisdiction} · ${node.programme} ${node.fiscalYear} · amount ${yuan(node.amount)} · allocated down ${yuan(node.allocated)} · paid ${yuan(node.paid)} yuan · `,
    el("span", { class: node.totals.reconciles ? "ok" : "bad" }, node.totals.reconciles ? "reconciles" : "DOES NOT RECONCILE"),
    node.payouts.length ? el("ul", {}, node.payouts.map((p) => el("li", { class: "payout" }, `${p.period} · ${yuan(p.amount)} yuan → case `, el("span", { class: "hash" }, p.caseId)))) : "",
    node.children.length ? el("ul", {}, node.children.map(allocationNode)) : "",
  );
}

$("#flow-form").addEventListener("submit", guarded($("#flow"), async () => {
  const flow = await api(`/v1/audit/allocations/${$("#allocation-id").value.trim()}/flow`);
  $("#flow").replaceChildren(
    flow.path.length ? el("p", { class: "muted" }, "drawn from ", flow.path.map((p) => `allocation ${p.allocationId} (${p.jurisdiction}, ${yuan(p.amount)} yuan)`).join(" ← ")) : el("p", { class: "muted" }, "an appropriation"),
    el("ul", { class: "tree", id: "flow-tree" }, allocationNode(flow.tree)),
  );
}));
