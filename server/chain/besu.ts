import { encodeRlp, getAddress, toBeHex, ZeroHash, type Provider } from "ethers";
import type { Deployment } from "./deploy.ts";
import { connect } from "./contracts.ts";
import { jurisdictionCode, ROLE_NAMES } from "./domain.ts";
import { roleId } from "./roles.ts";
import { inWindows } from "./events.ts";

/*
 * The files a Hyperledger Besu QBFT network of a province is started from (deploy/besu/,
 * docs/deploy-besu.md): its genesis, and the allowlist of accounts that may send transactions,
 * which names the deployment's council and every officer and operator holding a role on chain.
 */

/** Seconds between blocks: QBFT's block period, the 2 s every test and bench of aidtrail assumes. */
export const BLOCK_PERIOD_SECONDS = 2;

/**
 * The block gas limit: what Besu's QBFT can execute in a block, not what a peak could ask for.
 * Four validators execute 520 to 645 ERC-20 transfers a second (about 52,000 gas each: 27 to 34
 * M gas a second, 54 to 67 M a block); 100 M leaves a margin over that, so that execution, not the
 * limit, bounds a block. At 100 M a block holds 1,185 applications of one person (84,349 gas) or
 * 811 of a household of 2.5 (about 123,000), so 405 to 592 a second, and 7,920 payout lines of a
 * batch of 100 (12,626 gas): a county's month of 100,000 payouts in 13 blocks, under half a
 * minute of chain time (docs/deploy-besu.md, the arithmetic).
 */
export const BLOCK_GAS_LIMIT = 100_000_000n;

export interface GenesisOptions {
  chainId: number;
  /** The validators' addresses (each node's key, made on its own machine: `besu public-key export-address`). */
  validators: readonly string[];
  blockPeriodSeconds?: number;
  gasLimit?: bigint;
}

/**
 * QBFT's genesis extraData: the RLP of [32 zero bytes, the validators, no vote, round 0, no seals]
 * (what `besu rlp encode --type=QBFT_EXTRA_DATA` makes of the validator list).
 */
export function qbftExtraData(validators: readonly string[]): string {
  return encodeRlp([ZeroHash, validators.map((v) => getAddress(v).toLowerCase()), [], "0x", []]);
}

/**
 * The genesis of a province's chain: QBFT with `validators` (four tolerate one faulty), every fork
 * up to Berlin from block 0 and none after it (the contracts' target; no London, so no base fee),
 * free gas (the nodes run with `--min-gas-price=0`), and no account funded: accounts need no
 * ether where gas is free.
 */
export function qbftGenesis(options: GenesisOptions): object {
  if (options.validators.length < 4) throw new Error(`QBFT needs 4 validators to tolerate one that fails; ${options.validators.length} given`);
  return {
    config: {
      chainId: options.chainId,
      homesteadBlock: 0,
      eip150Block: 0,
      eip155Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      muirGlacierBlock: 0,
      berlinBlock: 0,
      zeroBaseFee: true,
      qbft: { blockperiodseconds: options.blockPeriodSeconds ?? BLOCK_PERIOD_SECONDS, epochlength: 30_000, requesttimeoutseconds: 4 * (options.blockPeriodSeconds ?? BLOCK_PERIOD_SECONDS) },
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: toBeHex(options.gasLimit ?? BLOCK_GAS_LIMIT),
    difficulty: "0x1",
    mixHash: "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365",
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc: {},
    extraData: qbftExtraData(options.validators),
  };
}

/** An account the allowlist permits, and why: the roles it holds, or the governance it takes part in. */
export interface PermittedAccount {
  address: string;
  why: string[];
}

/**
 * The accounts that may send transactions on a deployment's chain, as it stands: the deployer (who
 * deployed and, without a council, governs), the council's members, and every account holding a
 * role now (officers, operators, settlement agents, auditors), each with the roles it holds and
 * where. Rebuilt from the access contract's grants and revocations (RoleScoped, RoleRevoked).
 */
export async function permittedAccounts(provider: Provider, deployment: Deployment): Promise<PermittedAccount[]> {
  const access = connect("AidAccess", deployment.contracts.aidAccess, provider);
  const permitted = new Map<string, Set<string>>();
  const permit = (address: string, why: string) => {
    const key = getAddress(address);
    if (!permitted.has(key)) permitted.set(key, new Set());
    permitted.get(key)!.add(why);
  };
  permit(deployment.deployer, "deployer");
  if (deployment.contracts.governanceCouncil) {
    for (const member of await connect("GovernanceCouncil", deployment.contracts.governanceCouncil, provider).members()) permit(member, "council member");
  } else {
    permit(deployment.governance, "governance");
  }
  const grants = await inWindows((from, to) => access.queryFilter(access.filters.RoleScoped(), from, to), await provider.getBlockNumber(), { from: deployment.deploymentBlock });
  const names = new Map(ROLE_NAMES.map((name) => [roleId(name), name]));
  // Held now: granted and not since revoked, renounced or rotated away; every grant asked at once.
  const held = await Promise.all(grants.map(({ args }) => access.hasScopedRole(args.role, args.account, args.jurisdiction)));
  grants.forEach(({ args }, i) => {
    if (held[i]) permit(args.account, `${names.get(args.role) ?? args.role} over ${jurisdictionCode(args.jurisdiction)}`);
  });
  return [...permitted].map(([address, why]) => ({ address, why: [...why].sort() })).sort((a, b) => a.address.localeCompare(b.address));
}

/**
 * Besu's `permissions_config.toml` (local permissioning, `--permissions-accounts-config-file` and
 * `--permissions-nodes-config-file`): the accounts allowed to send transactions, each with a
 * comment saying why, and the nodes allowed to connect, by enode URL.
 */
export function permissionsToml(accounts: readonly PermittedAccount[], nodes: readonly string[]): string {
  // Each item on a line of its own, its comma before its comment (TOML allows the last one too).
  const list = (items: string[]) => (items.length === 0 ? "[]" : `[\n${items.join("\n")}\n]`);
  return [
    "# Made by `aidtrail besu allowlist` from the deployment on chain: remake it after every change of roles",
    "# and reload it on every node (perm_reloadPermissionsFromFile). docs/deploy-besu.md.",
    `accounts-allowlist=${list(accounts.map((a) => `  "${a.address}", # ${a.why.join("; ")}`))}`,
    `nodes-allowlist=${list(nodes.map((n) => `  "${n}",`))}`,
    "",
  ].join("\n");
}
