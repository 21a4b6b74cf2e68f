import { BackgroundJob } from "../util/background-job.ts";
import { toQuantity } from "ethers";
import type { Logger } from "pino";
import { inWindows } from "../chain/events.ts";
import type { ChainClient } from "../chain/client.ts";
import { eventDecoder, type LogWords } from "../chain/event-decoder.ts";
import type { StateStore } from "../state/state-store.ts";
import { CaseStatus } from "../chain/domain.ts";
import { KEYS } from "../state/keys.ts";

/** A ledger event as the indexer keeps it: its arguments by name, JSON-safe (integers as decimal strings). */
export interface LedgerEvent {
  name: string;
  args: Record<string, unknown>;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
  /** The block's time, seconds since 1970. */
  timestamp: number;
}

/** An event of the contracts followed: its name, and how its arguments are decoded. */
interface KnownEvent {
  name: string;
  decode: (log: LogWords) => Record<string, unknown>;
}

/** A log as eth_getLogs gives it: numbers in hex. */
interface RawLog {
  address: string;
  topics: string[];
  data: string;
  blockNumber: string;
  logIndex: string;
  transactionHash: string;
}

/** A case in public notice, as the index keeps it for the public notices page: nothing personal. */
export interface NoticeEntry {
  caseId: string;
  /** When the notice ends, seconds since 1970, as the ledger set it at approval. */
  noticeEnd: number;
  approvedAmount: string;
  householdSize: number;
}

/** A case's status now, as its last change on the ledger set it: what officers' worklists are made from. */
export interface CaseStatusEntry {
  caseId: string;
  status: CaseStatus;
  /** When it came to this status, seconds since 1970 (the block's time). */
  since: number;
  /** Where on the ledger: the block and the log's index in it, which order changes made within one second. */
  blockNumber: number;
  logIndex: number;
}

/** What the index holds: a data folder indexed by an earlier version is indexed again from the deployment block. */
const INDEX_VERSION = 3;
const KEY = KEYS.index;

/**
 * Follows the case registry's and the fund ledger's events from the deployment block, and keeps
 * them in the gateway's LevelDB by case and by allocation, so trails, flows and the citizen's
 * payments are read from disk instead of scanning the chain on every request. Each window of
 * blocks is written in one synced batch together with the block it reaches: a restart resumes
 * after it, a window written twice writes the same keys, so there are neither gaps nor duplicates.
 */
export class Indexer {
  readonly #job = new BackgroundJob(() => this.#run());
  #versionChecked = false;
  /** Each contract's events by topic, by the contract's address, found once: ethers' own lookup hashes every event's signature for every log. */
  readonly #events: Map<string, Map<string, KnownEvent>>;

  private readonly state: StateStore;
  private readonly chain: ChainClient;
  private readonly fromBlock: number;
  private readonly logger: Logger;

