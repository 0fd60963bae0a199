import type { Db } from '../../database.ts';
import { todayIn } from '../periods.ts';
import { isRefreshRunning } from '../snapshot/refresh.ts';
import type { AnalyticsContext } from '../settings.ts';

export interface AnalyticsStatus {
  asOf: string | null;
  state: 'idle' | 'queued' | 'running' | 'failed';
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  error: string | null;
  customers: number;
  orders: number;
  excludedOrders: number;
  currency: string;
}

export async function analyticsStatus(db: Db, ctx: AnalyticsContext): Promise<AnalyticsStatus> {
  const run = await db.selectFrom('analytics_runs').selectAll().where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
  const running = await isRefreshRunning(db, ctx.workspaceId);
  const stats = (run?.stats ?? {}) as { customers?: number; orders?: number; excludedOrders?: number };
  const state = running
    ? 'running'
    : run?.requested_at && (!run.started_at || run.requested_at > run.started_at)
      ? 'queued'
      : run?.error
        ? 'failed'
        : 'idle';
  const finished = run?.finished_at && run.started_at && run.finished_at >= run.started_at ? run.finished_at : null;
  return {
    asOf: run?.as_of?.toISOString() ?? null,
    state,
    startedAt: run?.started_at?.toISOString() ?? null,
    finishedAt: run?.finished_at?.toISOString() ?? null,
    durationMs: finished && run?.started_at ? finished.getTime() - run.started_at.getTime() : null,
    error: run?.error ?? null,
    customers: stats.customers ?? 0,
    orders: stats.orders ?? 0,
    excludedOrders: stats.excludedOrders ?? 0,
    currency: ctx.currency,
  };
}

/** The local day the snapshot was taken, or null before the first refresh. */
export async function snapshotDay(db: Db, ctx: AnalyticsContext): Promise<{ asOf: string | null; asOfDay: string | null }> {
  const run = await db.selectFrom('analytics_runs').select('as_of').where('workspace_id', '=', ctx.workspaceId).executeTakeFirst();
  if (!run?.as_of) return { asOf: null, asOfDay: null };
  return { asOf: run.as_of.toISOString(), asOfDay: todayIn(ctx.timezone, run.as_of) };
}
