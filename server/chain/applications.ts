import { word } from "./abi-word.ts";

/**
 * The calldata of a CaseRegistry function taking an Application[] (submitApplications,
 * checkApplications), given its selector. An Application is six static words (caseId,
 * programme, area, jurisdiction, recordHash, identityCommitment), so the call is its selector,
 * the array's offset and length, then six words an application: encoded here because ethers' ABI
 * coder took about 80 µs an application, and every intake is encoded twice (its dry run, its
 * transaction).
 *
 * Each application is given as the outbox keeps submitApplication's arguments, in the struct's
 * order; numbers may be decimal strings.
 */
export function applicationsData(selector: string, applications: readonly (readonly unknown[])[]): string {
  const words = [selector, word(0x20n), word(BigInt(applications.length))];
  for (const args of applications) {
    if (args.length !== 6) throw new TypeError(`an application has 6 fields, got ${args.length}`);
    const [caseId, programme, area, jurisdiction, recordHash, identityCommitment] = args;
    words.push(bytes32(caseId), word(uint(programme, 8)), word(uint(area, 8)), word(uint(jurisdiction, 64)), bytes32(recordHash), bytes32(identityCommitment));
  }
  return words.join("");
}

function bytes32(value: unknown): string {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) throw new TypeError(`not a bytes32 value: ${String(value)}`);
  return value.slice(2).toLowerCase();
}

function uint(value: unknown, bits: number): bigint {
  const n = typeof value === "bigint" ? value : typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : typeof value === "string" && /^\d+$/.test(value) ? BigInt(value) : -1n;
  if (n < 0n || n >= 1n << BigInt(bits)) throw new TypeError(`not a uint${bits}: ${String(value)}`);
  return n;
}
