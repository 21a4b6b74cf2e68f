import { id, ZeroHash } from "ethers";
import type { AidAccess } from "../../types/ethers-contracts/index.js";
import { ROLE_NAMES, type RoleName } from "./domain.ts";

/** What authorisation reads from the access contract. */
export interface LedgerAccess {
  hasScopedRole(role: string, account: string, jurisdiction: bigint): Promise<boolean>;
  scopeOf: AidAccess["scopeOf"];
}

/** Computed once: a keccak256 in JavaScript on every authorised request was measurable. */
const ROLE_IDS = new Map<RoleName, string>(ROLE_NAMES.map((name) => [name, name === "GOVERNANCE" ? ZeroHash : id(name)]));

/** The bytes32 identifier of a role, as the contracts' `Roles` library defines it. */
export function roleId(name: RoleName): string {
  return ROLE_IDS.get(name)!;
}
