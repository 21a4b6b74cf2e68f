import { coversDivision, jurisdictionCode, paysCases, Stage } from "../chain/domain.ts";
import { roleId } from "../chain/roles.ts";
import type { BundleCheck, CheckedDecision, Finding, FiledPayout } from "../../kit/bundle.ts";
import { stepOf, type ChainEvent, type LedgerStep } from "./steps.ts";
import { CASE_EXIT, CASE_RESUMPTION, CASE_SUSPENSION, PUBLIC_NOTICE_COMPLETED } from "../records/kinds/documents.ts";
import { OBJECTION } from "../records/kinds/complaints.ts";
import type { RecordShape } from "../records/kinds/shape.ts";

export interface AllocationTotals {
  allocationId: string;
  amount: string;
  /** Payouts net of reversals, as the ledger's events show them. */
  paid: string;
  /** The sum of the bundle's payment-file lines drawn on it, net of the lines whose payouts were reversed. */
  inPaymentFiles: string;
  reconciles: boolean;
}

/** Whether an account held a role over a jurisdiction at the end of a block (see roleHistory). */
export type RoleHistory = (role: string, account: string, jurisdiction: bigint, block: number) => boolean;

export interface LedgerInput {
  /** The division the bundle exports whole: the ledger's steps on its cases and its funds are the bundle's to account for. */
  jurisdiction: string;
  /** Whether the bundle starts at the log's first leaf, and so holds every record logged before its end. */
  complete: boolean;
  /**
   * The last block whose steps' records a complete bundle must hold, -1 for none. A step of a
   * later block with no record is only a warning: its record may be logged after the bundle's
   * last checkpoint (see verifyBundle).
   */
  coveredTo: number;
  /** What the offline check of the bundle found. */
  offline: BundleCheck;
  /** Every event of the case registry and the fund ledger, in ledger order. */
  events: readonly ChainEvent[];
  holds: RoleHistory;
}

export interface LedgerCheck {
  failures: Finding[];
  warnings: Finding[];
  allocations: AllocationTotals[];
  payouts: number;
  settled: number;
  unsettled: number;
  reversals: number;
}

interface Payout {
  caseId: string;
  period: number;
  allocationId: string;
  amount: bigint;
  transactionHash: string;
  line: FiledPayout | null;
  /** Paid after the steps the bundle covers and in none of its payment files: left out of the reconciliation. */
  unfiled: boolean;
  settled: boolean;
  reversed: boolean;
}

const lower = (value: unknown) => String(value).toLowerCase();

/** The record the gateway writes as a step's evidence; steps not named here may name any record of their case. */
const EVIDENCE_OF: Partial<Record<LedgerStep["step"], RecordShape>> = {
  activation: PUBLIC_NOTICE_COMPLETED,
  suspension: CASE_SUSPENSION,
  resumption: CASE_RESUMPTION,
  exit: CASE_EXIT,
  objection: OBJECTION,
};

/**
 * Holds the ledger's steps to the bundle, with nothing but the two: each step's actor held a role
 * the step needs over the case's (or allocation's) jurisdiction at its block; each case, decision,
 * payout and reversal of the bundle's jurisdiction has its record in the bundle (a failure when
 * the bundle starts at the log's first leaf and the step is covered, a warning otherwise); each
 * decision matches its decision record; each payout its payment file, an earlier approval and an
 * allocation; each reversal the payout it reverses (the case's latest unreversed payout for the
 * period) and its record; each settlement its receipt; and each allocation's payouts net of
 * reversals its payment files. Events are read in ledger order, so that a step is judged by the
 * case's jurisdiction, approval and payouts as they stood when it was taken.
 */
