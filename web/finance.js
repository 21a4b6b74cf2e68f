import { $, api, el, guarded, signInForm, yuan } from "./common.js";

signInForm($("#sign-in"));
// The ledger judges the month by its own clock (China Standard Time); this is only a suggestion.
$("#period").value = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 7).replace("-", "");

/** The run drafted for the signed-in officer, with the fields it was drafted from, until it is signed. */
let drafted = null;

function fields() {
  return { programme: $("#programme").value, period: Number($("#period").value), allocationId: $("#allocation").value.trim(), batchSize: Number($("#batch").value) };
}

function lineTables(run) {
  $("#paid").replaceChildren(el("tr", {}, el("th", {}, "case"), el("th", {}, "amount (yuan)")), ...run.lines.map((l) => el("tr", { class: "paid-line" }, el("td", { class: "hash" }, l.caseId), el("td", {}, yuan(l.amount)))));
  $("#skipped").replaceChildren(el("tr", {}, el("th", {}, "case"), el("th", {}, "reason")), ...run.skipped.map((s) => el("tr", { class: "skipped-line" }, el("td", { class: "hash" }, s.caseId), el("td", {}, s.reason))));
}

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
  lineTables(run);
  return run.batches.every((b) => b.state === "done" || b.state === "failed");
}

/** Batches go to the ledger in the background: watch them land. */
async function watch(run) {
  while (!show(run)) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    run = await api(`/v1/payout-runs/${run.runId}`);
  }
}

/** A drafted transaction as a wallet's JSON-RPC takes it: quantities in hex. */
function rpcTransaction(tx) {
  const hex = (v) => (v === undefined || v === null ? undefined : "0x" + BigInt(v).toString(16));
  const out = { from: tx.from, to: tx.to, data: tx.data, nonce: hex(tx.nonce), gas: hex(tx.gasLimit), chainId: hex(tx.chainId), type: hex(tx.type ?? 0) };
  if (tx.maxFeePerGas !== undefined && tx.maxFeePerGas !== null) Object.assign(out, { maxFeePerGas: hex(tx.maxFeePerGas), maxPriorityFeePerGas: hex(tx.maxPriorityFeePerGas ?? 0) });
  else out.gasPrice = hex(tx.gasPrice);
  return out;
}

// The run is drafted here; it is paid only by the officer's own signatures, one a batch.
$("#run-form").addEventListener("submit", guarded($("#run-output"), async () => {
  const asked = fields();
  drafted = { asked, ...(await api("/v1/payout-runs/draft", { method: "POST", body: asked })) };
  const { run, batches } = drafted;
  const total = run.lines.reduce((sum, l) => sum + BigInt(l.amount), 0n);
  $("#progress-section").hidden = false;
  $("#run-title").textContent = `Run ${run.runId} drafted: ${run.programme} ${run.period}, allocation ${run.allocationId}`;
  $("#progress").textContent = `${run.lines.length} cases to pay, ${yuan(total)} yuan in all, ${run.skipped.length} skipped: ${batches.length} transactions of your account to sign`;
  $("#batches").replaceChildren();
  lineTables(run);
  $("#sign-section").hidden = false;
  $("#cli").textContent = `npx aidtrail sign-call payout-run --programme ${asked.programme} --period ${asked.period} --allocation ${asked.allocationId} --batch-size ${asked.batchSize} --gateway ${location.origin} --rpc <a node of the chain> --deployment <your office's deployment file> --keystore <your keystore>`;
}));

/**
 * The page is the gateway's, so it checks what it can against the wallet's own node rather than
 * the gateway's word, before the wallet is asked to sign anything: the wallet's chain, account and
 * next nonce, and no value. (The contract it calls is for the wallet's confirmation, or the
 * command line, to pin against the deployment the officer trusts.)
 */
async function checkAgainstWallet(batches) {
  const wallet = window.ethereum;
  const chainId = BigInt(await wallet.request({ method: "eth_chainId", params: [] }));
  const accounts = (await wallet.request({ method: "eth_accounts", params: [] })).map((a) => a.toLowerCase());
  const first = batches[0].transaction;
  const next = Number(BigInt(await wallet.request({ method: "eth_getTransactionCount", params: [first.from, "pending"] })));
  batches.forEach(({ transaction: tx }, i) => {
    const which = `batch ${i + 1}'s transaction`;
    if (BigInt(tx.chainId) !== chainId) throw new Error(`${which} is for chain ${tx.chainId}, but your wallet is on chain ${chainId}: nothing was signed`);
    if (!accounts.includes(tx.from.toLowerCase())) throw new Error(`${which} is from ${tx.from}, which is not your wallet's account: nothing was signed`);
    if (BigInt(tx.value ?? 0) !== 0n) throw new Error(`${which} would send ${tx.value} wei; a payout run sends none: nothing was signed`);
    if (Number(tx.nonce) !== next + i) throw new Error(`${which} has nonce ${tx.nonce}, but your account's next is ${next + i} (another of your transactions went out since the draft: draft the run again): nothing was signed`);
  });
}

$("#sign").addEventListener("click", guarded($("#sign-output"), async () => {
  if (!drafted) throw new Error("draft a run first");
  if (!window.ethereum) throw new Error("no browser wallet here to sign with: sign the run with the command below instead");
  await checkAgainstWallet(drafted.batches);
  const signedTransactions = [];
  for (const batch of drafted.batches) {
    const signed = await window.ethereum.request({ method: "eth_signTransaction", params: [rpcTransaction(batch.transaction)] });
    signedTransactions.push(typeof signed === "string" ? signed : signed.raw);
  }
  const run = await api("/v1/payout-runs", { method: "POST", body: { ...drafted.asked, draft: drafted.draft, signedTransactions } });
  drafted = null;
  $("#sign-section").hidden = true;
  await watch(run);
}));

$("#watch-form").addEventListener("submit", guarded($("#watch-output"), async () => {
  await watch(await api(`/v1/payout-runs/${encodeURIComponent($("#run-id").value.trim())}`));
}));
