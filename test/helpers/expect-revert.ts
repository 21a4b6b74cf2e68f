import { expect } from "vitest";
import { decodeRevert } from "../../server/chain/reverts.ts";

/** Asserts that `action` reverts with the aidtrail custom error `name` and, when given, exactly `args`. */
export async function expectRevert(action: Promise<unknown>, name: string, args?: unknown[]) {
  let failure: unknown;
  try {
    const result = await action;
    // A sent transaction that reverts only throws once waited for.
    if (result && typeof (result as { wait?: unknown }).wait === "function") await (result as { wait: () => Promise<unknown> }).wait();
  } catch (error) {
    failure = error;
  }
  if (failure === undefined) throw new Error(`expected a revert with ${name}, but the call succeeded`);
  const decoded = decodeRevert(failure);
  expect(decoded?.name, `revert reason of: ${String(failure)}`).toBe(name);
  if (args) expect(normalise([...decoded!.args])).toEqual(normalise(args));
  return decoded!;
}

function normalise(values: unknown[]): unknown[] {
  return values.map((v) => (typeof v === "bigint" || typeof v === "number" ? BigInt(v).toString() : typeof v === "string" ? v.toLowerCase() : v));
}
