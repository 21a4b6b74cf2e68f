import type { AidAccess } from "../../types/ethers-contracts/index.js";
import { coalesced } from "../util/coalesce.ts";
import { hexWord, word } from "./abi-word.ts";
import { multicallData, multicallResults } from "./multicall.ts";
import type { NodeJsonRpcProvider } from "./rpc-provider.ts";

/**
 * Batches of questions on their way to the node at once (see coalesced): two keep the node busy
 * while an answer travels back (docs/performance.md).
 */
export const IN_FLIGHT = 2;

/** Whether an officer holds a role over a jurisdiction, as AidAccess answers at the latest block. */
export class RoleCheck {
  readonly #provider: NodeJsonRpcProvider;
  /** AidAccess's address and the selectors of hasScopedRole and multicall, found once. */
  readonly #access: { to: string; hasScopedRole: string; multicall: string };

  constructor(provider: NodeJsonRpcProvider, access: AidAccess) {
    this.#provider = provider;
    this.#access = {
      to: (access.target as string).toLowerCase(),
      hasScopedRole: access.interface.getFunction("hasScopedRole").selector,
      multicall: access.interface.getFunction("multicall").selector,
    };
  }

  /**
   * Whether `account` holds `role` over `jurisdiction`, as AidAccess.hasScopedRole answers at the
   * latest block. Every officer's request asks, so the call is encoded and decoded here, as one
   * eth_call: through the contract binding ethers hashes the function's signature and checksums
   * the address on each call, three times the gateway's CPU for the same answer. Questions asked
   * while IN_FLIGHT batches are in flight go together as one call (see coalesced), the same
   * question once.
   */
  async hasScopedRole(role: string, account: string, jurisdiction: bigint): Promise<boolean> {
    if (!/^0x[0-9a-fA-F]{64}$/.test(role) || !/^0x[0-9a-fA-F]{40}$/.test(account) || jurisdiction < 0n || jurisdiction >= 2n ** 64n) {
      throw new TypeError(`hasScopedRole(${role}, ${account}, ${jurisdiction}): not a role id, an address and a jurisdiction code`);
    }
    return this.#ask(this.#access.hasScopedRole + hexWord(role.slice(2)) + hexWord(account.slice(2)) + word(jurisdiction));
  }

  readonly #ask = coalesced(async (calls: string[]) => {
    const distinct = [...new Set(calls)];
    // Several officers' questions go as one AidAccess.multicall: a provincial gateway's intakes
    // come from many township offices, and a call each would be a call an intake.
    const data = distinct.length === 1 ? distinct[0]! : multicallData(this.#access.multicall, distinct);
    const answer: string = await this.#provider.send("eth_call", [{ to: this.#access.to, data }, "latest"]);
    const answers = distinct.length === 1 ? [answer] : multicallResults(answer);
    const byCall = new Map(distinct.map((data, i) => [data, BigInt(answers[i]!) === 1n]));
    return calls.map((data) => ({ status: "fulfilled", value: byCall.get(data)! }) as const);
  }, IN_FLIGHT);
}
