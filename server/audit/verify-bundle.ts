import { getAddress, type Provider } from "ethers";
import { AidAccess__factory, CaseRegistry__factory, FundLedger__factory, LogAnchor__factory } from "../../types/ethers-contracts/index.js";
import type { AidAccess } from "../../types/ethers-contracts/index.js";
import { coversDivision, jurisdictionCode, Stage } from "../chain/domain.ts";
import { roleId } from "../chain/roles.ts";
import { inWindows } from "../chain/events.ts";
import { checkBundle, type AuditBundle, type Finding } from "../verify/bundle.ts";

export interface AllocationTotals {
  allocationId: string;
  amount: string;
  /** Payouts net of reversals, as the ledger's events show them. */
  paid: string;
  /** The sum of the bundle's payment-file lines drawn on it. */
  inPaymentFiles: string;
  reconciles: boolean;
}

export interface VerificationReport {
  ok: boolean;
  summary: { leaves: number; records: number; checkpoints: number; approvals: number; payouts: number; settled: number; unsettled: number };
  failures: Finding[];
  /** What does not fail the bundle but an auditor should know: payouts not yet settled, steps outside its range. */
  warnings: Finding[];
  allocations: AllocationTotals[];
}

export interface VerifyOptions {
  /** The anchor contract the auditor trusts; the bundle's own addresses must lead back to it. */
  anchor?: string;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Verifies an audit bundle against the chain, trusting neither the gateway nor the bundle: the
 * offline checks of `checkBundle`, then every checkpoint found among the anchor's events, every
 * approval's decision on the ledger with its signers holding the role at that block, every payout
 * matched to its payment file, its approval, its allocation and its settlement (whose receipt must
 * be the settlement agent's record of it), and the totals reconciled per allocation.
 */
export async function verifyBundle(bundle: AuditBundle, provider: Provider, options: VerifyOptions = {}): Promise<VerificationReport> {
  const offline = checkBundle(bundle, options.onProgress);
  const failures = [...offline.failures];
  const warnings: Finding[] = [];
  const report = (allocations: AllocationTotals[] = [], payouts = 0, settled = 0): VerificationReport => ({
    ok: failures.length === 0,
    summary: { leaves: bundle.leaves?.length ?? 0, records: offline.records, checkpoints: bundle.checkpoints?.length ?? 0, approvals: offline.approvals.length, payouts, settled, unsettled: payouts - settled },
    failures,
    warnings,
    allocations,
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
  if (options.anchor && anchorAddress !== getAddress(bundle.contracts.logAnchor)) {
    failures.push({ code: "CONTRACTS_MISMATCH", message: `the bundle names anchor ${bundle.contracts.logAnchor}, not the trusted anchor ${anchorAddress}` });
    return report();
  }
  const anchor = LogAnchor__factory.connect(anchorAddress, provider);
  const cases = CaseRegistry__factory.connect(bundle.contracts.caseRegistry, provider);
  const funds = FundLedger__factory.connect(bundle.contracts.fundLedger, provider);
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
  const holds = await roleHistory(AidAccess__factory.connect(accessAddress, provider), events);

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

  const complete = bundle.range.start === 0;
  const missing = (finding: Finding) => (complete ? failures : warnings).push(finding);
  const jurisdictionOf = new Map<string, bigint>();
  for (const e of await events((from, to) => cases.queryFilter(cases.filters.CaseSubmitted(), from, to))) {
    if (!offline.caseIds.has(e.args.caseId)) continue;
    jurisdictionOf.set(e.args.caseId, e.args.jurisdiction);
    if (!offline.applications.get(e.args.caseId)?.has(e.args.recordHash)) {
      missing({ code: "LEDGER_RECORD_MISSING", message: `case ${e.args.caseId} was submitted on the ledger with record ${e.args.recordHash}, which the bundle lacks`, caseId: e.args.caseId, transactionHash: e.transactionHash });
    }
  }

  const approvedBlock = new Map<string, { block: number; amount: bigint }>();
  const packets = new Map(offline.approvals.map((a) => [a.digest, a]));
  for (const e of await events((from, to) => cases.queryFilter(cases.filters.CaseDecided(), from, to))) {
    const caseId = e.args.caseId;
    if (!offline.caseIds.has(caseId)) continue;
    if (e.args.stage === BigInt(Stage.Approval) && e.args.approve) approvedBlock.set(caseId, { block: e.blockNumber, amount: e.args.amount });
    const packet = packets.get(e.args.digest);
    if (!packet) {
      if (!failures.some((f) => f.caseId === caseId && f.code === "APPROVAL_SIGNATURE_FORGED")) {
        missing({ code: "APPROVAL_PACKET_MISSING", message: `the ledger's decision ${e.args.digest} on case ${caseId} has no approval packet in the bundle`, caseId, transactionHash: e.transactionHash });
      }
      continue;
    }
    packets.delete(e.args.digest);
    const signers = [...e.args.signers].map(getAddress).sort().join(",");
    if (signers !== packet.signers.map(getAddress).sort().join(",")) {
      failures.push({ code: "APPROVAL_SIGNERS_MISMATCH", message: `the ledger counted signers ${signers} for decision ${e.args.digest} on case ${caseId}, the packet names ${packet.signers.join(",")}`, caseId, recordId: packet.recordId, transactionHash: e.transactionHash });
    }
    const roleName = Number(e.args.stage) === Stage.Review ? "REVIEWER" : "APPROVER";
    const role = roleId(roleName);
    const jurisdiction = jurisdictionOf.get(caseId) ?? 0n;
    for (const signer of e.args.signers) {
      if (!holds(role, signer, jurisdiction, e.blockNumber)) {
        failures.push({
          code: "APPROVAL_SIGNER_UNAUTHORIZED",
          message: `${signer} signed decision ${e.args.digest} on case ${caseId} without the ${roleName} role over ${jurisdictionCode(jurisdiction)} at block ${e.blockNumber}`,
          caseId,
          transactionHash: e.transactionHash,
        });
      }
    }
  }
  for (const packet of packets.values()) {
    warnings.push({ code: "APPROVAL_NOT_ON_LEDGER", message: `approval packet ${packet.recordId} on case ${packet.caseId} (digest ${packet.digest}) has no decision on the ledger yet`, recordId: packet.recordId, caseId: packet.caseId });
  }

  const allocations = new Map<string, { amount: bigint; paid: bigint; files: bigint }>();
  const allocation = (id: bigint | string) => {
    const key = id.toString();
    if (!allocations.has(key)) allocations.set(key, { amount: -1n, paid: 0n, files: 0n });
    return allocations.get(key)!;
  };
  for (const e of await events((from, to) => funds.queryFilter(funds.filters.AppropriationMade(), from, to))) allocation(e.args.allocationId).amount = e.args.amount;
  for (const e of await events((from, to) => funds.queryFilter(funds.filters.AllocationMade(), from, to))) allocation(e.args.allocationId).amount = e.args.amount;
  const settledKeys = new Set<string>();
  // Each settlement names as its receipt the hash of the settlement agent's record, which must list the case and period.
  for (const e of await events((from, to) => funds.queryFilter(funds.filters.PayoutSettled(), from, to))) {
    const { caseId, period, receiptHash } = e.args;
    if (!offline.caseIds.has(caseId)) continue;
    settledKeys.add(`${caseId}/${period}`);
    const where = `the settlement of case ${caseId} for period ${period}`;
    const evidence = offline.settlements.get(receiptHash);
    const kind = offline.kinds.get(receiptHash);
    if (evidence ? evidence.period !== Number(period) || !evidence.caseIds.has(caseId) : kind !== undefined && kind !== null) {
      failures.push({
        code: "SETTLEMENT_RECORD_MISMATCH",
        message: `${where} names record ${evidence?.recordId ?? receiptHash} as its receipt, which is ${evidence ? "a settlement of other payouts" : `a ${kind} record`}`,
        caseId,
        recordId: evidence?.recordId,
        transactionHash: e.transactionHash,
      });
    } else if (kind === undefined) {
      warnings.push({ code: "SETTLEMENT_EVIDENCE_MISSING", message: `${where} names receipt ${receiptHash}, which is no leaf of this bundle (logged before its range, or not in the log)`, caseId, transactionHash: e.transactionHash });
    }
  }
  const lines = new Map(offline.paymentLines.map((l) => [`${l.caseId}/${l.period}`, l]));
  let payouts = 0;
  let settled = 0;
  for (const e of await events((from, to) => funds.queryFilter(funds.filters.PayoutMade(), from, to))) {
    const { caseId, allocationId, period, amount } = e.args;
    if (!offline.caseIds.has(caseId)) continue;
    payouts++;
    const key = `${caseId}/${period}`;
    const line = lines.get(key);
    const account = allocation(allocationId);
    account.paid += amount;
    const where = `the payout to case ${caseId} for period ${period}`;
    if (!line) {
      missing({ code: "PAYOUT_WITHOUT_PAYMENT_FILE", message: `${where} (${amount}) is on the ledger but in no payment file of the bundle`, caseId, transactionHash: e.transactionHash });
    } else {
      lines.delete(key);
      account.files += line.amount;
      if (line.amount !== amount) {
        failures.push({ code: "PAYOUT_AMOUNT_MISMATCH", message: `${where}: the ledger paid ${amount}, payment file ${line.recordId} says ${line.amount}`, caseId, recordId: line.recordId, transactionHash: e.transactionHash });
      }
      if (line.allocationId !== allocationId.toString()) {
        failures.push({ code: "PAYOUT_ALLOCATION_MISMATCH", message: `${where} drew on allocation ${allocationId}, payment file ${line.recordId} names ${line.allocationId}`, caseId, recordId: line.recordId, transactionHash: e.transactionHash });
      }
    }
    const approval = approvedBlock.get(caseId);
    if (!approval || approval.block > e.blockNumber) {
      failures.push({ code: "PAYOUT_WITHOUT_APPROVAL", message: `${where} has no approval on the ledger before it`, caseId, transactionHash: e.transactionHash });
    } else if (amount > approval.amount) {
      failures.push({ code: "PAYOUT_ABOVE_APPROVAL", message: `${where} is ${amount}, above the approved ${approval.amount}`, caseId, transactionHash: e.transactionHash });
    }
    if (account.amount < 0n) failures.push({ code: "PAYOUT_WITHOUT_ALLOCATION", message: `${where} drew on allocation ${allocationId}, which the ledger never made`, caseId, transactionHash: e.transactionHash });
    if (settledKeys.has(key)) settled++;
    else warnings.push({ code: "PAYOUT_UNSETTLED", message: `${where} has no settlement confirmation yet`, caseId, transactionHash: e.transactionHash });
  }
  for (const e of await events((from, to) => funds.queryFilter(funds.filters.PayoutReversed(), from, to))) if (offline.caseIds.has(e.args.caseId)) allocation(e.args.allocationId).paid -= e.args.amount;
  for (const line of lines.values()) {
    warnings.push({ code: "PAYMENT_FILE_UNPAID", message: `payment file ${line.recordId} lists case ${line.caseId} for period ${line.period}, which the ledger has not paid`, caseId: line.caseId, recordId: line.recordId });
  }
  const totals = [...allocations]
    .filter(([, a]) => a.paid !== 0n || a.files !== 0n)
    .map(([allocationId, a]) => ({ allocationId, amount: a.amount.toString(), paid: a.paid.toString(), inPaymentFiles: a.files.toString(), reconciles: a.paid <= a.amount && (!complete || a.paid === a.files) }));
  for (const t of totals) {
    if (!t.reconciles) failures.push({ code: "ALLOCATION_UNRECONCILED", message: `allocation ${t.allocationId}: the ledger paid ${t.paid} net of reversals, its payment files say ${t.inPaymentFiles}, its amount is ${t.amount}` });
  }
  return report(totals, payouts, settled);
}

/**
 * Whether an account held a role over a jurisdiction at the end of a block, as `hasScopedRole`
 * with that block tag answers, rebuilt from the access contract's grants (RoleScoped) and
 * revocations (RoleRevoked, which renunciation and rotation also emit): two event queries
 * instead of a call per signer and decision, each of which makes the node rebuild an old state.
 */
export async function roleHistory(
  access: AidAccess,
  events: <T>(query: (from: number, to: number) => Promise<T[]>) => Promise<T[]>,
): Promise<(role: string, account: string, jurisdiction: bigint, block: number) => boolean> {
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
