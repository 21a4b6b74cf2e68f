import { el, fact, yuan } from "./common.js";
import { addWords, t } from "./i18n.js";

/*
 * An application's personal fields as the pages show them: to the officer deciding on it, to the
 * auditor they were disclosed to, and to the citizen whose they are.
 */

addWords({
  zh: { pfWithheld: (c) => `含${c}，须持有敏感信息查阅权限才能查看`, pfCategory_children: "未成年人信息", pfCategory_disability: "残疾人信息", pfCategory_medical: "医疗健康信息", pfHealth: "健康状况", pfDisability: (category, grade) => `${category}残疾 ${"一二三四"[grade - 1]}级`, pfDisabilityKinds: { visual: "视力", hearing: "听力", speech: "言语", physical: "肢体", intellectual: "智力", mental: "精神", multiple: "多重" }, pfApplicant: "申请人", pfMember: "家庭成员", pfIncome: "家庭月收入", pfAsset: "家庭财产", pfBank: "收款账户", pfAssetKinds: { savings: "存款", vehicle: "车辆", property: "房产", other: "其他" }, pfYuan: (a) => `${a} 元` },
  en: { pfWithheld: (c) => `holds ${c}: shown only to a reader of sensitive data`, pfCategory_children: "a child's data", pfCategory_disability: "a disabled person's data", pfCategory_medical: "medical details", pfHealth: "Health", pfDisability: (category, grade) => `${category} disability, grade ${grade}`, pfDisabilityKinds: { visual: "visual", hearing: "hearing", speech: "speech", physical: "physical", intellectual: "intellectual", mental: "mental", multiple: "multiple" }, pfApplicant: "Applicant", pfMember: "Household member", pfIncome: "Household monthly income", pfAsset: "Assets", pfBank: "Paid into", pfAssetKinds: { savings: "savings", vehicle: "vehicle", property: "property", other: "other" }, pfYuan: (a) => `${a} yuan` },
});

/** A person as written down: name, relation, resident ID, phone and address, those given. */
const person = (x) => [x.name, x.relation, x.residentId, x.phone, x.address].filter(Boolean).join(" · ");
/** What the caseworker wrote down (names, relations, the bank) is shown as written, marked as Chinese. */
const written = (text) => el("span", { lang: "zh-CN" }, text);

/** A person's health entry: whose (by name, where the record names them), their disability and illness. */
function health(entry, people) {
  const whose = people.find((x) => x.residentId === entry.residentId)?.name ?? entry.residentId;
  const said = [entry.disability && t("pfDisability", t("pfDisabilityKinds")[entry.disability.category] ?? entry.disability.category, entry.disability.grade), entry.illness && written(entry.illness)].filter(Boolean);
  return fact(t("pfHealth"), el("span", {}, written(whose), "：", ...said.flatMap((x, i) => (i ? ["；", x] : [x]))));
}

/** The personal fields an application record holds (all, or those disclosed), as a list's terms and descriptions. */
export function personalFacts(p) {
  const people = [p.applicant, ...(p.household ?? [])].filter(Boolean);
  return [
    p.applicant ? fact(t("pfApplicant"), written(person(p.applicant))) : [],
    (p.household ?? []).map((m) => fact(t("pfMember"), written(person(m)))),
    (p.health ?? []).map((h) => health(h, people)),
    p.monthlyIncome !== undefined ? fact(t("pfIncome"), t("pfYuan", yuan(p.monthlyIncome))) : [],
    (p.assets ?? []).map((a) => fact(t("pfAsset"), `${t("pfAssetKinds")[a.kind] ?? a.kind} ${t("pfYuan", yuan(a.value))}`)),
    p.bankAccount ? fact(t("pfBank"), written(`${p.bankAccount.bank} ${p.bankAccount.account}（${p.bankAccount.holder}）`)) : [],
  ].flat(2);
}

/** The personal fields withheld from a reader for a special category of data, each said as such. */
export function withheldFacts(withheld = []) {
  const names = { applicant: "pfApplicant", household: "pfMember", health: "pfHealth" };
  return withheld.flatMap((w) => fact(t(names[w.field] ?? "pfMember"), t("pfWithheld", w.specialCategories.map((c) => t(`pfCategory_${c}`)).join("、"))));
}