export function checkLedger(input: LedgerInput): LedgerCheck {
  const { offline, holds } = input;
  const failures: Finding[] = [];
  const warnings: Finding[] = [];
  const covered = (block: number) => input.complete && block <= input.coveredTo;
  // Leaves missing from the bundle failed it once already: a step whose record could be among them is unverifiable, not failed again.
  const gaps = [...offline.gaps.map((g) => `${g.from} to ${g.to}`), ...offline.unreadable.map((leaf) => `${leaf} (unreadable at export)`)].join(", ");
  const missing = (finding: Finding) => {
    if (gaps) warnings.push({ ...finding, message: `unverifiable, the bundle lacking leaves ${gaps}: ${finding.message}` });
    else (covered(finding.blockNumber!) ? failures : warnings).push(finding);
  };

  // The bundle's facts, keyed as the event decoder spells hashes: lower-case hex.
  const named = new Set([...offline.caseIds].map(lower));
  const applications = new Map([...offline.applications].map(([caseId, hashes]) => [lower(caseId), new Set([...hashes].map(lower))]));
  const evidence = new Map([...offline.evidence].map(([hash, e]) => [lower(hash), e]));
  /** The kind of the bundle's record of `hash`: null where the bundle holds the hash alone, undefined where it holds no such leaf. */
  const kindOf = (hash: string) => (evidence.has(hash) ? (evidence.get(hash)?.kind ?? null) : undefined);
  const settlements = new Map([...offline.settlements].map(([hash, s]) => [lower(hash), { ...s, caseIds: new Set([...s.caseIds].map(lower)) }]));
  const reversalRecords = new Map([...offline.reversals].map(([hash, r]) => [lower(hash), r]));
  const decisionRecords = new Map<string, CheckedDecision>(offline.decisions.map((a) => [lower(a.digest), a]));
  const forged = new Set(offline.failures.filter((f) => f.code === "DECISION_SIGNATURE_FORGED").map((f) => lower(f.caseId)));
  const lines = new Map<string, FiledPayout[]>();
  for (const line of offline.filedPayouts) {
    const key = `${lower(line.caseId)}/${line.period}`;
    lines.set(key, [...(lines.get(key) ?? []), line]);
  }

  const jurisdictionOf = new Map<string, bigint>();
  const inScope = (caseId: string, ...jurisdictions: bigint[]) => named.has(caseId) || jurisdictions.some((j) => coversDivision(input.jurisdiction, jurisdictionCode(j)));
  /** An allocation the bundle's division draws on or hands down: its jurisdiction and the bundle's are on one line. */
  const onLine = (j: bigint) => coversDivision(input.jurisdiction, jurisdictionCode(j)) || coversDivision(jurisdictionCode(j), input.jurisdiction);
  const approved = new Map<string, { block: number; amount: bigint }>();
  const payouts = new Map<string, Payout[]>();
  const allPayouts: Payout[] = [];
  const accounts = new Map<string, { jurisdiction: bigint | null; amount: bigint; paid: bigint; files: bigint; unfiled: bigint }>();
  const account = (id: unknown) => {
    const key = String(id);
    if (!accounts.has(key)) accounts.set(key, { jurisdiction: null, amount: -1n, paid: 0n, files: 0n, unfiled: 0n });
    return accounts.get(key)!;
  };
  let reversals = 0;

  /** Each of the step's actors must hold one of its roles over `jurisdiction` at the step's block. */
  const authorise = (e: ChainEvent, s: LedgerStep, jurisdiction: bigint, caseId?: string, code = "STEP_ACTOR_UNAUTHORIZED") => {
    for (const actor of s.actors) {
      if (s.roles.some((role) => holds(roleId(role), actor, jurisdiction, e.blockNumber))) continue;
      const role = s.roles.join(" or ");
      const on = caseId ? ` on case ${caseId}` : e.args.allocationId !== undefined ? ` of allocation ${String(e.args.allocationId)}` : "";
      failures.push({
        code,
        message: `${actor} took the ${s.step} step${on} without the ${role} role over ${jurisdictionCode(jurisdiction)} at block ${e.blockNumber}`,
        step: s.step,
        actor,
        role,
        blockNumber: e.blockNumber,
        caseId,
        transactionHash: e.transactionHash,
      });
    }
  };

  let previous: ChainEvent | undefined;
  for (const e of input.events) {
    const s = stepOf(e, previous);
    previous = e;
    const a = e.args;
    const at = { blockNumber: e.blockNumber, transactionHash: e.transactionHash };

    if (e.name === "AppropriationMade" || e.name === "AllocationMade") {
      const funds = account(a.allocationId);
      funds.jurisdiction = BigInt(a.jurisdiction as string);
      funds.amount = BigInt(a.amount as string);
      // An allocation is made by a finance officer over its parent's jurisdiction, where the funds are.
      const parent = e.name === "AllocationMade" ? account(a.parent).jurisdiction : null;
      const over = parent ?? funds.jurisdiction;
      if (!onLine(funds.jurisdiction) && (parent === null || !onLine(parent))) continue;
      authorise(e, s!, over);
      if (e.name === "AppropriationMade" && lower(a.proposer) === lower(a.actor)) {
        failures.push({ code: "APPROPRIATION_BY_ONE_OFFICER", message: `appropriation ${String(a.allocationId)} was proposed and approved by ${String(a.actor)} alone; two finance officers make an appropriation`, actor: String(a.actor), ...at });
      }
      continue;
    }
    if (typeof a.caseId !== "string") continue;
    const caseId = a.caseId.toLowerCase();

    if (e.name === "CaseSubmitted") {
      const j = BigInt(a.jurisdiction as string);
      jurisdictionOf.set(caseId, j);
      if (!inScope(caseId, j)) continue;
      authorise(e, s!, j, caseId);
      const recordHash = lower(a.recordHash);
      const held = applications.get(caseId);
      const actor = String(a.actor);
      if (!held) {
        missing({ code: "CASE_WITHOUT_RECORD", message: `case ${caseId} was opened on the ledger by ${actor} with record ${recordHash}, but the bundle holds no application record of it`, caseId, step: "application", actor, ...at });
      } else if (!held.has(recordHash)) {
        missing({ code: "LEDGER_RECORD_MISSING", message: `case ${caseId} was submitted on the ledger with record ${recordHash}, which the bundle lacks`, caseId, step: "application", actor, ...at });
      }
      checkHousehold(e, caseId, recordHash, "opened");
      continue;
    }
    const j = jurisdictionOf.get(caseId);
    // Every case's events follow its CaseSubmitted; one without it is no case of this registry's.
    if (j === undefined) continue;

    if (e.name === "CaseTransferred") {
      const to = BigInt(a.to as string);
      if (inScope(caseId, j, to)) {
        authorise(e, s!, j, caseId);
        authorise(e, s!, to, caseId);
        checkEvidence(e, s!, caseId, lower(a.evidenceHash));
      }
      jurisdictionOf.set(caseId, to);
      continue;
    }
    if (!inScope(caseId, j)) continue;

    switch (e.name) {
      case "CaseDecided": {
        if (Number(a.stage) === Stage.Approval && a.approve) approved.set(caseId, { block: e.blockNumber, amount: BigInt(a.amount as string) });
        const digest = lower(a.digest);
        const logged = decisionRecords.get(digest);
        if (!logged) {
          if (!forged.has(caseId)) {
            missing({ code: "DECISION_RECORD_MISSING", message: `the ledger's decision ${digest} on case ${caseId} has no decision record in the bundle`, caseId, step: s!.step, ...at });
          }
        } else {
          decisionRecords.delete(digest);
          const signers = s!.actors.map(lower).sort().join(",");
          if (signers !== logged.signers.map(lower).sort().join(",")) {
            failures.push({ code: "DECISION_SIGNERS_MISMATCH", message: `the ledger counted signers ${s!.actors.join(",")} for decision ${digest} on case ${caseId}, the decision record names ${logged.signers.join(",")}`, caseId, recordId: logged.recordId, ...at });
          }
        }
        authorise(e, s!, j, caseId, "DECISION_SIGNER_UNAUTHORIZED");
        break;
      }
      case "CaseRecordRevised": {
        authorise(e, s!, j, caseId);
        if (lower(a.evidenceHash) !== lower(a.recordHash)) checkEvidence(e, s!, caseId, lower(a.evidenceHash));
        const recordHash = lower(a.recordHash);
        const held = applications.get(caseId);
        // A case with no application record at all failed as CASE_WITHOUT_RECORD already.
        if (held && !held.has(recordHash)) {
          missing({ code: "LEDGER_RECORD_MISSING", message: `case ${caseId} was revised on the ledger (revision ${String(a.revision)}) with record ${recordHash}, which the bundle lacks`, caseId, step: "revision", actor: String(a.actor), ...at });
        }
        checkHousehold(e, caseId, recordHash, `revised (revision ${String(a.revision)})`);
        break;
      }
      case "PayoutMade":
        checkPayout(e, s!, caseId, j);
        break;
      case "PayoutSettled":
        checkSettlement(e, s!, caseId, j);
        break;
      case "PayoutReversed":
        checkReversal(e, s!, caseId, j);
        break;
      default:
        // CaseTransition, CaseFlagged, PayoutAcknowledged: the actor's role, and the record the step names.
        if (s && !s.partOf) {
          authorise(e, s, j, caseId);
          checkEvidence(e, s, caseId, lower(a.evidenceHash ?? a.acknowledgementHash));
        }
    }
  }

  /**
   * The household the ledger holds for a case (what every cap multiplies: the applicant and the
   * members whose commitments were named at intake and by each revision) is the one its
   * application record says.
   */
  function checkHousehold(e: ChainEvent, caseId: string, recordHash: string, how: string) {
    const record = evidence.get(recordHash);
    const size = Number(e.args.householdSize);
    if (!record || record.householdSize === null || record.householdSize === size) return;
    failures.push({
      code: "HOUSEHOLD_SIZE_MISMATCH",
      message: `case ${caseId} was ${how} on the ledger with a household of ${size}; its application record ${record.recordId} says ${record.householdSize}`,
      caseId,
      recordId: record.recordId,
      step: e.name === "CaseSubmitted" ? "application" : "revision",
      actor: String(e.args.actor),
      blockNumber: e.blockNumber,
      transactionHash: e.transactionHash,
    });
  }

  /**
   * A step that names its evidence by hash has that record in the bundle (once the bundle covers
   * its block), about its case, and of the kind the step calls for where the gateway writes one.
   */
  function checkEvidence(e: ChainEvent, s: LedgerStep, caseId: string, hash: string) {
    const at = { caseId, step: s.step, actor: s.actors[0], blockNumber: e.blockNumber, transactionHash: e.transactionHash };
    const where = `the ${s.step} of case ${caseId}`;
    if (!evidence.has(hash)) {
      missing({ code: "STEP_WITHOUT_RECORD", message: `${where} names evidence ${hash}, which is no record of this bundle`, ...at });
      return;
    }
    const record = evidence.get(hash);
    // The bundle holds the hash alone: nothing more to compare.
    if (!record) return;
    const expected = EVIDENCE_OF[s.step];
    const fits = lower(record.caseId) === caseId && (!expected || (record.kind === expected.kind && record.type === expected.type));
    if (!fits) {
      failures.push({
        code: "STEP_RECORD_MISMATCH",
        message: `${where} names record ${record.recordId} as its evidence, which is ${expected ? `a ${record.kind}${record.type ? ` of type ${record.type}` : ""}` : "a record"} of ${record.caseId ? `case ${record.caseId}` : "no case"}${expected ? `, not a ${expected.kind} of type ${expected.type} of this case` : ""}`,
        recordId: record.recordId,
        ...at,
      });
    }
  }

  function checkPayout(e: ChainEvent, s: LedgerStep, caseId: string, j: bigint) {
    const period = Number(e.args.period);
    const allocationId = String(e.args.allocationId);
    const amount = BigInt(e.args.amount as string);
    const at = { caseId, blockNumber: e.blockNumber, transactionHash: e.transactionHash };
    const key = `${caseId}/${period}`;
    const funds = account(allocationId);
    // Whoever pays spends their own budget: the officer is held to the allocation's jurisdiction,
    // which must be a county's or a township's and cover the case (FundLedger.pay).
    if (funds.jurisdiction !== null) {
      authorise(e, s, funds.jurisdiction, caseId);
      const held = jurisdictionCode(funds.jurisdiction);
      if (!paysCases(held)) {
        failures.push({ code: "PAYOUT_ALLOCATION_ABOVE_COUNTY", message: `the payout to case ${caseId} for period ${period} drew on allocation ${allocationId}, held at ${held}, above the counties`, step: "payout", actor: String(e.args.actor), ...at });
      }
      if (!coversDivision(held, jurisdictionCode(j))) {
        failures.push({ code: "PAYOUT_OUTSIDE_ALLOCATION", message: `the payout to case ${caseId} for period ${period} drew on allocation ${allocationId}, held at ${held}, which does not cover the case's ${jurisdictionCode(j)}`, step: "payout", actor: String(e.args.actor), ...at });
      }
    }
    funds.paid += amount;
    const where = `the payout to case ${caseId} for period ${period}`;
    // A period paid again after a reversal has a payment file for each payout: the one that says what was paid, else the first.
    const candidates = lines.get(key) ?? [];
    const index = Math.max(0, candidates.findIndex((l) => l.amount === amount && l.allocationId === allocationId));
    const line = candidates.splice(index, 1)[0] ?? null;
    if (!line) {
      missing({ code: "PAYOUT_WITHOUT_PAYMENT_FILE", message: `${where} (${amount}) is on the ledger but in no payment file of the bundle`, step: "payout", actor: String(e.args.actor), ...at });
    } else {
      funds.files += line.amount;
      if (line.amount !== amount) {
        failures.push({ code: "PAYOUT_AMOUNT_MISMATCH", message: `${where}: the ledger paid ${amount}, payment file ${line.recordId} says ${line.amount}`, recordId: line.recordId, ...at });
      }
      if (line.allocationId !== allocationId) {
        failures.push({ code: "PAYOUT_ALLOCATION_MISMATCH", message: `${where} drew on allocation ${allocationId}, payment file ${line.recordId} names ${line.allocationId}`, recordId: line.recordId, ...at });
      }
    }
    const approval = approved.get(caseId);
    if (!approval) {
      failures.push({ code: "PAYOUT_WITHOUT_APPROVAL", message: `${where} has no approval on the ledger before it`, ...at });
    } else if (amount > approval.amount) {
      failures.push({ code: "PAYOUT_ABOVE_APPROVAL", message: `${where} is ${amount}, above the approved ${approval.amount}`, ...at });
    }
    if (funds.amount < 0n) failures.push({ code: "PAYOUT_WITHOUT_ALLOCATION", message: `${where} drew on allocation ${allocationId}, which the ledger never made`, ...at });
    const unfiled = !line && !covered(e.blockNumber);
    if (unfiled) funds.unfiled += amount;
    const payout: Payout = { caseId, period, allocationId, amount, transactionHash: e.transactionHash, line, unfiled, settled: false, reversed: false };
    payouts.set(key, [...(payouts.get(key) ?? []), payout]);
    allPayouts.push(payout);
  }

  // Each settlement names as its receipt the hash of the settlement agent's record, which must list the case and period.
  function checkSettlement(e: ChainEvent, s: LedgerStep, caseId: string, j: bigint) {
    const period = Number(e.args.period);
    const evidenceHash = lower(e.args.evidenceHash);
    authorise(e, s, j, caseId);
    const payout = (payouts.get(`${caseId}/${period}`) ?? []).findLast((p) => !p.reversed && !p.settled);
    if (payout) payout.settled = true;
    const where = `the settlement of case ${caseId} for period ${period}`;
    const evidence = settlements.get(evidenceHash);
    const kind = kindOf(evidenceHash);
    if (evidence ? evidence.period !== period || !evidence.caseIds.has(caseId) : kind !== undefined && kind !== null) {
      failures.push({
        code: "SETTLEMENT_RECORD_MISMATCH",
        message: `${where} names record ${evidence?.recordId ?? evidenceHash} as its settlement record, which is ${evidence ? "a settlement of other payouts" : `a ${kind} record`}`,
        caseId,
        recordId: evidence?.recordId,
        transactionHash: e.transactionHash,
      });
    } else if (kind === undefined) {
      warnings.push({ code: "SETTLEMENT_EVIDENCE_MISSING", message: `${where} names settlement record ${evidenceHash}, which is no leaf of this bundle (logged before or after its range, or not in the log)`, caseId, transactionHash: e.transactionHash });
    }
  }

  // A reversal undoes the case's latest unreversed payout for the period, exactly: the same allocation and amount.
  function checkReversal(e: ChainEvent, s: LedgerStep, caseId: string, j: bigint) {
    reversals++;
    const period = Number(e.args.period);
    const allocationId = String(e.args.allocationId);
    const amount = BigInt(e.args.amount as string);
    const at = { caseId, step: "reversal", actor: String(e.args.actor), blockNumber: e.blockNumber, transactionHash: e.transactionHash };
    // Over the funds credited, as FundLedger.reversePayout checks it: a case transferred since stays reversed by the county that paid it.
    authorise(e, s, account(allocationId).jurisdiction ?? j, caseId);
    account(allocationId).paid -= amount;
    const where = `the reversal of ${amount} on allocation ${allocationId} to case ${caseId} for period ${period}`;
    const payout = (payouts.get(`${caseId}/${period}`) ?? []).findLast((p) => !p.reversed);
    if (!payout) {
      failures.push({ code: "REVERSAL_WITHOUT_PAYOUT", message: `${where} follows no unreversed payout of that case and period on the ledger`, ...at });
    } else {
      payout.reversed = true;
      if (payout.line) account(payout.allocationId).files -= payout.line.amount;
      if (payout.unfiled) account(payout.allocationId).unfiled -= payout.amount;
      if (payout.allocationId !== allocationId || payout.amount !== amount) {
        failures.push({ code: "REVERSAL_PAYOUT_MISMATCH", message: `${where} does not match the payout it reverses: ${payout.amount} from allocation ${payout.allocationId} (transaction ${payout.transactionHash})`, ...at });
      }
    }
    const reason = lower(e.args.reasonHash);
    const record = reversalRecords.get(reason);
    const kind = kindOf(reason);
    if (record) {
      if (lower(record.caseId) !== caseId || record.period !== period || record.allocationId !== allocationId || record.amount !== amount) {
        failures.push({
          code: "REVERSAL_RECORD_MISMATCH",
          message: `${where} names record ${record.recordId} as its reason, which reverses ${record.amount} on allocation ${record.allocationId} to case ${record.caseId} for period ${record.period}`,
          recordId: record.recordId,
          ...at,
        });
      }
    } else if (kind === undefined) {
      missing({ code: "REVERSAL_WITHOUT_RECORD", message: `${where} names reason ${reason}, which is no record of the bundle`, ...at });
    } else if (kind !== null) {
      failures.push({ code: "REVERSAL_RECORD_MISMATCH", message: `${where} names as its reason a ${kind} record, not a record of a payout's reversal`, ...at });
    }
  }

  let settled = 0;
  let unsettled = 0;
  for (const p of allPayouts) {
    if (p.settled) settled++;
    else if (!p.reversed) {
      unsettled++;
      warnings.push({ code: "PAYOUT_UNSETTLED", message: `the payout to case ${p.caseId} for period ${p.period} has no settlement confirmation yet`, caseId: p.caseId, transactionHash: p.transactionHash });
    }
  }
  for (const logged of decisionRecords.values()) {
    warnings.push({ code: "DECISION_NOT_ON_LEDGER", message: `decision record ${logged.recordId} on case ${logged.caseId} (digest ${logged.digest}) has no decision on the ledger yet`, recordId: logged.recordId, caseId: logged.caseId });
  }
  for (const line of [...lines.values()].flat()) {
    warnings.push({ code: "PAYMENT_FILE_UNPAID", message: `payment file ${line.recordId} lists case ${line.caseId} for period ${line.period}, which the ledger has not paid`, caseId: line.caseId, recordId: line.recordId });
  }
  const allocations = [...accounts]
    .filter(([, a]) => a.paid !== 0n || a.files !== 0n)
    .map(([allocationId, a]) => ({ allocationId, amount: a.amount.toString(), paid: a.paid.toString(), inPaymentFiles: a.files.toString(), reconciles: a.paid <= a.amount && (!input.complete || gaps !== "" || a.paid - a.unfiled === a.files) }));
  for (const t of allocations) {
    const message = `allocation ${t.allocationId}: the ledger paid ${t.paid} net of reversals, its payment files say ${t.inPaymentFiles}, its amount is ${t.amount}`;
    if (!t.reconciles) failures.push({ code: "ALLOCATION_UNRECONCILED", message });
    else if (gaps && input.complete && t.paid !== t.inPaymentFiles) warnings.push({ code: "ALLOCATION_UNRECONCILED", message: `unverifiable, the bundle lacking leaves ${gaps}: ${message}` });
  }
  return { failures, warnings, allocations, payouts: allPayouts.length, settled, unsettled, reversals };
}
