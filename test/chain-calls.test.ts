import { hexlify, Interface, randomBytes, Transaction, Wallet, type ParamType } from "ethers";
import { describe, expect, it } from "vitest";
import { AidAccess__factory, CaseRegistry__factory, FundLedger__factory } from "../types/ethers-contracts/index.js";
import { jsonSafe } from "../server/chain/domain.ts";
import { eventDecoder } from "../server/chain/event-decoder.ts";
import { APPLICATION_FIELDS, applicationsData } from "../server/chain/applications.ts";
import { multicallData, multicallResults } from "../server/chain/multicall.ts";
import { signCallTransaction } from "../server/chain/sign-transaction.ts";
import { coalesced } from "../server/util/coalesce.ts";

const cases = CaseRegistry__factory.createInterface();
const selector = cases.getFunction("submitApplications").selector;
const bytes32 = () => hexlify(randomBytes(32));
/** An application as the outbox keeps it: the struct's fields in order, with `members` household commitments. */
const application = (programme: number | string, jurisdiction: string | bigint | number, members = 0, deadline: string | bigint | number = "1900000000"): unknown[] => [
  bytes32(),
  programme,
  1,
  jurisdiction,
  bytes32(),
  bytes32(),
  Array.from({ length: members }, bytes32),
  Wallet.createRandom().address,
  deadline,
  bytes32(),
  bytes32(),
];
const struct = (args: unknown[]) => Object.fromEntries(APPLICATION_FIELDS.map((name, i) => [name, args[i]]));

