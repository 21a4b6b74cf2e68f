import { el, fact, yuan } from "./common.js";
import { addWords, t } from "./i18n.js";

/*
 * An application's personal fields as the pages show them: to the officer deciding on it, to the
 * auditor they were disclosed to, and to the citizen whose they are.
 */

addWords({
  zh: { pfWithheld: (c) => `含${c}，须持有敏感信息查阅权限才能查看`, pfCategory_children: "未成年人信息", pfApplicant: "申请人", pfMember: "家庭成员", pfIncome: "家庭月收入", pfAsset: "家庭财产", pfBank: "收款账户", pfAssetKinds: { savings: "存款", vehicle: "车辆", property: "房产", other: "其他" }, pfYuan: (a) => `${a} 元` },
  en: { pfWithheld: (c) => `holds ${c}: shown only to a reader of sensitive data`, pfCategory_children: "a child's data", pfApplicant: "Applicant", pfMember: "Household member", pfIncome: "Household monthly income", pfAsset: "Assets", pfBank: "Paid into", pfAssetKinds: { savings: "savings", vehicle: "vehicle", property: "property", other: "other" }, pfYuan: (a) => `${a} yuan` },
});

/** A person as written down: name, relation, resident ID, phone and address, those given. */
const person = (x) => [x.name, x.relation, x.residentId, x.phone, x.address].filter(Boolean).join(" · ");
/** What the caseworker wrote down (names, relations, the bank) is shown as written, marked as Chinese. */
const written = (text) => el("span", { lang: "zh-CN" }, text);

/** The personal fields an application record holds (all, or those disclosed), as a list's terms and descriptions. */
export function personalFacts(p) {
  return [
    p.applicant ? fact(t("pfApplicant"), written(person(p.applicant))) : [],
    (p.household ?? []).map((m) => fact(t("pfMember"), written(person(m)))),
    p.monthlyIncome !== undefined ? fact(t("pfIncome"), t("pfYuan", yuan(p.monthlyIncome))) : [],
    (p.assets ?? []).map((a) => fact(t("pfAsset"), `${t("pfAssetKinds")[a.kind] ?? a.kind} ${t("pfYuan", yuan(a.value))}`)),
    p.bankAccount ? fact(t("pfBank"), written(`${p.bankAccount.bank} ${p.bankAccount.account}（${p.bankAccount.holder}）`)) : [],
  ].flat(2);
}

/** The personal fields withheld from a reader for a special category of data, each said as such. */
export function withheldFacts(withheld = []) {
  return withheld.flatMap((w) => fact(t(w.field === "applicant" ? "pfApplicant" : "pfMember"), t("pfWithheld", w.specialCategories.map((c) => t(`pfCategory_${c}`)).join("、"))));
}
