import { randomUUID } from 'node:crypto';
import type { Db } from '../../database.ts';
import { PeriodicJob } from '../../platform/jobs/periodic.ts';
import type { Logger } from '../../platform/logger.ts';
import { sweepHeld } from './control.ts';
import { runDueNewsletter, type FeedFetcher } from './newsletters.ts';
import { claimEnqueue, enqueueBatch, finishSent, snapshotAudience } from './sender.ts';

export interface BroadcastSchedulerOptions {
  db: Db;
  log: Logger;
  /** Called after each enqueued batch, so the delivery worker starts on it at once. */
  kickDelivery: () => void;
  now?: () => Date;
  owner?: string;
  /** How often to look for work when not kicked; 0: only when kicked or ticked (tests). */
  pollMs?: number;
  batchSize?: number;
  /** How long an enqueuing process may go without a batch before another takes over. */
  leaseMs?: number;
  fetcher?: FeedFetcher;
}

/**
 * The broadcasts' background work, safe to run in any number of processes (all coordination is
 * in PostgreSQL): start due broadcasts and enqueue their audiences batch by batch, take over
 * enqueuing whose process died (lease expired), hold stragglers of paused/cancelled broadcasts,
 * mark finished broadcasts sent, and run due RSS newsletters.
 */
export class BroadcastScheduler {
  readonly owner: string;
  readonly #o: Required<Omit<BroadcastSchedulerOptions, 'fetcher' | 'owner'>> & Pick<BroadcastSchedulerOptions, 'fetcher'>;
  readonly #job: PeriodicJob;

  constructor(options: BroadcastSchedulerOptions) {
    this.owner = options.owner ?? `broadcasts-${randomUUID()}`;
    this.#o = { now: () => new Date(), pollMs: 1000, batchSize: 1000, leaseMs: 60_000, ...options };
    this.#job = new PeriodicJob({ name: 'broadcast scheduler', log: this.#o.log, everyMs: this.#o.pollMs, pass: () => this.tick() });
  }

  start(): void {
    this.#job.start();
  }

  /** Runs a tick now (coalescing calls made while one runs). */
  kick(): void {
    this.#job.kick();
  }

  /** Resolves when no pass is running (tests and shutdown). */
  idle(): Promise<void> {
    return this.#job.idle();
  }

  close(): Promise<void> {
    return this.#job.close();
  }


  /** Everything due now, until nothing is left (a broadcast is enqueued to the end). */
  async tick(): Promise<void> {
    const { db } = this.#o;
    await sweepHeld(db, this.#o.now());
    while (!this.#job.closed && (await runDueNewsletter(db, this.#o.now(), this.#o.fetcher))) {
      // each due newsletter in turn
    }
    for (let b = await claimEnqueue(db, this.owner, this.#o.now(), this.#o.leaseMs); b && !this.#job.closed; b = await claimEnqueue(db, this.owner, this.#o.now(), this.#o.leaseMs)) {
      await this.enqueue(b.id);
    }
    await finishSent(db, this.#o.now());
  }

  /** Snapshot and enqueue one claimed broadcast, batch by batch, while this process holds it. */
  async enqueue(broadcastId: string): Promise<void> {
    const { db } = this.#o;
    if (!(await snapshotAudience(db, broadcastId, this.owner, this.#o.now()))) return;
    while (!this.#job.closed) {
      const r = await enqueueBatch(db, broadcastId, this.owner, { now: this.#o.now(), leaseMs: this.#o.leaseMs, batchSize: this.#o.batchSize });
      if (r.state !== 'enqueued') return;
      this.#o.kickDelivery();
    }
  }
}
