import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import type { AnalyticsContext } from '../settings.ts';
import { sql } from 'kysely';

/** Placeholder until the model step lands: facts and RFM only. */
export async function scoreCustomers(tx: Db, ctx: AnalyticsContext, _asOfDay: string, _log: Logger): Promise<string | null> {
  await sql`delete from analytics_customers where workspace_id = ${ctx.workspaceId}`.execute(tx);
  await sql`
    insert into analytics_customers (workspace_id, customer_id, first_day, last_day, orders, purchase_days, revenue_minor,
                                     repeat_revenue_minor, r, f, m, segment)
    select ${ctx.workspaceId}::uuid, customer_id, first_day, last_day, orders, purchase_days, revenue, repeat_revenue, r, f, m, segment
      from ana_cust`.execute(tx);
  return null;
}
