import { getAddress, type EventFragment, type Interface, type ParamType } from "ethers";
import { jsonSafe } from "./domain.ts";

/** A log's topics and data, as eth_getLogs gives them. */
export interface LogWords {
  topics: readonly string[];
  data: string;
}

/**
 * Decodes an event's arguments into a JSON-safe object by name (integers as decimal strings,
 * addresses checksummed), as `jsonSafe` of ethers' decoding gives them. Events whose arguments are
 * all one word each (integers, addresses, booleans, fixed bytes) are read word by word: ethers'
 * decoder builds a Result, a reader and a coder per argument, and the indexer decodes every
 * event of every case, which showed in intake's time. Others go to ethers.
 */
export function eventDecoder(iface: Interface, fragment: EventFragment): (log: LogWords) => Record<string, unknown> {
  const readers = fragment.inputs.map(wordReader);
  if (readers.some((r) => r === null)) {
    return (log) => {
      const decoded = iface.decodeEventLog(fragment, log.data, log.topics);
      return jsonSafe(Object.fromEntries(fragment.inputs.map((input, i) => [input.name, decoded[i]]))) as Record<string, unknown>;
    };
  }
  return (log) => {
    const args: Record<string, unknown> = {};
    let topic = 1;
    let offset = 2;
    for (let i = 0; i < readers.length; i++) {
      const input = fragment.inputs[i]!;
      let word: string;
      if (input.indexed) word = (log.topics[topic++] ?? "").slice(2);
      else {
        word = log.data.slice(offset, offset + 64);
        offset += 64;
      }
      if (word.length !== 64) throw new Error(`log of ${fragment.name} is too short for its argument ${input.name}`);
      args[input.name] = readers[i]!(word);
    }
    return args;
  };
}

/** How one 32-byte word (64 hex digits) of a type reads, or null for a type that is not one word. */
function wordReader(param: ParamType): ((word: string) => unknown) | null {
  const { baseType } = param;
  if (baseType === "address") return (word) => checksummed("0x" + word.slice(24));
  if (baseType === "bool") return (word) => BigInt("0x" + word) !== 0n;
  const uint = /^uint(\d+)$/.exec(baseType);
  if (uint) return (word) => BigInt("0x" + word).toString();
  const int = /^int(\d+)$/.exec(baseType);
  if (int) return (word) => BigInt.asIntN(Number(int[1]), BigInt("0x" + word)).toString();
  const bytes = /^bytes(\d+)$/.exec(baseType);
  if (bytes) return (word) => "0x" + word.slice(0, Number(bytes[1]) * 2).toLowerCase();
  return null;
}

/**
 * Addresses checksummed once each: a checksum is a keccak-256, and the indexer reads the same few
 * officers' and the operator's addresses in event after event. Cleared, not grown, past 10,000.
 */
const addresses = new Map<string, string>();
function checksummed(address: string): string {
  let known = addresses.get(address);
  if (known === undefined) {
    if (addresses.size >= 10_000) addresses.clear();
    known = getAddress(address);
    addresses.set(address, known);
  }
  return known;
}
