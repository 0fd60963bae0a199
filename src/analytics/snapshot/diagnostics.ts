import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import { runModelJob } from '../jobs/run.ts';
import { dayNumber, isoDay } from '../periods.ts';
import type { AnalyticsContext } from '../settings.ts';

/** Less history than this leaves too little for both a calibration and a holdout period. */
const MIN_HISTORY_DAYS = 56;

export interface ModelDiagnostics {
  calibrationEnd: string;
  holdoutDays: number;
  tracking: { week: number; start: string; actual: number; expected: number }[];
  holdoutByFrequency: { frequency: string; customers: number; actual: number; expected: number }[];
  accuracy: { mae: number; rmse: number; aggregateErrorPercent: number; correlation: number | null };
  reason?: undefined;
}

const r4 = (n: number) => Math.round(n * 10000) / 10000;

/**
 * How far to trust the predictions, checked the way FHL (2005) do: refit the model on a
 * calibration period (all but the last third of the history, 4 to 52 weeks held out), predict
 * each customer's purchases in the holdout and compare with what they did — by calibration
 * frequency, as accuracy figures, and as the weekly cumulative tracking curve.
 */
export async function modelDiagnostics(tx: Db, ctx: AnalyticsContext, asOfDay: string, log: Logger): Promise<ModelDiagnostics | { reason: string }> {
  const range = await sql<{ first: string | null }>`select min(first_day)::text as first from ana_cust`.execute(tx);
  const first = range.rows[0]?.first;
  const today = dayNumber(asOfDay);
  if (!first || today - dayNumber(first) < MIN_HISTORY_DAYS) return { reason: 'less than 8 weeks of order history: no holdout check yet' };
  const origin = dayNumber(first);
  const holdoutDays = Math.min(364, Math.max(28, Math.round((today - origin) / 3 / 7) * 7));
  const calEnd = isoDay(today - holdoutDays);

  const rows = (
    await sql<{ x: number; t_x: number; t_cal: number; x_star: number; n: number }>`
      with per_customer as (
        select c.customer_id,
               (count(*) filter (where d.day <= ${calEnd}::date))::int - 1 as x,
               coalesce(max(d.day) filter (where d.day <= ${calEnd}::date), c.first_day) - c.first_day as t_x,
               ${calEnd}::date - c.first_day as t_cal,
               (count(*) filter (where d.day > ${calEnd}::date))::int as x_star
          from ana_cust c join ana_days d on d.customer_id = c.customer_id
         where c.first_day < ${calEnd}::date
         group by c.customer_id, c.first_day
      )
      select x, t_x, t_cal, x_star, count(*)::int as n from per_customer group by 1, 2, 3, 4`.execute(tx)
  ).rows;
  if (!rows.some((r) => r.x > 0)) return { reason: 'no repeat purchases in the calibration period: no holdout check yet' };
  const calibration = {
    x: Float64Array.from(rows, (r) => r.x),
    tx: Float64Array.from(rows, (r) => r.t_x),
    T: Float64Array.from(rows, (r) => r.t_cal),
    weight: Float64Array.from(rows, (r) => r.n),
  };
  const actual = Float64Array.from(rows, (r) => r.x_star);

  // Weekly cumulative repeat purchases of the calibration customers vs Σ E[X(age)].
  const births = await sql<{ b: number; n: number }>`
    select first_day - ${first}::date as b, count(*)::int as n from ana_cust where first_day < ${calEnd}::date group by 1`.execute(tx);
  const weekly = await sql<{ w: number; n: number }>`
    select (d.day - ${first}::date) / 7 as w, count(*)::int as n
      from ana_days d join ana_cust c on c.customer_id = d.customer_id
     where c.first_day < ${calEnd}::date and d.day > c.first_day and d.day <= ${asOfDay}::date
     group by 1`.execute(tx);
  const weeks = Math.ceil((today - origin + 1) / 7);
  const birth = new Float64Array(births.rows.reduce((s, r) => s + r.n, 0));
  let k = 0;
  for (const r of births.rows) {
    birth.fill(r.b, k, k + r.n);
    k += r.n;
  }
  const perWeek = new Float64Array(weeks);
  for (const r of weekly.rows) if (r.w < weeks) perWeek[r.w] = r.n;
  let cumulative = 0;
  const ends = Array.from({ length: weeks }, (_, w) => 7 * (w + 1));
  const actualCumulative = Array.from(perWeek, (n) => {
    cumulative += n;
    return cumulative;
  });
  const checked = await runModelJob('holdoutCheck', {
    calibration,
    holdoutActual: actual,
    holdoutLength: holdoutDays,
    prefer: ctx.preferredModel,
    birth,
    periodEnds: ends,
    actualCumulative,
  });
  if (!checked.fit.ok || !checked.accuracy) {
    log.warn({ workspaceId: ctx.workspaceId, error: checked.fit.ok ? null : checked.fit.error }, 'calibration fit failed');
    return { reason: `the calibration-period fit failed: ${checked.fit.ok ? 'no accuracy' : checked.fit.error}` };
  }
  const { accuracy, buckets, tracking: curve } = checked;

  return {
    calibrationEnd: calEnd,
    holdoutDays,
    tracking: curve.map((p, w) => ({ week: w + 1, start: isoDay(origin + 7 * w), actual: p.actual ?? 0, expected: r4(p.expected) })),
    holdoutByFrequency: buckets.map((b) => ({ frequency: b.label, customers: b.customers, actual: r4(b.actualMean), expected: r4(b.expectedMean) })),
    accuracy: {
      mae: r4(accuracy.meanAbsoluteError),
      rmse: r4(accuracy.rootMeanSquaredError),
      aggregateErrorPercent: r4(accuracy.aggregatePercentError ?? 0),
      correlation: accuracy.correlation === null ? null : r4(accuracy.correlation),
    },
  };
}
