import { id, ZeroHash } from "ethers";
import type { RoleName } from "./domain.ts";

/** The bytes32 identifier of a role, as the contracts' `Roles` library defines it. */
export function roleId(name: RoleName): string {
  return name === "GOVERNANCE" ? ZeroHash : id(name);
}
