import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { PeriodicJob } from '../platform/jobs/periodic.ts';
import type { Logger } from '../platform/logger.ts';
import { ordersWatermark, refreshWorkspace } from './snapshot/refresh.ts';

/**
 * Keeps every workspace's analytics fresh in the background. A workspace is refreshed when
 * someone asked for it (settings changed, "refresh now") or when its orders changed and its
 * refresh interval has passed. All state lives in `analytics_runs`, so any number of processes
 * can run this loop; the refresh's advisory lock keeps them from doing the same work twice.
 */
export class AnalyticsWorker {
  readonly #job: PeriodicJob;

  constructor(private readonly deps: { db: Db; log: Logger; everyMs: number }) {
    this.#job = new PeriodicJob({ name: 'analytics', log: deps.log, everyMs: deps.everyMs, pass: () => this.#pass() });
  }

  start(): void {
    this.#job.start();
  }

  /** Looks for due workspaces now (coalesces calls made while a pass runs). */
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

  async #pass(): Promise<void> {
    for (const workspaceId of await this.#dueWorkspaces()) {
      if (this.#job.closed) return;
      await refreshWorkspace(this.deps.db, workspaceId, this.deps.log).catch(() => {
        // Recorded in analytics_runs.error and logged by refreshWorkspace.
      });
    }
  }

  async #dueWorkspaces(): Promise<string[]> {
    const requested = await sql<{ id: string }>`
      select workspace_id as id from analytics_runs
       where requested_at is not null and (started_at is null or requested_at > started_at)
       order by requested_at`.execute(this.deps.db);
    if (this.deps.everyMs <= 0) return requested.rows.map((r) => r.id);
    // Scheduled: workspaces with orders whose interval has passed and whose orders changed, and
    // once a day in any case (periods roll over, erased customers' orders leave).
    const candidates = await sql<{ id: string; watermark: string | null; daily: boolean }>`
      select w.id, r.orders_watermark as watermark, (r.finished_at is null or r.finished_at < now() - interval '1 day') as daily
        from workspaces w
        left join analytics_settings s on s.workspace_id = w.id
        left join analytics_runs r on r.workspace_id = w.id
       where exists (select 1 from orders o where o.workspace_id = w.id)
         and (r.finished_at is null or r.finished_at < now() - make_interval(mins => coalesce(s.refresh_minutes, 15)))`.execute(this.deps.db);
    const due = new Set(requested.rows.map((r) => r.id));
    for (const c of candidates.rows) {
      if (due.has(c.id)) continue;
      if (c.daily || (await ordersWatermark(this.deps.db, c.id)) !== c.watermark) due.add(c.id);
    }
    return [...due];
  }
}

/** Asks for a refresh of the workspace; the worker picks it up. */
export async function requestRefresh(db: Db, workspaceId: string): Promise<void> {
  await db
    .insertInto('analytics_runs')
    .values({ workspace_id: workspaceId, requested_at: new Date() })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ requested_at: new Date() }))
    .execute();
}
