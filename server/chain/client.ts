import { connect } from "./contracts.ts";
import { getAddress, NonceManager, Wallet, type SigningKey } from "ethers";
import type { AidAccess, AssistanceStandards, CaseRegistry, FundLedger, LogAnchor } from "../../types/ethers-contracts/index.js";
import { AidtrailError } from "../../kit/errors.ts";
import type { Deployment } from "./deploy.ts";
import { hexWord, word } from "./abi-word.ts";
import { applicationsData } from "./applications.ts";
import { multicallData, multicallResults } from "./multicall.ts";
import { signCallTransaction, type CallTransaction } from "./sign-transaction.ts";
import { coalesced } from "../util/coalesce.ts";
import { decodeRevert } from "./reverts.ts";
import { Reading } from "./reading.ts";
import { LedgerClock } from "./clock.ts";
import { NodeJsonRpcProvider } from "./rpc-provider.ts";

/**
 * Batches of role checks, and of dry runs, on their way to the node at once (see coalesced): two
 * keep the node busy while an answer travels back. bench:gateway went from 411 to 464 intakes a
 * second to 502 with 16 connections, and from 520 to 605 with 64; four made smaller batches and
 * more calls (415 with 64).
 */
const IN_FLIGHT = 2;

/** What the gateway reads of a mined transaction. */
export interface MinedReceipt {
  hash: string;
  blockNumber: number;
  /** 1 for success, 0 for a revert. */
  status: number;
  from: string;
}

/** What the chain client is connected with: the gateway's settings for its chain. */
export interface ChainSettings {
  rpcUrl: string;
  chainId: number;
  deployment: Deployment;
  operatorKey: string;
}

const settingInvalid = (field: keyof ChainSettings, message: string, cause?: unknown) => new AidtrailError("CHAIN_SETTING_INVALID", message, { field, kind: "invalid" }, cause);

/**
 * The gateway's connection to the chain: one provider, the operator account behind one nonce
 * manager (so concurrent requests never race for a nonce), and the contracts of the deployment.
 */
export class ChainClient {
  readonly chainId: bigint;
  readonly provider: NodeJsonRpcProvider;
  readonly operator: NonceManager;
  readonly access: AidAccess;
  readonly standards: AssistanceStandards;
  readonly cases: CaseRegistry;
  readonly funds: FundLedger;
  readonly anchor: LogAnchor;
  readonly operatorAddress: string;
  private readonly operatorKey: SigningKey;

