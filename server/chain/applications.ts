import { assertArgument } from "ethers";
import { word } from "./abi-word.ts";

/** The fields of an Application (contracts/cases/ICaseRegistry.sol), in order. */
export const APPLICATION_FIELDS = ["caseId", "programme", "area", "jurisdiction", "recordHash", "identityCommitment", "household", "caseworker", "deadline", "r", "vs"] as const;

/** An Application's head: ten static words and the offset of its household. */
const HEAD_WORDS = APPLICATION_FIELDS.length;

/**
 * The calldata of a CaseRegistry function taking an Application[] (submitApplications,
 * checkApplications), given its selector. The household (bytes32[]) makes an Application a
 * dynamic tuple, so the call is its selector, the array's offset and length, an offset for each
 * application (from the word after the length), then each application: its head (the household's
 * slot holding the offset of its tail, from the application's start) and its household's length
 * and members. Encoded here, not by ethers' ABI coder, which cost the gateway more CPU than the
 * rest of an intake's encoding (docs/performance.md), and every intake is encoded twice (its dry
 * run, its transaction).
 *
 * Each application is given as the outbox keeps submitApplication's arguments, the struct's
 * fields in order (APPLICATION_FIELDS); numbers may be decimal strings. A value its type cannot
 * hold is refused as ethers' coder refuses it (INVALID_ARGUMENT): a call no retry can send.
 */
export function applicationsData(selector: string, applications: readonly (readonly unknown[])[]): string {
  const heads = [word(0x20n), word(BigInt(applications.length))];
  const tails: string[] = [];
  let offset = 32n * BigInt(applications.length);
  for (const args of applications) {
    assertArgument(args.length === HEAD_WORDS, `an application has ${HEAD_WORDS} fields, got ${args.length}`, "application", args);
    const [caseId, programme, area, jurisdiction, recordHash, identityCommitment, household, caseworker, deadline, r, vs] = args;
    assertArgument(Array.isArray(household), `an application's household is a list of bytes32, got ${String(household)}`, "household", household);
    heads.push(word(offset));
    tails.push(
      bytes32(caseId),
      word(uint(programme, 8)),
      word(uint(area, 8)),
      word(uint(jurisdiction, 64)),
      bytes32(recordHash),
      bytes32(identityCommitment),
      word(32n * BigInt(HEAD_WORDS)),
      address(caseworker),
      word(uint(deadline, 64)),
      bytes32(r),
      bytes32(vs),
      word(BigInt(household.length)),
      ...household.map(bytes32),
    );
    offset += 32n * BigInt(HEAD_WORDS + 1 + household.length);
  }
  return selector + heads.join("") + tails.join("");
}

function bytes32(value: unknown): string {
  assertArgument(typeof value === "string" && /^0x[0-9a-fA-F]{64}$/.test(value), `not a bytes32 value: ${String(value)}`, "bytes32", value);
  return value.slice(2).toLowerCase();
}

function address(value: unknown): string {
  assertArgument(typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value), `not an address: ${String(value)}`, "address", value);
  return value.slice(2).toLowerCase().padStart(64, "0");
}

function uint(value: unknown, bits: number): bigint {
  const n = typeof value === "bigint" ? value : typeof value === "number" && Number.isSafeInteger(value) ? BigInt(value) : typeof value === "string" && /^\d+$/.test(value) ? BigInt(value) : -1n;
  assertArgument(n >= 0n && n < 1n << BigInt(bits), `not a uint${bits}: ${String(value)}`, `uint${bits}`, value);
  return n;
}