  constructor(
    state: StateStore,
    chain: ChainClient,
    fromBlock: number,
    logger: Logger,
  ) {
    this.state = state;

    this.chain = chain;

    this.fromBlock = fromBlock;

    this.logger = logger;
    this.#events = new Map(
      [chain.cases, chain.funds].map((contract) => {
        const byTopic = new Map<string, KnownEvent>();
        contract.interface.forEachEvent((fragment) => byTopic.set(fragment.topicHash, { name: fragment.name, decode: eventDecoder(contract.interface, fragment) }));
        return [(contract.target as string).toLowerCase(), byTopic];
      }),
    );
  }

  /** Indexes every block up to the chain's head; concurrent calls share one run. Returns the block indexed to. */
  catchUp(): Promise<number> {
    return this.#job.run();
  }

  async #run(): Promise<number> {
    const { provider } = this.chain;
    // The head's time too, so that the gateway's clock learns of a ledger clock moved on (see LedgerClock).
    const head = (await this.chain.head()).number;
    // Once a process: an index of an earlier layout is indexed again from the deployment block.
    if (!this.#versionChecked) {
      if ((await this.state.get<number>(KEY.version)) !== INDEX_VERSION) await this.state.write({ [KEY.version]: INDEX_VERSION }, [KEY.block]);
      this.#versionChecked = true;
    }
    const done = (await this.state.get<number>(KEY.block)) ?? this.fromBlock - 1;
    if (done >= head) return done;
    // Window by window, each written with the block it reaches before the next is asked for. Logs
    // and block times are read as the node gives them: ethers' Log and Block objects checksum
    // every address and copy every field, which the index has no use for.
    await inWindows(async (from, to) => {
      const logs = (await provider.send("eth_getLogs", [{ address: [...this.#events.keys()], fromBlock: toQuantity(from), toBlock: toQuantity(to) }])) as RawLog[];
      const blocks = [...new Set(logs.map((l) => l.blockNumber))];
      const times = new Map(await Promise.all(blocks.map(async (n) => [n, Number(((await provider.send("eth_getBlockByNumber", [n, false])) as { timestamp: string }).timestamp)] as const)));
      const entries: Record<string, LedgerEvent | NoticeEntry | CaseStatusEntry> = {};
      // Each case's last change of status in the window: into public notice, or out of it.
      const noticeChanges = new Map<string, boolean>();
      for (const log of logs) {
        const known = this.#events.get(log.address.toLowerCase())?.get(log.topics[0] ?? "");
        if (!known) continue;
        const args = known.decode(log);
        const name = known.name;
        const event: LedgerEvent = { name, args, blockNumber: Number(log.blockNumber), logIndex: Number(log.logIndex), transactionHash: log.transactionHash, timestamp: times.get(log.blockNumber)! };
        if (typeof args.caseId === "string") entries[KEY.byCase(args.caseId, event.blockNumber, event.logIndex)] = event;
        // A case's first status is its CaseSubmitted's, which no CaseTransition repeats.
        const at = { since: event.timestamp, blockNumber: event.blockNumber, logIndex: event.logIndex };
        if (name === "CaseSubmitted") entries[KEY.status(args.caseId as string)] = { caseId: args.caseId as string, status: CaseStatus.Submitted, ...at } satisfies CaseStatusEntry;
        if (name === "CaseTransition") {
          entries[KEY.status(args.caseId as string)] = { caseId: args.caseId as string, status: Number(args.to) as CaseStatus, ...at } satisfies CaseStatusEntry;
          if (Number(args.to) === CaseStatus.InNotice || Number(args.from) === CaseStatus.InNotice) noticeChanges.set(args.caseId as string, Number(args.to) === CaseStatus.InNotice);
        }
        // An allocation's own events (its creation, which names its officer, among them), its
        // children's creation (under the parent too), and the payouts and reversals drawn on it.
        if (typeof args.allocationId === "string") entries[KEY.byAllocation(args.allocationId, event.blockNumber, event.logIndex)] = event;
        if (name === "AllocationMade" && typeof args.parent === "string") entries[KEY.byAllocation(args.parent, event.blockNumber, event.logIndex)] = event;
        // An appropriation's proposal, its withdrawal or its making, under the proposal.
        if (typeof args.proposalId === "string") entries[KEY.byProposal(args.proposalId, event.blockNumber, event.logIndex)] = event;
      }
      // A case entering notice is read from the ledger once, here, so that the public notices are
      // served from the index: its notice end, amount and household as approval set them.
      const entering = [...noticeChanges].filter(([, into]) => into).map(([caseId]) => caseId);
      const read = await Promise.all(entering.map((caseId) => this.chain.cases.getCase(caseId)));
      entering.forEach((caseId, i) => {
        const [terms, , householdSize, , noticeEnd] = read[i]!;
        entries[KEY.notice(caseId)] = { caseId, noticeEnd: Number(noticeEnd), approvedAmount: terms.approvedAmount.toString(), householdSize: Number(householdSize) } satisfies NoticeEntry;
      });
      const leaving = [...noticeChanges].filter(([, into]) => !into).map(([caseId]) => KEY.notice(caseId));
      await this.state.write({ ...entries, [KEY.block]: to }, leaving);
      return [];
    }, head, { from: done + 1, concurrency: 1 }).catch((error: unknown) => {
      this.logger.warn({ message: (error as Error).message.split("\n")[0] }, "indexing stopped; the next run resumes where it did");
      throw error;
    });
    return head;
  }

  /** The last block whose events are all indexed; the block before the deployment's before the first run. */
  async indexedTo(): Promise<number> {
    return (await this.state.get<number>(KEY.block)) ?? this.fromBlock - 1;
  }

  /** The events about a case, in ledger order. */
  async caseEvents(caseId: string): Promise<LedgerEvent[]> {
    return (await this.state.list<LedgerEvent>(KEY.byCase(caseId))).map(([, e]) => e);
  }

  /** The events of an allocation: its creation, its children's creation, the payouts and reversals drawn on it, in ledger order. Each names its actor. */
  async allocationEvents(allocationId: string): Promise<LedgerEvent[]> {
    return (await this.state.list<LedgerEvent>(KEY.byAllocation(allocationId))).map(([, e]) => e);
  }

  /** The events of every appropriation proposal (proposed, withdrawn, made), by proposal and then in ledger order. */
  async proposalEvents(): Promise<LedgerEvent[]> {
    return (await this.state.list<LedgerEvent>(KEY.proposals)).map(([, e]) => e);
  }

  /** The cases in public notice as of the block indexed to, by case id. */
  async notices(): Promise<NoticeEntry[]> {
    return (await this.state.list<NoticeEntry>(KEY.notices)).map(([, n]) => n);
  }

  /** Every case's status as of the block indexed to, by case id. */
  async statuses(): Promise<CaseStatusEntry[]> {
    return (await this.state.list<CaseStatusEntry>(KEY.statuses)).map(([, n]) => n);
  }

  start(intervalMs: number): void {
    this.#job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#job.stop();
  }
}
