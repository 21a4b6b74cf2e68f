import { connect, interfaceOf } from "../chain/contracts.ts";
import { getAddress, type Provider } from "ethers";
import type { AidAccess } from "../../types/ethers-contracts/index.js";
import { coversDivision, jurisdictionCode } from "../chain/domain.ts";
import { eventDecoder, type LogWords } from "../chain/event-decoder.ts";
import { inWindows } from "../chain/events.ts";
import { checkBundle, type AuditBundle, type Finding } from "../../kit/bundle.ts";
import { checkLedger, type AllocationTotals, type LedgerCheck, type RoleHistory } from "./ledger-check.ts";
import type { ChainEvent } from "./steps.ts";

export type { AllocationTotals } from "./ledger-check.ts";

export interface VerificationReport {
  ok: boolean;
  summary: { leaves: number; records: number; checkpoints: number; decisions: number; payouts: number; settled: number; unsettled: number; reversals: number };
  failures: Finding[];
  /** What does not fail the bundle but an auditor should know: payouts not yet settled, steps outside its range. */
  warnings: Finding[];
  allocations: AllocationTotals[];
  /**
   * The chain's state the ledger's steps were judged by: up to the block that anchored the
   * bundle's last checkpoint. Steps after it are outside the bundle, which a later export covers,
   * so a bundle that verified once verifies the same later. Null when the chain was not read.
   */
  asOf: { block: number; treeSize: number } | null;
  /** What the exporter says it left out, and why (the bundle's `leftOut`): its word, for a later bundle to cover. */
  leftOut: AuditBundle["leftOut"];
}

