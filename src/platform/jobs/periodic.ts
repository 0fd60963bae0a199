import type { Logger } from '../logger.ts';

export interface PeriodicJobOptions {
  /** Names the job in the log line of a failed pass. */
  name: string;
  log: Logger;
  /** How often a pass starts without a kick; 0: only when kicked (tests, API-only processes). */
  everyMs: number;
  /** One pass. Resolving to `true`: there is more to do now (a full batch), so another pass follows at once. */
  pass: () => Promise<unknown>;
}

/**
 * The loop every background worker shares: a pass on a timer and on `kick()`, never two at once
 * in a process. Kicks that arrive while a pass runs coalesce into one more pass after it, so a
 * burst of work is never left waiting for the next tick. A failed pass is logged, not fatal: the
 * state lives in PostgreSQL and the next pass picks it up. `close()` stops the timer and waits
 * for the pass under way.
 */
export class PeriodicJob {
  readonly #o: PeriodicJobOptions;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;

  constructor(options: PeriodicJobOptions) {
    this.#o = options;
  }

  /** Passes check this between units of work and stop early once the job is closing. */
  get closed(): boolean {
    return this.#closed;
  }

  start(): void {
    if (this.#o.everyMs > 0) this.#timer = setInterval(() => this.kick(), this.#o.everyMs);
    this.kick();
  }

  /** Runs a pass now, or right after the one under way. */
  kick(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#o
      .pass()
      .then((more) => {
        if (more === true) this.#again = true;
      })
      .catch((e: unknown) => this.#o.log.error({ err: e }, `${this.#o.name} pass failed`))
      .finally(() => {
        this.#running = undefined;
        if (this.#again && !this.#closed) {
          this.#again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no pass is running (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.idle();
  }
}
