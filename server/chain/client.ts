import { connect } from "./contracts.ts";
import type { AidAccess, AssistanceStandards, CaseRegistry, FundLedger, LogAnchor } from "../../types/ethers-contracts/index.js";
import { applicationsData } from "./applications.ts";
import { coalesced } from "../util/coalesce.ts";
import { decodeRevert } from "./reverts.ts";
import { LedgerClock } from "./clock.ts";
import { openConnection, type ChainSettings } from "./connection.ts";
import { Operator } from "./operator.ts";
import { Transactions } from "./transactions.ts";
import { IN_FLIGHT, RoleCheck } from "./role-check.ts";
import type { NodeJsonRpcProvider } from "./rpc-provider.ts";

export type { ChainSettings } from "./connection.ts";
export type { MinedReceipt } from "./transactions.ts";

/**
 * The gateway's access to the chain: one connection, the contracts of the deployment, the
 * operator account (operator.ts), role questions (role-check.ts), sent transactions (transactions.ts), the
 * ledger's clock, and the case registry's calls the relayer sends.
 */
export class ChainClient {
  readonly chainId: bigint;
  readonly provider: NodeJsonRpcProvider;
  readonly operator: Operator;
  readonly transactions: Transactions;
  readonly roles: RoleCheck;
  readonly access: AidAccess;
  readonly standards: AssistanceStandards;
  readonly cases: CaseRegistry;
  readonly funds: FundLedger;
  readonly anchor: LogAnchor;
  /** The time records are stamped with: the wall clock, or the ledger's when it runs ahead (see LedgerClock). */
  readonly clock: LedgerClock;
  readonly #submitApplications: string;
  readonly #checkApplications: string;

  private constructor(settings: ChainSettings, provider: NodeJsonRpcProvider, chainId: bigint) {
    this.chainId = chainId;
    this.provider = provider;
    this.clock = new LedgerClock(settings.followsLedgerClock);
    this.transactions = new Transactions(provider);
    this.operator = new Operator(settings.operatorKey, provider, chainId, this.transactions);
    const c = settings.deployment.contracts;
    this.access = connect("AidAccess", c.aidAccess, this.operator.signer);
    this.standards = connect("AssistanceStandards", c.assistanceStandards, this.operator.signer);
    this.cases = connect("CaseRegistry", c.caseRegistry, this.operator.signer);
    this.funds = connect("FundLedger", c.fundLedger, this.operator.signer);
    this.anchor = connect("LogAnchor", c.logAnchor, this.operator.signer);
    this.roles = new RoleCheck(provider, this.access);
    this.#submitApplications = this.cases.interface.getFunction("submitApplications").selector;
    this.#checkApplications = this.cases.interface.getFunction("checkApplications").selector;
  }

  /**
   * Connects and checks the endpoint serves the configured chain and the deployment's contracts are
   * there; a setting that does not hold is a CHAIN_SETTING_INVALID naming it (`field`).
   */
  static async connect(settings: ChainSettings): Promise<ChainClient> {
    const { provider, chainId } = await openConnection(settings);
    return new ChainClient(settings, provider, chainId);
  }

  /** CaseRegistry.decide of a decision and its signatures, as the outbox keeps them ([decision, signatures], integers as decimal strings). */
  decisionCall(args: readonly unknown[]): { to: string; data: string } {
    return { to: this.cases.target as string, data: this.cases.interface.encodeFunctionData("decide", args as [never, never]) };
  }

  /** submitApplications: the call's transaction fields for these applications (in the outbox's submitApplication arguments). */
  applicationsCall(applications: readonly (readonly unknown[])[]): { to: string; data: string } {
    return { to: this.cases.target as string, data: applicationsData(this.#submitApplications, applications) };
  }

  /**
   * Asks the ledger whether it would take an application the relayer will send, without sending
   * it: CaseRegistry.checkApplications, which reads what submitApplications would write and so
   * costs the node less than running the submission itself. Intakes' dry runs made while
   * IN_FLIGHT batches are in flight go together as one call (see coalesced); when the ledger
   * refuses the batch, each is asked again alone, so only the refused one fails, with its own
   * reason. Rejects with the node's error: a revert, or the node not answering.
   */
  dryRunApplication(args: readonly unknown[]): Promise<void> {
    return this.#applicationDryRun(args);
  }

  readonly #applicationDryRun = coalesced(async (applications: (readonly unknown[])[]) => {
    const run = async (batch: (readonly unknown[])[]) => {
      await this.provider.send("eth_call", [{ from: this.operator.address, to: this.cases.target, data: applicationsData(this.#checkApplications, batch) }, "latest"]);
    };
    try {
      await run(applications);
      return applications.map(() => ({ status: "fulfilled", value: undefined }) as const);
    } catch (error) {
      if (applications.length === 1 || !decodeRevert(error)) throw error;
    }
    return Promise.allSettled(applications.map((application) => run([application])));
  }, IN_FLIGHT);

  /** The time of the latest block, in seconds: the clock deadlines and effective dates are judged by. */
  async now(): Promise<number> {
    return (await this.head()).timestamp;
  }

  /**
   * Whether a time a client sent back (a draft's) lies within the last `ms` (see LedgerClock.within),
   * the ledger's clock read again before a time is called one from the future: the gateway may not
   * have seen a demo chain's clock moved on yet.
   */
  async within(iso: string, ms: number): Promise<boolean> {
    if (this.clock.within(iso, ms)) return true;
    await this.head().catch(() => undefined);
    return this.clock.within(iso, ms);
  }

  /** The latest block's number and time (in seconds), of which the clock takes note. */
  async head(): Promise<{ number: number; timestamp: number }> {
    const block = (await this.provider.send("eth_getBlockByNumber", ["latest", false])) as { number: string; timestamp: string };
    const head = { number: Number(block.number), timestamp: Number(block.timestamp) };
    this.clock.observe(head.timestamp);
    return head;
  }

  /** "ok" when the chain answers, otherwise why not. */
  async readiness(): Promise<string> {
    try {
      await this.provider.getBlockNumber();
      return "ok";
    } catch (error) {
      return `unreachable: ${(error as Error).message.split("\n")[0]}`;
    }
  }

  close(): void {
    this.provider.destroy();
  }
}
