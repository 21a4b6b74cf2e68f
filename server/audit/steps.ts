import { CaseStatus, Stage, type RoleName } from "../chain/domain.ts";

/** A ledger event with its arguments by name, JSON-safe as `eventDecoder` gives them (integers as decimal strings). */
export interface ChainEvent {
  name: string;
  args: Record<string, unknown>;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
}

export type StepName =
  | "application"
  | "review"
  | "approval"
  | "objection"
  | "revision"
  | "activation"
  | "suspension"
  | "resumption"
  | "exit"
  | "transfer"
  | "flag"
  | "payout"
  | "settlement"
  | "reversal"
  | "acknowledgement"
  | "appropriation"
  | "allocation";

/** A ledger event read as the step an officer took. */
export interface LedgerStep {
  step: StepName;
  /** Who took it, as the event names it: for a decision, every signer whose signature counted (the first is its CaseTransition's actor). */
  actors: string[];
  /**
   * The roles the ledger accepts for the step, any one of them, over the case's jurisdiction, or
   * the allocation's for a step on funds (a payout and a reversal spend and credit the allocation's).
   */
  roles: readonly RoleName[];
  /**
   * A status change that is part of a decision or a revision: its actor is the decision's first
   * signer or the revision's caseworker, held to the role where CaseDecided or CaseRecordRevised is.
   */
  partOf?: "decision" | "revision";
}

/**
 * The roles the ledger accepts for each step, any one of them, over the case's jurisdiction (the
 * allocation's for a payout, a reversal or an allocation; the appropriation's own for an
 * appropriation, whose proposer and approver both need it): as the contracts check them, which
 * `test/step-roles.test.ts` holds this table to, step by step and role by role.
 */
export const STEP_ROLES: Record<StepName, readonly RoleName[]> = {
  application: ["CASEWORKER"],
  review: ["REVIEWER"],
  approval: ["APPROVER"],
  objection: ["CASEWORKER", "REVIEWER"],
  revision: ["CASEWORKER"],
  activation: ["CASEWORKER", "APPROVER"],
  suspension: ["APPROVER"],
  resumption: ["APPROVER"],
  exit: ["APPROVER"],
  transfer: ["APPROVER"],
  flag: ["AUDITOR"],
  payout: ["FINANCE_OFFICER"],
  settlement: ["SETTLEMENT_AGENT"],
  reversal: ["FINANCE_OFFICER"],
  acknowledgement: ["CASEWORKER"],
  appropriation: ["FINANCE_OFFICER"],
  allocation: ["FINANCE_OFFICER"],
};

const step = (name: StepName, actor: unknown, partOf?: LedgerStep["partOf"]): LedgerStep => ({
  step: name,
  actors: [String(actor)],
  roles: STEP_ROLES[name],
  ...(partOf && { partOf }),
});

/**
 * The step an event records, with its actor and the roles it needed (STEP_ROLES); null for an
 * event that is no officer's step on a case or on funds (configuration by governance).
 * `previous` is the event logged just before it: a revision of a decided case logs
 * CaseRecordRevised and then its CaseTransition back to Submitted in the same transaction, which
 * tells it from an objection (InNotice to Submitted as well).
 */
export function stepOf(event: ChainEvent, previous?: ChainEvent): LedgerStep | null {
  const a = event.args;
  switch (event.name) {
    case "CaseSubmitted":
      return step("application", a.actor);
    case "CaseDecided": {
      const stage = Number(a.stage) === Stage.Review ? "review" : "approval";
      return { step: stage, actors: (a.signers as string[]).map(String), roles: STEP_ROLES[stage] };
    }
    case "CaseTransition":
      return transitionStep(event, previous);
    case "CaseRecordRevised":
      return step("revision", a.actor);
    case "CaseTransferred":
      return step("transfer", a.actor);
    case "CaseFlagged":
      return step("flag", a.auditor);
    case "PayoutMade":
      return step("payout", a.actor);
    case "PayoutSettled":
      return step("settlement", a.agent);
    case "PayoutReversed":
      return step("reversal", a.actor);
    case "PayoutAcknowledged":
      return step("acknowledgement", a.actor);
    case "AppropriationMade":
      // Two finance officers over its jurisdiction: the maker who proposed it and the checker who approved it.
      return { step: "appropriation", actors: [String(a.proposer), String(a.actor)], roles: STEP_ROLES.appropriation };
    case "AllocationMade":
      return step("allocation", a.actor);
    default:
      return null;
  }
}

function transitionStep(event: ChainEvent, previous?: ChainEvent): LedgerStep | null {
  const { actor } = event.args;
  const from = Number(event.args.from);
  const to = Number(event.args.to);
  const revised =
    previous?.name === "CaseRecordRevised" && previous.transactionHash === event.transactionHash && previous.args.caseId === event.args.caseId;
  switch (to) {
    // Only a decision leads to Reviewed, InNotice or Rejected.
    case CaseStatus.Reviewed:
      return step("review", actor, "decision");
    case CaseStatus.InNotice:
      return step("approval", actor, "decision");
    case CaseStatus.Rejected:
      return step(from === CaseStatus.Submitted ? "review" : "approval", actor, "decision");
    case CaseStatus.Submitted:
      return revised ? step("revision", actor, "revision") : step("objection", actor);
    case CaseStatus.Active:
      return step(from === CaseStatus.Suspended ? "resumption" : "activation", actor);
    case CaseStatus.Suspended:
      return step("suspension", actor);
    case CaseStatus.Terminated:
      return step("exit", actor);
    default:
      return null;
  }
}

/** The steps of events in ledger order, each read with the event before it. */
export function ledgerSteps(events: readonly ChainEvent[]): (LedgerStep | null)[] {
  return events.map((e, i) => stepOf(e, events[i - 1]));
}
