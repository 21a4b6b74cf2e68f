import { Contract, ContractFactory, Interface, type ContractRunner, type InterfaceAbi, type Signer } from "ethers";
import type { AidAccess, AssistanceStandards, CaseRegistry, FundLedger, GovernanceCouncil, LogAnchor } from "../../types/ethers-contracts/index.js";
import aidAccess from "../../artifacts/contracts/access/AidAccess.sol/AidAccess.json" with { type: "json" };
import caseRegistry from "../../artifacts/contracts/cases/CaseRegistry.sol/CaseRegistry.json" with { type: "json" };
import fundLedger from "../../artifacts/contracts/funds/FundLedger.sol/FundLedger.json" with { type: "json" };
import governanceCouncil from "../../artifacts/contracts/governance/GovernanceCouncil.sol/GovernanceCouncil.json" with { type: "json" };
import logAnchor from "../../artifacts/contracts/log/LogAnchor.sol/LogAnchor.json" with { type: "json" };
import assistanceStandards from "../../artifacts/contracts/standards/AssistanceStandards.sol/AssistanceStandards.json" with { type: "json" };

/**
 * aidtrail's contracts as Hardhat compiled them (artifacts/, written at install): their ABIs and
 * bytecode read as JSON, their types from the TypeChain bindings, imported as types alone. So the
 * gateway and the CLI run under Node as they are, without a loader for the generated code.
 */
const ARTIFACTS = {
  AidAccess: aidAccess,
  AssistanceStandards: assistanceStandards,
  CaseRegistry: caseRegistry,
  FundLedger: fundLedger,
  GovernanceCouncil: governanceCouncil,
  LogAnchor: logAnchor,
} as const satisfies Record<string, { abi: unknown; bytecode: string }>;

interface Contracts {
  AidAccess: AidAccess;
  AssistanceStandards: AssistanceStandards;
  CaseRegistry: CaseRegistry;
  FundLedger: FundLedger;
  GovernanceCouncil: GovernanceCouncil;
  LogAnchor: LogAnchor;
}

export type ContractName = keyof Contracts;

/** A contract's ABI. */
export const abiOf = (name: ContractName): InterfaceAbi => ARTIFACTS[name].abi as InterfaceAbi;

/** A contract's ABI as an ethers Interface, for encoding and decoding without a connection. */
export const interfaceOf = (name: ContractName): Interface => new Interface(abiOf(name));

/** The deployed contract `name` at `address`, typed as its TypeChain binding. */
export function connect<N extends ContractName>(name: N, address: string, runner?: ContractRunner | null): Contracts[N] {
  return new Contract(address, abiOf(name), runner) as unknown as Contracts[N];
}

/** Deploys contract `name` with its constructor's arguments and waits for it to be mined. */
export async function deploy<N extends ContractName>(name: N, deployer: Signer, ...args: unknown[]): Promise<Contracts[N]> {
  const contract = await new ContractFactory(abiOf(name), ARTIFACTS[name].bytecode, deployer).deploy(...args);
  await contract.waitForDeployment();
  return contract as unknown as Contracts[N];
}
