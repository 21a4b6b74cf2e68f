import { checkBundle } from "aidtrail/verify";
import { el } from "./common.js";

/** Reads a dropped or chosen JSON file. */
export async function readJsonFile(file) {
  try {
    return JSON.parse(await file.text());
  } catch (error) {
    throw new Error(`${file.name} is not JSON: ${error.message}`);
  }
}

/** Wires a drop zone and a file input to `onFile`. */
export function fileDrop(zone, input, onFile) {
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    if (event.dataTransfer.files[0]) onFile(event.dataTransfer.files[0]);
  });
  input.addEventListener("change", () => input.files[0] && onFile(input.files[0]));
}

/** The offline check of a bundle, as a list of what passed and what failed. */
export function bundleReport(bundle) {
  const check = checkBundle(bundle);
  const records = bundle.leaves.filter((leaf) => leaf.record);
  const failed = new Set(check.failures.map((f) => f.code));
  const passed = [
    ["CHECKPOINT_SIGNATURE_INVALID", `${bundle.checkpoints.length} checkpoints signed by the log key`],
    ["CHECKPOINT_ORDER", "checkpoints in increasing size"],
    ["CHECKPOINT_INCONSISTENT", `${bundle.consistency.length} consistency proofs between consecutive checkpoints`],
    ["RECORD_ALTERED", `${records.length} record hashes recomputed`],
    ["RECORD_MISSING", `${bundle.leaves.length} leaves present and in place`],
    ["RANGE_ROOT_MISMATCH", "every checkpoint root rebuilt from the leaves"],
    ["DECISION_SIGNATURE_FORGED", `${check.decisions.length} decision records with every signature recovered`],
    ["DECISION_DIGEST_MISMATCH", "decision digests recomputed (EIP-712)"],
  ].filter(([code]) => !failed.has(code));
  const view = el("div", {},
    el("p", { class: check.failures.length === 0 ? "ok" : "bad", id: "bundle-verdict", role: "status" },
      check.failures.length === 0 ? `VERIFIED offline: ${bundle.leaves.length} leaves, ${records.length} records, ${check.filedPayouts.length} payment lines` : `FAILED: ${check.failures.length} check(s)`),
    el("ul", { id: "passed" }, passed.map(([, text]) => el("li", { class: "ok" }, "✓ ", text))),
    el("ul", { id: "failed" }, check.failures.map((f) => el("li", { class: "bad" }, `✗ ${f.code}: ${f.message}`))),
  );
  return { check, view, records: records.map((leaf) => leaf.record) };
}
