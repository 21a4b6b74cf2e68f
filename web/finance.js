import { $, api, el, guarded, signInForm, yuan } from "/web/common.js";

signInForm($("#sign-in"));
$("#period").value = new Date().toISOString().slice(0, 7).replace("-", "");

function show(run) {
  $("#progress-section").hidden = false;
  $("#run-title").textContent = `Run ${run.runId}: ${run.programme} ${run.period}, allocation ${run.allocationId}`;
  const sent = run.batches.filter((b) => b.state === "done").length;
  const failed = run.batches.filter((b) => b.state === "failed");
  $("#progress").textContent = `${run.progress.paid} of ${run.progress.lines} cases paid on the ledger, ${run.progress.skipped} skipped; ${sent} of ${run.batches.length} batches sent${failed.length ? `, ${failed.length} refused` : ""}`;
  $("#batches").replaceChildren(
    el("tr", {}, el("th", {}, "batch"), el("th", {}, "cases"), el("th", {}, "state"), el("th", {}, "transaction")),
    ...run.batches.map((b, i) => el("tr", {}, el("td", {}, i + 1), el("td", {}, b.size), el("td", { class: b.state === "done" ? "ok" : b.state === "failed" ? "bad" : "" }, b.error ? `${b.state}: ${b.error.message}` : b.state), el("td", { class: "hash" }, b.transactionHash ?? ""))),
  );
  $("#paid").replaceChildren(el("tr", {}, el("th", {}, "case"), el("th", {}, "amount (yuan)")), ...run.lines.map((l) => el("tr", { class: "paid-line" }, el("td", { class: "hash" }, l.caseId), el("td", {}, yuan(l.amount)))));
  $("#skipped").replaceChildren(el("tr", {}, el("th", {}, "case"), el("th", {}, "reason")), ...run.skipped.map((s) => el("tr", { class: "skipped-line" }, el("td", { class: "hash" }, s.caseId), el("td", {}, s.reason))));
  return run.batches.every((b) => b.state === "done" || b.state === "failed");
}

$("#run-form").addEventListener("submit", guarded($("#run-output"), async () => {
  let run = await api("/v1/payout-runs", { method: "POST", body: { programme: $("#programme").value, period: Number($("#period").value), allocationId: $("#allocation").value.trim(), batchSize: Number($("#batch").value) } });
  // Batches go to the ledger in the background: watch them land.
  while (!show(run)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    run = await api(`/v1/payout-runs/${run.runId}`);
  }
}));
