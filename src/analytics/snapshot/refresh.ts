import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import { todayIn } from '../periods.ts';
import { loadAnalyticsContext } from '../settings.ts';
import { storeDistinctRanges } from './bases.ts';
import { fitChurnModel } from './churn.ts';
import { buildCohorts } from './cohorts.ts';
import { fitDiscreteModel } from './discrete.ts';
import { buildCustomerDays, buildCustomerFacts, buildDaily, storeRfmSummary } from './facts.ts';
import { buildProductPairs } from './pairs.ts';
import { scoreCustomers } from './scores.ts';

/** Two-key advisory lock: (this namespace, the workspace). Held for the whole refresh. */
const LOCK_NAMESPACE = 'vafa_analytics_refresh';

export interface RefreshStats {
  customers: number;
  orders: number;
  excludedOrders: number;
  pairs: number;
  model: string | null;
  churnModel: string | null;
  timings: Record<string, number>;
}

/**
 * Rebuilds a workspace's analytics snapshot from its orders in one transaction: readers keep
 * seeing the previous snapshot until it commits, and a second process trying the same workspace
 * skips it (advisory lock) instead of doing the work twice. Parallel query is off for the
 * refresh so that one core stays free for API requests while it runs.
 */
export async function refreshWorkspace(db: Db, workspaceId: string, log: Logger): Promise<RefreshStats | 'busy'> {
  const ctx = await loadAnalyticsContext(db, workspaceId);
  const asOf = new Date();
  const asOfDay = todayIn(ctx.timezone, asOf);
  const watermark = await ordersWatermark(db, workspaceId);
  const started = Date.now();
  try {
    return await db.transaction().execute(async (tx) => {
      const locked = await sql<{ ok: boolean }>`
        select pg_try_advisory_xact_lock(hashtext(${LOCK_NAMESPACE}), hashtext(${workspaceId})) as ok`.execute(tx);
      if (!locked.rows[0]?.ok) return 'busy' as const;
      await markStarted(db, workspaceId, asOf);
      await sql`set local max_parallel_workers_per_gather = 0`.execute(tx);
      await sql`set local work_mem = '256MB'`.execute(tx);
      const timings: Record<string, number> = {};
      const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
        const t0 = performance.now();
        const value = await run();
        timings[name] = Math.round(performance.now() - t0);
        return value;
      };
      const counts = await step('customerDays', () => buildCustomerDays(tx, ctx, asOf));
      const customers = await step('customers', () => buildCustomerFacts(tx, asOfDay));
      await step('daily', () => buildDaily(tx, ctx, asOfDay));
      await step('cohorts', () => buildCohorts(tx, workspaceId));
      await step('ranges', () => storeDistinctRanges(tx, ctx, asOfDay));
      const model = await step('models', () => scoreCustomers(tx, ctx, asOfDay, log));
      await step('rfm', () => storeRfmSummary(tx, workspaceId));
      await step('discrete', () => fitDiscreteModel(tx, ctx, asOfDay));
      const pairs = await step('pairs', () => buildProductPairs(tx, workspaceId));
      const churnModel = await step('churn', () => fitChurnModel(tx, ctx));
      const stats: RefreshStats = { customers, ...counts, pairs, model, churnModel, timings };
      await tx
        .updateTable('analytics_runs')
        .set({ as_of: asOf, finished_at: new Date(), error: null, orders_watermark: watermark, stats: JSON.stringify(stats) })
        .where('workspace_id', '=', workspaceId)
        .execute();
      log.info({ workspaceId, ms: Date.now() - started, ...stats }, 'analytics refreshed');
      return stats;
    });
  } catch (e) {
    log.error({ err: e, workspaceId }, 'analytics refresh failed');
    await db
      .updateTable('analytics_runs')
      .set({ finished_at: new Date(), error: e instanceof Error ? e.message : String(e) })
      .where('workspace_id', '=', workspaceId)
      .execute();
    throw e;
  }
}

/** Outside the refresh transaction, so that other processes see that it runs. */
async function markStarted(db: Db, workspaceId: string, at: Date) {
  await db
    .insertInto('analytics_runs')
    .values({ workspace_id: workspaceId, started_at: at, requested_at: null })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet({ started_at: at, requested_at: null }))
    .execute();
}

/**
 * Changes whenever an order is added or changed: its newest update time, read from an index
 * (a count would scan millions of rows every check). Orders removed with an erased customer do
 * not move it; the worker's daily full refresh picks those up.
 */
export async function ordersWatermark(db: Db, workspaceId: string): Promise<string> {
  const row = await sql<{ w: string | null }>`select max(updated_at)::text as w from orders where workspace_id = ${workspaceId}`.execute(db);
  return row.rows[0]?.w ?? '';
}

export async function isRefreshRunning(db: Db, workspaceId: string): Promise<boolean> {
  const row = await sql<{ running: boolean }>`
    select exists (
      select 1 from pg_locks
       where locktype = 'advisory' and classid = hashtext(${LOCK_NAMESPACE})::oid and objid = hashtext(${workspaceId})::oid and objsubid = 2
    ) as running`.execute(db);
  return row.rows[0]?.running ?? false;
}