describe("calls to the chain", () => {
  it("encodes submitApplications and checkApplications by hand exactly as the ABI coder does, households of any size, and refuses what the ABI would not take", () => {
    const check = cases.getFunction("checkApplications").selector;
    // Households of none, one and several members, in every position of a batch.
    const batches = [
      [application(0, "440105001000", 0)],
      [application(0, "440105001000", 1)],
      [application(2, 1n, 5)],
      [application(0, "440105001000", 3), application(5, 2n ** 64n - 1n, 0, 2n ** 64n - 1n), application("3", 0, 1), application(1, 440105000000, 0, 0), application(4, "440105002000", 30)],
    ];
    for (const applications of batches) {
      const structs = applications.map(struct);
      expect(applicationsData(selector, applications)).toBe(cases.encodeFunctionData("submitApplications", [structs as never]));
      expect(applicationsData(check, applications)).toBe(cases.encodeFunctionData("checkApplications", [structs as never]));
    }
    expect(applicationsData(selector, [])).toBe(cases.encodeFunctionData("submitApplications", [[]]));
    const at = (i: number, value: unknown) => {
      const args = application(0, 1, 1);
      args[i] = value;
      return [args];
    };
    expect(() => applicationsData(selector, [application(256, 1)])).toThrow(/not a uint8: 256/);
    expect(() => applicationsData(selector, [application(0, 2n ** 64n)])).toThrow(/not a uint64/);
    expect(() => applicationsData(selector, [application(-1, 1)])).toThrow(/not a uint8/);
    expect(() => applicationsData(selector, [application(0, "1e3")])).toThrow(/not a uint64: 1e3/);
    expect(() => applicationsData(selector, [application(0, 1, 0, 2n ** 64n)])).toThrow(/not a uint64/);
    expect(() => applicationsData(selector, at(5, "0x1234"))).toThrow(/not a bytes32/);
    expect(() => applicationsData(selector, at(6, ["0x12"]))).toThrow(/not a bytes32 value: 0x12/);
    expect(() => applicationsData(selector, at(6, "0x" + "00".repeat(32)))).toThrow(/household is a list/);
    expect(() => applicationsData(selector, at(7, "0x1234"))).toThrow(/not an address/);
    expect(() => applicationsData(selector, [application(0, 1).slice(1)])).toThrow(/11 fields/);
  });

  it("encodes a multicall and reads its answers by hand exactly as the ABI coder does, and refuses what is not call data or cut short", () => {
    const access = AidAccess__factory.createInterface();
    const selector = access.getFunction("multicall").selector;
    const question = (held: boolean) => access.encodeFunctionData("hasScopedRole", [hexlify(randomBytes(32)), Wallet.createRandom().address, held ? 1n : 2n ** 64n - 1n]);
    // Calls of differing lengths, one of a whole number of words, one empty.
    const calls = [question(true), question(false), "0x" + "ab".repeat(32), "0x", "0x" + "cd".repeat(33)];
    expect(multicallData(selector, calls)).toBe(access.encodeFunctionData("multicall", [calls]));
    expect(multicallData(selector, [])).toBe(access.encodeFunctionData("multicall", [[]]));
    expect(() => multicallData(selector, ["0x123"])).toThrow(/not call data/);
    const answers = ["0x" + "00".repeat(31) + "01", "0x" + "00".repeat(32), "0x", "0x" + "ef".repeat(45)];
    const encoded = access.encodeFunctionResult("multicall", [answers]);
    expect(multicallResults(encoded)).toEqual(answers);
    expect(multicallResults(access.encodeFunctionResult("multicall", [[]]))).toEqual([]);
    expect(() => multicallResults(encoded.slice(0, -64))).toThrow(/cut short/);
  });

  it("signs a call transaction by hand to the very bytes ethers signs, legacy and EIP-1559, and its hash", async () => {
    const wallet = Wallet.createRandom();
    const to = hexlify(randomBytes(20));
    // Call data around RLP's length boundaries (55 bytes, 256, 65,536), and a batch of 100 applications' worth.
    for (const size of [0, 1, 55, 56, 255, 256, 1_000, 19_268, 70_000]) {
      const data = hexlify(randomBytes(size));
      for (const [nonce, gasLimit] of [[0, 21_000n], [127, 18_100_000n], [2 ** 32, 2n ** 63n]] as const) {
        const legacy = { chainId: 1337n, nonce, gasLimit, to, data, fees: { type: 0, gasPrice: 0n } } as const;
        const eip1559 = { chainId: 31337n, nonce, gasLimit, to, data, fees: { type: 2, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n } } as const;
        for (const tx of [legacy, eip1559]) {
          const expected = await wallet.signTransaction({ chainId: tx.chainId, nonce, gasLimit, to, data, value: 0n, ...tx.fees });
          const signed = signCallTransaction(wallet.signingKey, tx);
          expect(signed.raw).toBe(expected);
          expect(signed.hash).toBe(Transaction.from(expected).hash);
        }
      }
    }
    const call = { chainId: 1n, nonce: 0, gasLimit: 1n, fees: { type: 0, gasPrice: 1n } } as const;
    expect(() => signCallTransaction(wallet.signingKey, { ...call, to: "0x1234", data: "0x" })).toThrow(/not an address/);
    expect(() => signCallTransaction(wallet.signingKey, { ...call, to, data: "0x123" })).toThrow(/not hex bytes/);
    expect(() => signCallTransaction(wallet.signingKey, { ...call, to, data: "0x", gasLimit: -1n })).toThrow(/cannot be negative/);
  });

  it("says when every call made so far has its outcome, refused ones included", async () => {
    let release!: () => void;
    const call = coalesced(async (items: number[]) => {
      await new Promise<void>((r) => (release = r));
      return items.map((n): PromiseSettledResult<number> => (n > 0 ? { status: "fulfilled", value: n } : { status: "rejected", reason: new Error("not positive") }));
    });
    await call.settled();
    const made = [call(1), call(-1).catch((e: Error) => e.message)];
    let settled = false;
    const waiting = call.settled().then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    release();
    expect(await Promise.all(made)).toEqual([1, "not positive"]);
    await waiting;
    expect(settled).toBe(true);
  });

  it("sends calls made while a batch is in flight as the next batch, each answered or refused on its own", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const call = coalesced(async (items: number[]) => {
      batches.push(items);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      if (items.includes(99)) throw new Error("the node did not answer");
      return items.map((n): PromiseSettledResult<number> => (n % 2 === 0 ? { status: "fulfilled", value: n * 10 } : { status: "rejected", reason: new Error(`odd ${n}`) }));
    });
    const first = [call(2), call(4)];
    await new Promise((r) => setImmediate(r));
    // Made while the first batch is in flight: they wait for it, then go together.
    const second = [call(6), call(7), call(8)];
    release();
    expect(await Promise.all(first)).toEqual([20, 40]);
    expect(await Promise.allSettled(second)).toEqual([
      { status: "fulfilled", value: 60 },
      { status: "rejected", reason: new Error("odd 7") },
      { status: "fulfilled", value: 80 },
    ]);
    expect(batches).toEqual([[2, 4], [6, 7, 8]]);
    const failed = await Promise.allSettled([call(99), call(10)]);
    expect(failed.map((f) => f.status)).toEqual(["rejected", "rejected"]);
    expect(await call(12)).toBe(120);
  });

  it("sends up to its number of batches in flight at once, and the calls made beyond them as the next", async () => {
    const batches: number[][] = [];
    const releases: (() => void)[] = [];
    const call = coalesced(async (items: number[]) => {
      batches.push(items);
      await new Promise<void>((r) => releases.push(r));
      return items.map((n): PromiseSettledResult<number> => ({ status: "fulfilled", value: n }));
    }, 2);
    const turn = () => new Promise((r) => setImmediate(r));
    const answers = [call(1), call(2)];
    await turn();
    answers.push(call(3));
    await turn();
    // Two in flight: these wait for one of them.
    answers.push(call(4), call(5));
    await turn();
    expect(batches).toEqual([[1, 2], [3]]);
    releases[1]!();
    await turn();
    await turn();
    expect(batches).toEqual([[1, 2], [3], [4, 5]]);
    releases[0]!();
    releases[2]!();
    expect(await Promise.all(answers)).toEqual([1, 2, 3, 4, 5]);
  });

  it("decodes every event of the ledger as ethers does, one-word arguments by hand and others through ethers", () => {
    const sample = (param: ParamType, i: number): unknown => {
      const t = param.baseType;
      if (t === "address") return Wallet.createRandom().address;
      if (t === "bool") return i % 2 === 0;
      if (t === "string") return `text ${i} 中文`;
      if (t === "bytes") return hexlify(randomBytes(i + 3));
      if (t === "array") return [sample(param.arrayChildren!, i), sample(param.arrayChildren!, i + 1)];
      const bits = Number(/\d+$/.exec(t)![0]);
      if (t.startsWith("bytes")) return hexlify(randomBytes(bits));
      // The largest and the smallest values of each width, and one between.
      const top = t.startsWith("int") ? 1n << BigInt(bits - 1) : 1n << BigInt(bits);
      return [top - 1n, t.startsWith("int") ? -top : 0n, top / 3n][i % 3];
    };
    const synthetic = new Interface(["event Mixed(int16 indexed low, bytes4 tag, int256 delta, string note, bool flag)", "event Words(int8 a, uint40 indexed b, bytes1 c, bool indexed d)"]);
    const ifaces = [CaseRegistry__factory.createInterface(), FundLedger__factory.createInterface(), synthetic];
    let decoded = 0;
    for (const iface of ifaces) {
      iface.forEachEvent((fragment) => {
        for (let round = 0; round < 3; round++) {
          const values = fragment.inputs.map((input, i) => sample(input, i + round));
          const log = iface.encodeEventLog(fragment, values);
          const byEthers = iface.decodeEventLog(fragment, log.data, log.topics);
          const expected = jsonSafe(Object.fromEntries(fragment.inputs.map((input, i) => [input.name, byEthers[i]])));
          expect(eventDecoder(iface, fragment)(log), `${fragment.name}, round ${round}`).toEqual(expected);
          decoded++;
        }
      });
    }
    expect(decoded).toBeGreaterThan(15 * 3);
    const words = synthetic.getEvent("Words")!;
    const short = synthetic.encodeEventLog(words, [1, 2, "0x01", true]);
    expect(() => eventDecoder(synthetic, words)({ topics: short.topics, data: short.data.slice(0, -64) })).toThrow(/too short for its argument c/);
  });
});
