/** GB 11643-1999: weights of the first 17 digits, and the check character for each sum mod 11. */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = "10X98765432";

/** The GB 11643 check character of the first 17 digits of a resident ID. */
export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

/**
 * An 18-character resident identity number in its canonical form (full-width characters folded,
 * spaces and hyphens removed, a trailing x upper-cased), or what is wrong with it, in English and
 * Chinese: its structure, its birth date, its check character. The gateway refuses what this
 * refuses, and a form checks an ID as it is typed with it.
 */
export function readResidentId(input: string): { id: string } | { problem: { en: string; zh: string } } {
  const id = String(input).normalize("NFKC").replace(/[\s-]/g, "").toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) {
    return { problem: { en: `the resident ID must be 17 digits and a digit or X; got ${id.length} characters`, zh: `身份证号应为 17 位数字加一位数字或 X，现在是 ${id.length} 位` } };
  }
  const year = Number(id.slice(6, 10));
  const month = Number(id.slice(10, 12));
  const day = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || birth.getUTCMonth() !== month - 1 || birth.getUTCDate() !== day || birth.getTime() > Date.now()) {
    return { problem: { en: "the resident ID's birth date (characters 7 to 14) is not a real past date", zh: "身份证号中的出生日期（第 7 到 14 位）不是真实的过去日期" } };
  }
  if (checkCharacter(id) !== id[17]) {
    return { problem: { en: "the resident ID's check character does not match: a character was mistyped", zh: "身份证号的校验位不符：有一位输错了" } };
  }
  return { id };
}
