/**
 * A background job of the gateway (anchoring, relaying, indexing): one run at a time, a call made
 * during a run sharing that run's result, and a timer that starts runs until it is stopped.
 * Stopping waits for the run in progress.
 */
export class BackgroundJob<T> {
  #running: Promise<T> | null = null;
  #timer: NodeJS.Timeout | null = null;

  private readonly job: () => Promise<T>;
  private readonly onFailure: (error: unknown) => void;

  /** `onFailure` hears of a failed run the timer started; a caller of `run` gets the failure itself. */
  constructor(
    job: () => Promise<T>,
    onFailure: (error: unknown) => void = () => undefined,
  ) {
    this.job = job;
    this.onFailure = onFailure;
  }

  run(): Promise<T> {
    this.#running ??= this.job().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Starts a run now, its failure told to `onFailure`. */
  kick(): void {
    this.run().catch(this.onFailure);
  }

  start(intervalMs: number): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.kick(), intervalMs);
    this.#timer.unref();
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running?.catch(() => undefined);
  }
}