export interface VerifyOptions {
  /** The anchor contract the auditor trusts; the bundle's own addresses must lead back to it. */
  anchor?: string;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Verifies an audit bundle against the chain, trusting neither the gateway nor the bundle: the
 * offline checks of `checkBundle`, then every checkpoint found among the anchor's events, then
 * the ledger's steps held to the bundle (`checkLedger`): each step's actor, as its event names
 * it, holding the role the step needs at that block; every case, decision, payout and reversal of
 * the bundle's jurisdiction with its record; every payout matched to its payment file, approval,
 * allocation and settlement (whose receipt must be the settlement agent's record of it), every
 * reversal to the payout it reverses; and the totals reconciled per allocation.
 */
export async function verifyBundle(bundle: AuditBundle, provider: Provider, options: VerifyOptions = {}): Promise<VerificationReport> {
  const offline = checkBundle(bundle, options.onProgress);
  const failures = [...offline.failures];
  const warnings: Finding[] = [];
  let asOf: VerificationReport["asOf"] = null;
  const report = (ledger?: LedgerCheck): VerificationReport => ({
    ok: failures.length === 0,
    summary: {
      leaves: bundle.leaves?.length ?? 0,
      records: offline.records,
      checkpoints: bundle.checkpoints?.length ?? 0,
      decisions: offline.decisions.length,
      payouts: ledger?.payouts ?? 0,
      settled: ledger?.settled ?? 0,
      unsettled: ledger?.unsettled ?? 0,
      reversals: ledger?.reversals ?? 0,
    },
    failures,
    warnings,
    allocations: ledger?.allocations ?? [],
    asOf,
    leftOut: bundle.leftOut ?? null,
  });
  if (failures.some((f) => f.code === "BUNDLE_FORMAT")) return report();
  // The offline check of a large bundle holds the thread for seconds, long enough for the node to
  // close the idle keep-alive connection. A timer's turn of the event loop (a setImmediate comes
  // too early: the socket's end is read in the poll phase) lets the HTTP agent drop that socket
  // before the next request goes out on it and dies with "socket hang up".
  await new Promise((resolve) => setTimeout(resolve, 50));

  const { chainId } = await provider.getNetwork();
  if (Number(chainId) !== bundle.chainId) {
    failures.push({ code: "CHAIN_MISMATCH", message: `the bundle is of chain ${bundle.chainId}, but the RPC endpoint serves chain ${chainId}` });
    return report();
  }
  const anchorAddress = getAddress(options.anchor ?? bundle.contracts.logAnchor);
  if (!options.anchor) {
    // Weaker, and said first: a forged bundle could name contracts of its own on the same chain.
    warnings.push({
      code: "ANCHOR_UNTRUSTED",
      message: `no trusted anchor was given: the bundle's own log anchor ${anchorAddress} was taken on its word, which a forged bundle could name; give the anchor your deployment file names (--deployment, or --anchor)`,
    });
  }
  if (options.anchor && anchorAddress !== getAddress(bundle.contracts.logAnchor)) {
    failures.push({ code: "CONTRACTS_MISMATCH", message: `the bundle names anchor ${bundle.contracts.logAnchor}, not the trusted anchor ${anchorAddress}` });
    return report();
  }
  const anchor = connect("LogAnchor", anchorAddress, provider);
  const cases = connect("CaseRegistry", bundle.contracts.caseRegistry, provider);
  const funds = connect("FundLedger", bundle.contracts.fundLedger, provider);
  // The trusted anchor names the access contract; the others must name the same one.
  let accessAddress = "";
  try {
    accessAddress = await anchor.access();
    const links = [
      [await cases.access(), accessAddress, "the case registry's access contract"],
      [await funds.access(), accessAddress, "the fund ledger's access contract"],
      [await funds.cases(), await cases.getAddress(), "the fund ledger's case registry"],
    ] as const;
    for (const [found, expected, what] of links) {
      if (getAddress(found) !== getAddress(expected)) failures.push({ code: "CONTRACTS_MISMATCH", message: `${what} is ${found}, not ${expected} of the trusted anchor's deployment` });
    }
  } catch {
    failures.push({ code: "CONTRACTS_MISMATCH", message: "the bundle's contract addresses are not an aidtrail deployment on this chain" });
  }
  if (failures.some((f) => f.code === "CONTRACTS_MISMATCH")) return report();
  // Every query reads up to one block, fixed now, in windows: nodes refuse or cut off a single
  // query over a long chain (Hardhat's drops the connection past some ten thousand events).
  const head = await provider.getBlockNumber();
  const events = <T>(query: (from: number, to: number) => Promise<T[]>) => inWindows(query, head);
  const holds = await roleHistory(connect("AidAccess", accessAddress, provider), events);

  // The bundle's log must be the one governance registered for the bundle's jurisdiction: records
  // and checkpoints under another log id, anchored with an operator key, are no county's record.
  const registration = await anchor.head(bundle.logId);
  if (!registration.registered || jurisdictionCode(registration.jurisdiction) !== bundle.jurisdiction) {
    failures.push({
      code: "LOG_NOT_REGISTERED",
      message: registration.registered
        ? `the bundle's log ${bundle.logId} is registered on the ledger for jurisdiction ${jurisdictionCode(registration.jurisdiction)}, not for the bundle's ${bundle.jurisdiction}`
        : `the bundle's log ${bundle.logId} is not registered on the ledger: it is no jurisdiction's record log`,
    });
  }
  const anchored = new Map((await events((from, to) => anchor.queryFilter(anchor.filters.CheckpointAnchored(bundle.logId), from, to))).map((e) => [Number(e.args.treeSize), e]));
  for (const c of bundle.checkpoints) {
    const event = anchored.get(c.treeSize);
    if (!event) {
      failures.push({ code: "CHECKPOINT_NOT_ANCHORED", message: `no checkpoint of size ${c.treeSize} of log ${bundle.logId} was anchored on chain`, treeSize: c.treeSize });
    } else if (event.args.root !== c.root) {
      failures.push({ code: "CHECKPOINT_NOT_ANCHORED", message: `the chain anchored root ${event.args.root} at size ${c.treeSize}, not the bundle's ${c.root}`, treeSize: c.treeSize, transactionHash: event.transactionHash });
    } else if (getAddress(event.args.operator) !== getAddress(c.signer)) {
      failures.push({ code: "CHECKPOINT_SIGNER_MISMATCH", message: `the checkpoint of size ${c.treeSize} is signed by ${c.signer} but was anchored by ${event.args.operator}`, treeSize: c.treeSize, transactionHash: event.transactionHash });
    }
  }

  // The anchorer signs a checkpoint only once the one before it is anchored, and a step's record
  // is logged before its transaction is sent: so the records of every step mined by the block
  // that anchored the checkpoint before the bundle's last are within the bundle. A later step's
  // record may be logged after the bundle's last checkpoint, and its absence is only a warning.
  const lastSize = bundle.checkpoints.at(-1)?.treeSize ?? 0;
  const coveredTo = [...anchored.values()].filter((e) => Number(e.args.treeSize) < lastSize).reduce((block, e) => Math.max(block, e.blockNumber), -1);
  // The bundle speaks for the ledger as it stood when its last checkpoint was anchored: steps
  // mined after that block are a later bundle's to account for, so they are not read. (Unanchored,
  // the bundle has failed already; its steps are then read to the head.)
  const lastAnchoring = anchored.get(lastSize);
  asOf = { block: lastAnchoring?.blockNumber ?? head, treeSize: lastSize };
  const ledger = checkLedger({
    jurisdiction: bundle.jurisdiction,
    complete: bundle.range.start === 0,
    coveredTo,
    offline,
    events: await ledgerEvents(provider, [bundle.contracts.caseRegistry, bundle.contracts.fundLedger], (query) => inWindows(query, asOf!.block)),
    holds,
  });
  failures.push(...ledger.failures);
  warnings.push(...ledger.warnings);
  return report(ledger);
}

/**
 * Every event of the case registry and the fund ledger, decoded by name as the indexer decodes
 * them, in ledger order: one query for both contracts, in windows, and no ethers Result per event.
 */
export async function ledgerEvents(
  provider: Provider,
  addresses: [registry: string, ledger: string],
  events: <T>(query: (from: number, to: number) => Promise<T[]>) => Promise<T[]>,
): Promise<ChainEvent[]> {
  const known = new Map<string, { name: string; decode: (log: LogWords) => Record<string, unknown> }>();
  const interfaces = [interfaceOf("CaseRegistry"), interfaceOf("FundLedger")];
  addresses.forEach((address, i) => {
    const iface = interfaces[i]!;
    iface.forEachEvent((fragment) => known.set(`${address.toLowerCase()}/${fragment.topicHash}`, { name: fragment.name, decode: eventDecoder(iface, fragment) }));
  });
  const found = await events(async (fromBlock, toBlock) => {
    const decoded: ChainEvent[] = [];
    for (const log of await provider.getLogs({ address: addresses, fromBlock, toBlock })) {
      const event = known.get(`${log.address.toLowerCase()}/${log.topics[0]}`);
      if (event) decoded.push({ name: event.name, args: event.decode(log), blockNumber: log.blockNumber, logIndex: log.index, transactionHash: log.transactionHash });
    }
    return decoded;
  });
  return found.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex);
}

/**
 * Whether an account held a role over a jurisdiction at the end of a block, as `hasScopedRole`
 * with that block tag answers, rebuilt from the access contract's grants (RoleScoped) and
 * revocations (RoleRevoked, which renunciation and rotation also emit): two event queries
 * instead of a call per signer and decision, each of which makes the node rebuild an old state.
 */
export async function roleHistory(access: AidAccess, events: <T>(query: (from: number, to: number) => Promise<T[]>) => Promise<T[]>): Promise<RoleHistory> {
  const changes = new Map<string, { block: number; index: number; scope: bigint | null }[]>();
  const note = (role: string, account: string, change: { block: number; index: number; scope: bigint | null }) => {
    const key = `${role}/${account.toLowerCase()}`;
    if (!changes.has(key)) changes.set(key, []);
    changes.get(key)!.push(change);
  };
  for (const e of await events((from, to) => access.queryFilter(access.filters.RoleScoped(), from, to))) note(e.args.role, e.args.account, { block: e.blockNumber, index: e.index, scope: e.args.jurisdiction });
  for (const e of await events((from, to) => access.queryFilter(access.filters.RoleRevoked(), from, to))) note(e.args.role, e.args.account, { block: e.blockNumber, index: e.index, scope: null });
  for (const list of changes.values()) list.sort((a, b) => a.block - b.block || a.index - b.index);
  return (role, account, jurisdiction, block) => {
    let scope: bigint | null = null;
    for (const change of changes.get(`${role}/${account.toLowerCase()}`) ?? []) {
      if (change.block > block) break;
      scope = change.scope;
    }
    return scope !== null && coversDivision(jurisdictionCode(scope), jurisdictionCode(jurisdiction));
  };
}

/** The reports of several bundles verified together, and what holds them together. */
export interface CityReport {
  ok: boolean;
  reports: VerificationReport[];
  /** Faults between the bundles: bundles of different deployments cannot make one audit. */
  failures: Finding[];
}

/**
 * A city's audit: the bundles of several gateways (one a county) verified against one chain, each
 * as `verifyBundle` does, and all of one deployment: the first bundle's chain and contracts are
 * every other's (without a trusted anchor each bundle's own addresses are taken on its word, and
 * this keeps one bundle from vouching for a deployment the others are not of).
 */
export async function verifyBundles(bundles: readonly AuditBundle[], provider: Provider, options: VerifyOptions = {}): Promise<CityReport> {
  const failures: Finding[] = [];
  const [first] = bundles;
  const deploymentOf = (b: AuditBundle) => JSON.stringify([b.chainId, ...Object.values(b.contracts ?? {}).map((a) => String(a).toLowerCase())]);
  bundles.forEach((bundle, i) => {
    if (i > 0 && deploymentOf(bundle) !== deploymentOf(first!)) {
      failures.push({ code: "BUNDLES_DEPLOYMENT_MISMATCH", message: `bundle ${i + 1} (jurisdiction ${bundle.jurisdiction}) is of chain ${bundle.chainId} and log anchor ${bundle.contracts?.logAnchor}, bundle 1 of chain ${first!.chainId} and log anchor ${first!.contracts?.logAnchor}: the bundles of one audit are of one deployment` });
    }
  });
  const reports: VerificationReport[] = [];
  for (const bundle of bundles) reports.push(await verifyBundle(bundle, provider, options));
  return { ok: failures.length === 0 && reports.every((r) => r.ok), reports, failures };
}
