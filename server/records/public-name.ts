/**
 * Two-character surnames (复姓) still in use, longest first where one begins another: a public
 * notice shows the surname and hides the given name, so the surname must be cut where it ends.
 */
const COMPOUND_SURNAMES = [
  "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐", "夏侯", "轩辕", "端木",
  "独孤", "南宫", "西门", "百里", "呼延", "万俟", "申屠", "闻人", "澹台", "公羊", "太史", "钟离", "赫连", "拓跋", "第五", "左丘",
  "东郭", "濮阳", "单于", "淳于", "仲孙", "叱干", "哥舒", "段干", "乐正", "壤驷", "宰父", "谷梁", "巫马", "公西", "漆雕", "司空",
];

/** The given name's mask: always two characters, whatever its length, so the notice tells neither the name nor how long it is. */
const HIDDEN = "**";
const CJK = /^\p{Script=Han}/u;

/**
 * A name as a public notice shows it: the surname and nothing of the given name, not even its
 * length. 王小明 → 王**, 李四 → 李**, 欧阳娜 → 欧阳**; a name in another script (a Latin
 * transcription, a minority name written with a middle dot) shows only its first letter:
 * John Smith → J**.
 */
export function publicName(name: string): string {
  const trimmed = name.trim();
  const compound = COMPOUND_SURNAMES.find((surname) => trimmed.startsWith(surname) && trimmed.length > surname.length);
  if (compound) return compound + HIDDEN;
  const [first] = [...trimmed];
  if (!first) return HIDDEN;
  return (CJK.test(first) ? first : first.toUpperCase()) + HIDDEN;
}
