import { word } from "./abi-word.ts";

/**
 * Multicall.multicall(bytes[]) calldata and its bytes[] answer (OpenZeppelin's Multicall, on
 * AidAccess): encoded here, not by ethers' ABI coder, whose cost to put each batch of officers'
 * role questions into one call and read the answers out was a measurable share of an intake's
 * CPU (docs/performance.md).
 */
export function multicallData(selector: string, calls: readonly string[]): string {
  const bodies = calls.map((call) => {
    if (!/^0x([0-9a-fA-F]{2})*$/.test(call)) throw new TypeError(`not call data: ${call.slice(0, 20)}`);
    const bytes = (call.length - 2) / 2;
    return word(bytes) + call.slice(2).padEnd(Math.ceil(bytes / 32) * 64, "0");
  });
  const offsets: string[] = [];
  let offset = 32 * calls.length;
  for (const body of bodies) {
    offsets.push(word(offset));
    offset += body.length / 2;
  }
  return selector + word(32) + word(calls.length) + offsets.join("") + bodies.join("");
}

/** The answers of a multicall, each as the called function returned it. */
export function multicallResults(answer: string): string[] {
  const hex = answer.startsWith("0x") ? answer.slice(2) : answer;
  const at = (byte: number) => {
    if (hex.length < (byte + 32) * 2) throw new TypeError(`a multicall answer cut short at byte ${byte}`);
    return Number(BigInt("0x" + hex.slice(byte * 2, byte * 2 + 64)));
  };
  const start = at(0);
  const heads = start + 32;
  return Array.from({ length: at(start) }, (_, i) => {
    const offset = heads + at(heads + 32 * i);
    const length = at(offset);
    if (hex.length < (offset + 32 + length) * 2) throw new TypeError(`a multicall answer cut short in answer ${i}`);
    return "0x" + hex.slice((offset + 32) * 2, (offset + 32 + length) * 2);
  });
}
