import { randomUUID } from 'node:crypto';
import type { Db } from '../../database.ts';
import { PeriodicJob } from '../../platform/jobs/periodic.ts';
import type { Logger } from '../../platform/logger.ts';
import type { SegmentService } from '../../segments/service.ts';
import { advanceDue, VersionCache } from './advance.ts';
import { PassCache } from './context.ts';
import { sweepHeldJourneys } from './control.ts';
import { scanDerived } from './derived/scan.ts';
import { enterJourney, type EntryOutcome, maxActivePerCustomer } from './enter.ts';
import { tailWorkspace } from './tail.ts';
import type { TriggerRegistry } from './triggers.ts';
import { defaultWebhookFetch, deliverWebhooks, type WebhookFetch } from './webhooks.ts';

export interface JourneyEngineOptions {
  db: Db;
  log: Logger;
  triggers: TriggerRegistry;
  segments?: SegmentService | undefined;
  defaultCountry: string;
  /** Called after a pass enqueued messages, so the delivery worker sends them at once. */
  kickDelivery?: () => void;
  /** The clock (tests inject one): wake times, due runs and webhook retries follow it. */
  now?: () => Date;
  /** How often a pass runs when not kicked; 0: only when kicked or ticked (tests). */
  tickMs?: number;
  /**
   * Runs claimed and advanced per transaction. Default 500: with the chunk's writes gathered
   * (./writes.ts), bench/journeys phase A took 16 s at 500 against 28 s at 100.
   */
  chunk?: number;
  fetch?: WebhookFetch;
  /**
   * A journey of a derived trigger (date, inactivity, abandonment, product, VIP) is scanned at
   * most this often, on the engine's clock (engine/derived/scan.ts). Default 60 s.
   */
  scanEveryMs?: number;
}

/** Held-back messages of paused/archived journeys are swept at most this often. */
const SWEEP_MS = 5000;

/**
 * The journey engine: the event and segment-history tails (entries, waits resolved by events,
 * goals), the advancing of due runs, and webhook delivery. Safe in any number of processes:
 * every claim is `FOR UPDATE SKIP LOCKED` in PostgreSQL and nothing lives only in memory.
 */
export class JourneyEngine {
  readonly id = `journeys-${randomUUID()}`;
  readonly versions = new VersionCache();
  readonly #o: Required<Omit<JourneyEngineOptions, 'segments' | 'kickDelivery'>> & Pick<JourneyEngineOptions, 'segments' | 'kickDelivery'>;
  readonly #job: PeriodicJob;
  #lastSweep = 0;

  constructor(options: JourneyEngineOptions) {
    this.#o = { now: () => new Date(), tickMs: 200, chunk: 500, fetch: defaultWebhookFetch, scanEveryMs: 60_000, ...options };
    this.#job = new PeriodicJob({ name: 'journey', log: this.#o.log, everyMs: this.#o.tickMs, pass: () => this.tick() });
  }

  start(): void {
    this.#job.start();
  }

  /** Runs a pass now (coalescing calls made while one runs). */
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


  /** One pass: tails of every workspace with live journeys, due scans of derived triggers, all due runs, due webhooks, stragglers. */
  async tick(): Promise<void> {
    const { db, log } = this.#o;
    const now = this.#o.now();
    const workspaces = await db.selectFrom('journeys').select('workspace_id').distinct().where('status', 'in', ['active', 'paused']).execute();
    for (const { workspace_id } of workspaces) {
      if (this.#job.closed) return;
      await tailWorkspace(db, workspace_id, { triggers: this.#o.triggers, versions: this.versions, now }).catch((e: unknown) =>
        log.error({ err: e, workspaceId: workspace_id }, 'journey tail failed'),
      );
    }
    await scanDerived({ db, log, triggers: this.#o.triggers, now, everyMs: this.#o.scanEveryMs, closed: () => this.#job.closed }).catch((e: unknown) =>
      log.error({ err: e }, 'journey scans failed'),
    );
    await this.advanceAll(now);
    while (!this.#job.closed && (await deliverWebhooks(db, log, now, this.#o.fetch)) > 0) {
      // each batch of due calls in turn
    }
    if (Date.now() - this.#lastSweep >= SWEEP_MS) {
      this.#lastSweep = Date.now();
      await sweepHeldJourneys(db, now);
    }
  }

  /** Advances due runs chunk by chunk until none is due; returns how many were handled. */
  async advanceAll(now = this.#o.now()): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.#job.closed) break;
      const cache = new PassCache(this.#o.db, now, this.#o.defaultCountry);
      const n = await advanceDue(this.#o.db, cache, this.versions, this.#o.log, this.#o.chunk);
      await this.#afterCommit(cache);
      total += n;
      if (n < this.#o.chunk) break;
    }
    return total;
  }

  async #afterCommit(cache: PassCache): Promise<void> {
    if (cache.messagesEnqueued > 0) this.#o.kickDelivery?.();
    if (cache.segmentChanges.length && this.#o.segments) await this.#o.segments.listeners.notify(cache.segmentChanges);
  }

  /**
   * The hook for other capabilities' triggers: fires the custom trigger `name` for a customer, in
   * the caller's transaction. Every active journey whose trigger is that name, and whose
   * settings the registered trigger says match `context`, takes the customer in (re-entry rules,
   * the per-customer limit and holdouts apply). `key` makes a repeated firing enter once.
   */
  async fire(tx: Db, p: { workspaceId: string; name: string; customerId: string; key: string; context: Record<string, unknown> }): Promise<EntryOutcome[]> {
    const custom = this.#o.triggers.custom(p.name);
    if (!custom) throw new Error(`no custom trigger named ${p.name} is registered`);
    const journeys = await tx
      .selectFrom('journeys')
      .select(['id', 'workspace_id', 'version', 'definition'])
      .where('workspace_id', '=', p.workspaceId)
      .where('status', '=', 'active')
      .where('trigger_kind', '=', 'custom')
      .forShare()
      .execute();
    const limit = await maxActivePerCustomer(tx, p.workspaceId);
    const outcomes: EntryOutcome[] = [];
    for (const j of journeys) {
      const trigger = j.definition.trigger;
      if (trigger.kind !== 'custom' || trigger.name !== p.name) continue;
      const settings = custom.settings.safeParse(trigger.settings);
      if (!settings.success || !custom.matches(settings.data, p.context)) continue;
      outcomes.push(...(await enterJourney(tx, j, [{ customerId: p.customerId, key: `custom:${p.name}:${p.key}`, context: p.context }], { now: this.#o.now(), maxActive: limit })));
    }
    return outcomes;
  }
}
