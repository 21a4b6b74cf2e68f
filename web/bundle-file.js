import { checkBundle } from "aidtrail/verify";
import { el } from "./common.js";
import { addWords, t } from "./i18n.js";

addWords({
  zh: {
    notJson: (name, why) => `${name} 不是 JSON 文件：${why}`,
    checkpointsSigned: (n) => `${n} 个检查点均由日志密钥签名`, checkpointOrder: "检查点按大小递增", consistency: (n) => `相邻检查点之间的 ${n} 个一致性证明`,
    hashes: (n) => `重新计算了 ${n} 条记录的哈希`, leaves: (n) => `${n} 个叶子齐全且位置正确`, roots: "每个检查点的根都由叶子重建",
    decisionSignatures: (n) => `${n} 条决定记录的每个签名都已恢复出签名人`, digests: "重新计算了决定摘要（EIP-712）",
    verified: (leaves, records, lines) => `离线核验通过：${leaves} 个叶子，${records} 条记录，${lines} 条发放明细`, failed: (n) => `未通过：${n} 项检查`,
  },
  en: {
    notJson: (name, why) => `${name} is not JSON: ${why}`,
    checkpointsSigned: (n) => `${n} checkpoints signed by the log key`, checkpointOrder: "checkpoints in increasing size", consistency: (n) => `${n} consistency proofs between consecutive checkpoints`,
    hashes: (n) => `${n} record hashes recomputed`, leaves: (n) => `${n} leaves present and in place`, roots: "every checkpoint root rebuilt from the leaves",
    decisionSignatures: (n) => `${n} decision records with every signature recovered`, digests: "decision digests recomputed (EIP-712)",
    verified: (leaves, records, lines) => `VERIFIED offline: ${leaves} leaves, ${records} records, ${lines} payment lines`, failed: (n) => `FAILED: ${n} check(s)`,
  },
});

/** Reads a dropped or chosen JSON file. */
export async function readJsonFile(file) {
  try {
    return JSON.parse(await file.text());
  } catch (error) {
    throw new Error(t("notJson", file.name, error.message));
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

/** The offline check of a bundle, and a view of it (drawn in the page's language) as a list of what passed and what failed. */
export function bundleReport(bundle) {
  const check = checkBundle(bundle);
  return { check, view: () => reportView(bundle, check), records: bundle.leaves.filter((leaf) => leaf.record).map((leaf) => leaf.record) };
}

function reportView(bundle, check) {
  const records = bundle.leaves.filter((leaf) => leaf.record);
  const failed = new Set(check.failures.map((f) => f.code));
  const passed = [
    ["CHECKPOINT_SIGNATURE_INVALID", t("checkpointsSigned", bundle.checkpoints.length)],
    ["CHECKPOINT_ORDER", t("checkpointOrder")],
    ["CHECKPOINT_INCONSISTENT", t("consistency", bundle.consistency.length)],
    ["RECORD_ALTERED", t("hashes", records.length)],
    ["RECORD_MISSING", t("leaves", bundle.leaves.length)],
    ["RANGE_ROOT_MISMATCH", t("roots")],
    ["DECISION_SIGNATURE_FORGED", t("decisionSignatures", check.decisions.length)],
    ["DECISION_DIGEST_MISMATCH", t("digests")],
  ].filter(([code]) => !failed.has(code));
  return el("div", {},
    el("p", { class: check.failures.length === 0 ? "ok" : "bad", id: "bundle-verdict", role: "status" },
      check.failures.length === 0 ? t("verified", bundle.leaves.length, records.length, check.filedPayouts.length) : t("failed", check.failures.length)),
    el("ul", { id: "passed" }, passed.map(([, text]) => el("li", { class: "ok" }, "✓ ", text))),
    el("ul", { id: "failed" }, check.failures.map((f) => el("li", { class: "bad" }, `✗ ${f.code}: ${f.message}`))),
  );
}
