import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { runModelJob } from '../jobs/run.ts';
import type { AnalyticsContext } from '../settings.ts';
import { MIN_MODEL_CUSTOMERS } from './scores.ts';

const monthIndex = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
const round = (n: number) => Math.round(n * 10000) / 10000;

/**
 * BG/BB (Fader, Hardie & Shang 2010) on discrete opportunities: each whole calendar month after
 * a customer's first purchase is one chance to buy again, and the customer bought in it or not.
 * The model of donation- or membership-like businesses, where what matters is "did they come
 * back this month", not how often; stored beside the continuous-time model for comparison.
 */
export async function fitDiscreteModel(tx: Db, ctx: AnalyticsContext, asOfDay: string): Promise<string | null> {
  await sql`delete from analytics_models where workspace_id = ${ctx.workspaceId} and kind = 'discrete'`.execute(tx);
  const now = monthIndex(asOfDay);
  const rows = await sql<{ x: number; t_x: number; n: number; w: number }>`
    with months as (
      select c.customer_id, extract(year from c.first_day)::int * 12 + extract(month from c.first_day)::int - 1 as m0,
             extract(year from d.day)::int * 12 + extract(month from d.day)::int - 1 as m
        from ana_cust c join ana_days d on d.customer_id = c.customer_id
    ), per_customer as (
      select customer_id, m0,
             count(distinct m) filter (where m > m0 and m < ${now}::int)::int as x,
             coalesce(max(m) filter (where m > m0 and m < ${now}::int) - m0, 0)::int as t_x
        from months group by 1, 2
    )
    select x, t_x, ${now}::int - m0 - 1 as n, count(*)::int as w
      from per_customer where ${now}::int - m0 - 1 >= 1 group by 1, 2, 3`.execute(tx);
  const customers = rows.rows.reduce((s, r) => s + r.w, 0);
  const store = (result: Record<string, unknown>) =>
    tx.insertInto('analytics_models').values({ workspace_id: ctx.workspaceId, kind: 'discrete', result: JSON.stringify(result) }).execute();
  if (customers < MIN_MODEL_CUSTOMERS || !rows.rows.some((r) => r.x > 0)) {
    await store({ reason: 'the monthly (BG/BB) model needs at least 20 customers with a whole month behind them, and a month with a purchase after the first' });
    return null;
  }
  const fitted = await runModelJob('fitDiscrete', {
    x: Float64Array.from(rows.rows, (r) => r.x),
    tx: Float64Array.from(rows.rows, (r) => r.t_x),
    n: Float64Array.from(rows.rows, (r) => r.n),
    weight: Float64Array.from(rows.rows, (r) => r.w),
  });
  if (!fitted.fit.ok) {
    await store({ reason: `the monthly (BG/BB) model could not be fitted: ${fitted.fit.error}` });
    return null;
  }
  const { params, logLikelihood, converged, boundary } = fitted.fit.value;
  await store({
    model: 'bgbb',
    opportunity: 'month',
    params: { alpha: params.alpha, beta: params.beta, gamma: params.gamma, delta: params.delta },
    logLikelihood,
    converged,
    boundary,
    customers,
    expectedRepeat: fitted.expected.map(round),
  });
  return 'BG/BB';
}