  private constructor(
    chainId: bigint,
    provider: NodeJsonRpcProvider,
    operator: NonceManager,
    access: AidAccess,
    standards: AssistanceStandards,
    cases: CaseRegistry,
    funds: FundLedger,
    anchor: LogAnchor,
    operatorAddress: string,
    operatorKey: SigningKey,
  ) {
    this.chainId = chainId;
    this.provider = provider;
    this.operator = operator;
    this.access = access;
    this.standards = standards;
    this.cases = cases;
    this.funds = funds;
    this.anchor = anchor;
    this.operatorAddress = operatorAddress;
    this.operatorKey = operatorKey;
    this.#hasScopedRole = {
      to: (access.target as string).toLowerCase(),
      selector: access.interface.getFunction("hasScopedRole").selector,
      multicall: access.interface.getFunction("multicall").selector,
    };
    this.#submitApplications = cases.interface.getFunction("submitApplications").selector;
    this.#checkApplications = cases.interface.getFunction("checkApplications").selector;
  }

  /**
   * Connects and checks the endpoint serves the configured chain and the deployment's contracts are
   * there; a setting that does not hold is a CHAIN_SETTING_INVALID naming it (`field`).
   */
  static async connect(config: ChainSettings): Promise<ChainClient> {
    // ethers holds each call a while by default to batch it with others; every intake makes two
    // calls (role check, dry run) in sequence, so a shorter stall answers intake sooner and takes
    // more cases a second (docs/performance.md).
    // A mined transaction is looked for every quarter second, not ethers' four: on a chain that mines
    // a block a second or two, an anchoring otherwise waited up to four seconds more for its receipt.
    const provider = new NodeJsonRpcProvider(config.rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1, batchStallTime: 1, pollingInterval: 250 });
    let chainId: bigint;
    try {
      chainId = BigInt(await provider.send("eth_chainId", []));
    } catch (error) {
      provider.destroy();
      throw settingInvalid("rpcUrl", `cannot reach ${config.rpcUrl}: ${(error as Error).message}`, error);
    }
    if (chainId !== BigInt(config.chainId)) {
      provider.destroy();
      throw settingInvalid("chainId", `is ${config.chainId}, but ${config.rpcUrl} serves chain ${chainId}`);
    }
    const c = config.deployment.contracts;
    const missing: string[] = [];
    for (const [name, address] of Object.entries(c)) {
      if (address && (await provider.getCode(address)) === "0x") missing.push(`${name} (${address})`);
    }
    if (missing.length > 0) {
      provider.destroy();
      throw settingInvalid("deployment", `names contracts the chain does not have: ${missing.join(", ")}`);
    }
    const wallet = new Wallet(config.operatorKey, provider);
    const operator = new NonceManager(wallet);
    return new ChainClient(
      chainId,
      provider,
      operator,
      connect("AidAccess", c.aidAccess, operator),
      connect("AssistanceStandards", c.assistanceStandards, operator),
      connect("CaseRegistry", c.caseRegistry, operator),
      connect("FundLedger", c.fundLedger, operator),
      connect("LogAnchor", c.logAnchor, operator),
      wallet.address,
      wallet.signingKey,
    );
  }

  /**
   * Whether `account` holds `role` over `jurisdiction`, as AidAccess.hasScopedRole answers at the
   * latest block. Every officer's request asks, so the call is encoded and decoded here, as one
   * eth_call: through the contract binding ethers hashes the function's signature and checksums
   * the address on each call, three times the gateway's CPU for the same answer. Questions asked
   * while IN_FLIGHT batches are in flight go together as one call (see coalesced), the same
   * question once.
   */
  async hasScopedRole(role: string, account: string, jurisdiction: bigint): Promise<boolean> {
    if (!/^0x[0-9a-fA-F]{64}$/.test(role) || !/^0x[0-9a-fA-F]{40}$/.test(account) || jurisdiction < 0n || jurisdiction >= 2n ** 64n) {
      throw new TypeError(`hasScopedRole(${role}, ${account}, ${jurisdiction}): not a role id, an address and a jurisdiction code`);
    }
    return this.#roleCheck(this.#hasScopedRole.selector + hexWord(role.slice(2)) + hexWord(account.slice(2)) + word(jurisdiction));
  }

  readonly #roleCheck = coalesced(async (calls: string[]) => {
    const distinct = [...new Set(calls)];
    // Several officers' questions go as one AidAccess.multicall: a provincial gateway's intakes
    // come from many township offices, and a call each would be a call an intake.
    const data = distinct.length === 1 ? distinct[0]! : multicallData(this.#hasScopedRole.multicall, distinct);
    const answer: string = await this.provider.send("eth_call", [{ to: this.#hasScopedRole.to, data }, "latest"]);
    const answers = distinct.length === 1 ? [answer] : multicallResults(answer);
    const byCall = new Map(distinct.map((data, i) => [data, BigInt(answers[i]!) === 1n]));
    return calls.map((data) => ({ status: "fulfilled", value: byCall.get(data)! }) as const);
  }, IN_FLIGHT);

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
   * costs the node less than running the submission itself. Intakes' dry runs made while IN_FLIGHT batches are in flight go together as one call (see coalesced);
   * when the ledger refuses the batch, each is asked again alone, so only the refused one fails,
   * with its own reason. Rejects with the node's error: a revert, or the node not answering.
   */
  dryRunApplication(args: readonly unknown[]): Promise<void> {
    return this.#applicationDryRun(args);
  }

  readonly #applicationDryRun = coalesced(async (applications: (readonly unknown[])[]) => {
    const run = async (batch: (readonly unknown[])[]) => {
      await this.provider.send("eth_call", [{ from: this.operatorAddress, to: this.cases.target, data: applicationsData(this.#checkApplications, batch) }, "latest"]);
    };
    try {
      await run(applications);
      return applications.map(() => ({ status: "fulfilled", value: undefined }) as const);
    } catch (error) {
      if (applications.length === 1 || !decodeRevert(error)) throw error;
    }
    return Promise.allSettled(applications.map((application) => run([application])));
  }, IN_FLIGHT);

  readonly #submitApplications: string;
  readonly #checkApplications: string;

  /** AidAccess's address and the selectors of hasScopedRole and multicall, found once. */
  readonly #hasScopedRole: { to: string; selector: string; multicall: string };

  /** The fee fields of the operator's transactions (see signAsOperator). */
  readonly #fees = new Reading(async (): Promise<CallTransaction["fees"]> => {
    const fee = await this.provider.getFeeData();
    return fee.maxFeePerGas !== null ? { type: 2, maxFeePerGas: fee.maxFeePerGas, maxPriorityFeePerGas: fee.maxPriorityFeePerGas ?? 0n } : { type: 0, gasPrice: fee.gasPrice ?? 0n };
  }, 1000);

  readonly #blockGasLimit = new Reading(async () => (await this.provider.getBlock("latest"))!.gasLimit, 1000);

  /** The latest block's gas limit, read up to a second ago: the most gas a transaction can be given and still be mined. */
  blockGasLimit(): Promise<bigint> {
    return this.#blockGasLimit.get();
  }

  /**
   * Signs a call from the operator account with its next nonce, without sending it (see
   * broadcast); a call the ledger would refuse throws from the gas estimate, with its reason. The
   * relayer sends every ledger step this way, so this does less than a contract's send: fees are
   * read once a second rather than with three calls per transaction, and the transaction is signed
   * by hand (see sign-transaction.ts). A caller that knows a bound on the gas the call takes may
   * give it and spare the node the estimate, which runs the whole call once more; a call that runs
   * out of it is mined as reverted.
   */
  async signAsOperator(call: { to: string; data: string }, gasBound?: bigint): Promise<{ hash: string; raw: string }> {
    const from = this.operatorAddress;
    // Fees that rose since they were read get the send refused (see broadcast), and the next
    // transaction waits for fresh ones.
    const fees = await this.#fees.get();
    const gasLimit = gasBound ?? (await this.provider.estimateGas({ ...call, from }));
    // Taken and counted in one step: a send elsewhere (the anchorer's) between them would get the same nonce.
    const nonce = this.operator.getNonce("pending");
    this.operator.increment();
    return signCallTransaction(this.operatorKey, { ...call, fees, nonce: await nonce, gasLimit, chainId: this.chainId });
  }

  /**
   * Sends a call from the operator account and resolves with its receipt once mined, for a call
   * no other transaction in flight bears on (the anchorer's: only it anchors its log, one
   * anchoring at a time). Its gas is estimated against the latest block, where ethers' send asks
   * about the pending one twice (the estimate, the nonce): the simulator answers that by running
   * every transaction waiting to be mined, which under intake costs it more CPU the longer its
   * queue (docs/performance.md). A call the ledger would refuse throws from the estimate, with its
   * reason.
   */
  async transactAsOperator(call: { to: string; data: string }): Promise<MinedReceipt> {
    const gas = BigInt(await this.provider.send("eth_estimateGas", [{ from: this.operatorAddress, ...call }, "latest"]));
    const { hash, raw } = await this.signAsOperator(call, gas);
    try {
      await this.broadcast(raw);
    } catch (error) {
      // The nonce did not reach the chain: the next transaction asks the chain for it.
      this.operator.reset();
      throw error;
    }
    return this.receiptOf(hash);
  }

  /**
   * Sends a signed transaction as it is (ethers' broadcast recovers its signer from the signature
   * and asks for the block number again); ethers names the node's refusals (NONCE_EXPIRED for a
   * nonce already used).
   */
  async broadcast(raw: string): Promise<void> {
    try {
      await this.provider.send("eth_sendRawTransaction", [raw]);
    } catch (error) {
      // Fees may have risen since they were read.
      this.#fees.forget();
      throw error;
    }
  }

  /**
   * The receipt of a sent transaction once it is mined, asked for at growing intervals up to a
   * quarter second. Rejects when there is none after `patienceMs`: a transaction the chain dropped would
   * otherwise hold the relayer for ever, where its next run sends it again.
   *
   * `after` is the wait for a transaction from the same account with a lower nonce: a chain mines an
   * account's transactions in nonce order, so until that one is mined this one cannot be, and is
   * not asked for. With twenty transactions in flight, as the relayer then had, it asked the chain
   * eighty times a second for receipts it could not have (613 receipt requests in an intake run of
   * 10 s, then 126 to 157).
   */
  async receiptOf(hash: string, { after, patienceMs = 120_000 }: { after?: Promise<unknown>; patienceMs?: number } = {}): Promise<MinedReceipt> {
    const deadline = Date.now() + patienceMs;
    let waiting = after !== undefined;
    const ahead = after?.then(
      () => void (waiting = false),
      () => void (waiting = false),
    );
    for (let wait = 20; ; wait = Math.min(wait * 2, 250)) {
      const receipt = waiting ? null : await this.receipt(hash);
      if (receipt) return receipt;
      if (Date.now() >= deadline) throw new Error(`transaction ${hash} was not mined within ${patienceMs / 1000} s`);
      const pause = new Promise((resolve) => setTimeout(resolve, wait));
      await (waiting ? Promise.race([pause, ahead]) : pause);
    }
  }

  /**
   * The receipt of a transaction, null until it is mined. Read raw: ethers' receipt formats every
   * log, and on a chain before London (Besu's QBFT genesis, and so the simulator) also asks for the
   * transaction, whose receipt there has no effective gas price: two calls where one will do.
   */
  async receipt(hash: string): Promise<MinedReceipt | null> {
    const raw = (await this.provider.send("eth_getTransactionReceipt", [hash])) as { transactionHash: string; blockNumber: string; status: string; from: string } | null;
    return raw && { hash: raw.transactionHash, blockNumber: Number(raw.blockNumber), status: Number(raw.status), from: getAddress(raw.from) };
  }

  /** The time records are stamped with: the wall clock, or the ledger's when it runs ahead (see LedgerClock). */
  readonly clock = new LedgerClock();

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
