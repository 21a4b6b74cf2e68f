import { PROGRAMME_NAMES, STATUS_NAMES } from "aidtrail/verify";
import { api, divisionNames, el, fact, placeElement } from "./common.js";
import { addWords, language, t } from "./i18n.js";

/*
 * Cases as officers find them: by the number on a receipt (GET /v1/cases?number=), or by a
 * person's resident ID for a stated purpose (POST /v1/cases/by-person, each case found logged as
 * a read). What is shown of them is public: the number, the masked name, place, programme, status.
 */

addWords({
  zh: {
    foundNumber: "案件号", foundName: "申请人", foundPlace: "地区", foundProgramme: "救助项目", foundStatus: "状态", foundAs: "此人是",
    as: { applicant: "申请人", member: "家庭成员" }, numberNeeded: "请输入回执上的 16 位案件号", findCase: "查找",
  },
  en: {
    foundNumber: "case number", foundName: "applicant", foundPlace: "place", foundProgramme: "programme", foundStatus: "status", foundAs: "this person is",
    as: { applicant: "the applicant", member: "a household member" }, numberNeeded: "type the 16-character case number on the receipt", findCase: "Find",
  },
});

/** A case number as typed (full-width, spaces, hyphens, any case) read as the receipt prints it; throws in plain words if it is not one. */
export function readCaseNumber(typed) {
  const number = typed.normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
  if (!/^[0-9A-F]{16}$/.test(number)) throw new Error(t("numberNeeded"));
  return number;
}

/** The cases of a number, with the divisions' names read for showing them. */
export async function casesNumbered(number) {
  const [{ cases }] = await Promise.all([api(`/v1/cases?number=${number}`), divisionNames().catch(() => undefined)]);
  return cases;
}

/** The cases a person is in, found by their resident ID for `purpose` (logged by the gateway). */
export async function casesOfPerson(residentId, purpose) {
  const [{ cases }] = await Promise.all([api("/v1/cases/by-person", { method: "POST", body: { residentId, purpose } }), divisionNames().catch(() => undefined)]);
  return cases;
}

/** A found case's facts, as a definition list in the page's language. */
export function foundCaseFacts(c) {
  return el("dl", { class: "facts" },
    ...fact(t("foundNumber"), el("span", { class: "case-number" }, c.caseNumber)),
    ...fact(t("foundName"), el("span", { lang: "zh-CN" }, c.name)),
    ...fact(t("foundPlace"), placeElement(c.jurisdiction)),
    ...fact(t("foundProgramme"), PROGRAMME_NAMES[c.programme]?.[language()] ?? c.programme),
    ...fact(t("foundStatus"), c.status ? STATUS_NAMES[c.status][language()] : "—"),
    ...(c.as ? fact(t("foundAs"), t("as")[c.as]) : []),
  );
}

/** The form that finds a case by the number on its receipt (#find-form, #case-number), drawn into `container`. */
export function caseNumberForm(container) {
  const form = el("form", { id: "find-form" },
    el("label", { for: "case-number", "data-t": "foundNumber" }, t("foundNumber")),
    el("input", { id: "case-number", autocomplete: "off", spellcheck: "false" }),
    " ",
    el("button", { type: "submit", "data-t": "findCase" }, t("findCase")),
  );
  container.replaceChildren(form);
  return form;
}
