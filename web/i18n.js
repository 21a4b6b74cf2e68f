/**
 * The pages' two languages: Simplified Chinese first, English at a tap (the header's #language
 * button), the choice kept for the next page. Each page gives its words in both (`speak`); the
 * words every page shares are here. Elements name their words with data-t (their text),
 * data-t-placeholder and data-t-label (aria-label). Written by hand: i18next, the usual library,
 * weighs 16 KB compressed, more than the whole citizen page (docs/performance.md).
 */
const KEPT = "aidtrail.language";

const words = {
  zh: {
    other: "English", pages: "全部页面", checking: "正在核验…",
  },
  en: {
    other: "中文", pages: "All pages", checking: "Checking…",
  },
};

const asked = new URLSearchParams(location.search).get("lang");
let lang = asked === "en" || asked === "zh" ? asked : (readKept() ?? "zh");
const onSwitch = [];

function readKept() {
  try {
    const kept = localStorage.getItem(KEPT);
    return kept === "en" || kept === "zh" ? kept : null;
  } catch {
    return null;
  }
}

/** The page's language now: "zh" or "en". */
export const language = () => lang;

/** A word of the page in its language; a function word is given `args`. */
export function t(key, ...args) {
  const word = words[lang][key] ?? words.zh[key];
  if (word === undefined) throw new Error(`no words for "${key}"`);
  return typeof word === "function" ? word(...args) : word;
}

function apply() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  if (words.zh.title) document.title = t("title");
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-placeholder]")) node.placeholder = t(node.dataset.tPlaceholder);
  for (const node of document.querySelectorAll("[data-t-label]")) node.setAttribute("aria-label", t(node.dataset.tLabel));
  const button = document.querySelector("#language");
  if (button) button.textContent = t("other");
  for (const callback of onSwitch) callback();
}

/** Adds words, in both languages: a module that several pages share gives its own. */
export function addWords(more) {
  Object.assign(words.zh, more.zh);
  Object.assign(words.en, more.en);
}

/** Gives the page's words, in both languages, and what to draw again when the language changes; shows the page in its language. */
export function speak(pageWords, redraw) {
  addWords(pageWords);
  if (redraw) onSwitch.push(redraw);
  document.querySelector("#language")?.addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    try {
      localStorage.setItem(KEPT, lang);
    } catch {
      // A browser that keeps nothing still switches this page.
    }
    apply();
  });
  apply();
}
