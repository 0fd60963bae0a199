import type { Logger } from '../platform/logger.ts';

/** Told, after the intake committed a batch, which workspace got how many new messages. */
export type IntakeListener = (workspaceId: string, stored: number) => void;

/**
 * The intake's after-commit hook: a later capability (journeys) subscribes to start its work at
 * once instead of at its next tick, without tracking knowing it exists (dependencies point one
 * way). In process only and a hint, not a delivery: what was committed stays in PostgreSQL for
 * the subscriber's own tail to read, so a listener that is slow, fails or runs in another process
 * loses nothing. Listeners are called synchronously and must only schedule work.
 */
export class IntakeListeners {
  readonly #listeners = new Set<IntakeListener>();

  constructor(private readonly log?: Logger) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: IntakeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  notify(workspaceId: string, stored: number): void {
    if (stored === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(workspaceId, stored);
      } catch (e) {
        // The batch is committed and answered for; a listener's bug must not turn it into an error.
        this.log?.error({ err: e, workspaceId }, 'intake listener failed');
      }
    }
  }
}
