import type { Logger } from "pino";
import { BackgroundJob } from "../util/background-job.ts";
import type { AuditFinding } from "../log/audit.ts";
import type { RecordLog } from "../log/record-log.ts";
import type { StateStore } from "../state/state-store.ts";
import { KEYS } from "../state/keys.ts";

/** The size of the log its last clean audit reached, kept in the gateway's state. */
const AUDITED = KEYS.logAudited;

/**
 * The gateway's audit of its own record log, as an auditor would make it (RecordLog.audit): at
 * start, of the records appended since the last clean audit, before the gateway serves; then of the
 * whole log in the background, at once and every `intervalMs`, which finds a record edited in
 * place long after it was audited. A record altered, unreadable or missing makes the gateway not
 * ready, named in `/readyz` (and so in `aidtrail status`) and in the gateway's log, until an audit
 * finds the log whole again.
 */
export class LogAuditor {
  #findings: AuditFinding[] = [];
  /** Why the last audit could not be made at all (a read that failed), if it could not. */
  #failed: string | null = null;
  readonly #job = new BackgroundJob(
    () => this.#audit(0),
    (error) => this.logger.error({ message: (error as Error).message }, "the log audit could not run"),
  );

  private readonly log: RecordLog;

  private readonly state: StateStore;

  private readonly logger: Logger;

  constructor(
    log: RecordLog,
    state: StateStore,
    logger: Logger,
  ) {
    this.log = log;

    this.state = state;

    this.logger = logger;
  }

  /** Audits what was appended since the last clean audit. */
  async atStart(): Promise<void> {
    await this.#audit((await this.state.get<number>(AUDITED)) ?? 0);
  }

  /** The whole log now and every `intervalMs`, in the background. */
  start(intervalMs: number): void {
    this.#job.kick();
    this.#job.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#job.stop();
  }

  /** What `/readyz` says of the log's audit: "ok", or the first finding and how many there are. */
  readiness(): string {
    if (this.#failed) return `audit failed: ${this.#failed}`;
    const [first] = this.#findings;
    if (!first) return "ok";
    return `${first.code}: ${first.message}${this.#findings.length > 1 ? ` (and ${this.#findings.length - 1} more findings)` : ""}; restore the data folder from a backup`;
  }

  async #audit(from: number): Promise<void> {
    const size = this.log.size;
    let findings: AuditFinding[];
    try {
      findings = await this.log.audit(from);
      this.#failed = null;
    } catch (error) {
      this.#failed = (error as Error).message.split("\n")[0]!;
      this.logger.error({ message: this.#failed }, "the record log could not be audited");
      return;
    }
    // A partial audit adds what it finds; only a whole one can find the log whole again.
    this.#findings = from === 0 ? findings : [...this.#findings, ...findings];
    for (const f of findings) this.logger.error({ code: f.code, recordIds: f.recordIds, leafIndexes: f.leafIndexes }, f.message);
    if (this.#findings.length === 0) await this.state.put({ [AUDITED]: size });
  }
}
