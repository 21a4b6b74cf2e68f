import { checkCharacter } from "../../kit/resident-id.ts";

/** A valid resident ID for test applicant `n` (0..899), born on `birth` (YYYYMMDD) in Beijing's Dongcheng. */
export function residentId(n: number, birth = "19900101"): string {
  const body = `110101${birth}${100 + n}`;
  return body + checkCharacter(body);
}
