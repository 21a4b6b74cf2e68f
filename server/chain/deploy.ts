import { connect, deploy } from "./contracts.ts";
import type { Signer } from "ethers";
import type { Suite } from "../../kit/record.ts";
import type {
  AidAccess,
  AssistanceStandards,
  CaseRegistry,
  FundLedger,
  GovernanceCouncil,
  LogAnchor,
} from "../../types/ethers-contracts/index.js";

/** What the gateway and the command line need to find a deployment: written as JSON by `aidtrail deploy`. */
export interface Deployment {
  chainId: number;
  /** The cryptography of every gateway of the deployment (docs/cryptography.md), chosen once, at deployment. */
  suite: Suite;
  deploymentBlock: number;
  deployer: string;
  governance: string;
  contracts: {
    aidAccess: string;
    /** Where IAssistanceStandards answers: the case registry's address, which holds the standards. */
    assistanceStandards: string;
    caseRegistry: string;
    fundLedger: string;
    logAnchor: string;
    governanceCouncil: string | null;
  };
}

export interface AidtrailContracts {
  access: AidAccess;
  /** The standards' functions and events, bound at the case registry's address. */
  standards: AssistanceStandards;
  cases: CaseRegistry;
  funds: FundLedger;
  anchor: LogAnchor;
  council: GovernanceCouncil | null;
}

export interface DeployOptions {
  /** An M-of-N council to hold governance. Without one the deployer holds it: for local and test chains only. */
  council?: { members: string[]; threshold: number };
  /** The cryptographic suite its gateways use; the standard one unless the national one is chosen. */
  suite?: Suite;
}

/** Deploys the whole contract set in dependency order and returns the deployment record. */
export async function deployAidtrail(
  deployer: Signer,
  options: DeployOptions = {},
): Promise<{ deployment: Deployment; contracts: AidtrailContracts }> {
  const provider = deployer.provider;
  if (!provider) throw new Error("the deployer signer has no provider: connect it to a JSON-RPC endpoint first");
  const deployerAddress = await deployer.getAddress();
  const deploymentBlock = await provider.getBlockNumber();
  const { chainId } = await provider.getNetwork();

  let council: GovernanceCouncil | null = null;
  if (options.council) {
    council = await deploy("GovernanceCouncil", deployer, options.council.members, options.council.threshold);
  }
  const governance = council ? await council.getAddress() : deployerAddress;

  const access = await deploy("AidAccess", deployer, governance);
  // The registry holds the standards (contracts/cases/CaseRegistry.sol says why): no contract of their own.
  const cases = await deploy("CaseRegistry", deployer, access);
  const standards = connect("AssistanceStandards", await cases.getAddress(), deployer);
  const funds = await deploy("FundLedger", deployer, access, cases);
  const anchor = await deploy("LogAnchor", deployer, access);

  const deployment: Deployment = {
    chainId: Number(chainId),
    suite: options.suite ?? "standard",
    deploymentBlock,
    deployer: deployerAddress,
    governance,
    contracts: {
      aidAccess: await access.getAddress(),
      assistanceStandards: await standards.getAddress(),
      caseRegistry: await cases.getAddress(),
      fundLedger: await funds.getAddress(),
      logAnchor: await anchor.getAddress(),
      governanceCouncil: council ? await council.getAddress() : null,
    },
  };
  return { deployment, contracts: { access, standards, cases, funds, anchor, council } };
}
