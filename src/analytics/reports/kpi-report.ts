import type { Db } from '../../database.ts';
import type { KpiRegistry, KpiScope, KpiValue } from '../kpis/registry.ts';
import { dayNumber, isoDay, type Period, periodsEnding, todayIn } from '../periods.ts';
import type { Calendar, Grain, RfmSegment } from '../routes/schemas.ts';
import type { AnalyticsContext } from '../settings.ts';
import { snapshotDay } from './status.ts';

interface KpiRequest {
  grain: Grain;
  calendar?: Calendar;
  date?: string;
  periods: number;
  segment?: RfmSegment;
  tag?: string;
  channel?: string;
}

/**
 * Last period vs the one before: relative change in percent, or the difference in points for
 * KPIs that are themselves percentages. null when either is unknown or the base is 0.
 */
export function change(last: number | null | undefined, before: number | null | undefined, unit: string): number | null {
  if (last == null || before == null) return null;
  if (unit === 'percent') return round(last - before);
  return before === 0 ? null : round(((last - before) / Math.abs(before)) * 100);
}

const round = (n: number) => Math.round(n * 100) / 100;

export async function kpiReport(db: Db, kpis: KpiRegistry, ctx: AnalyticsContext, q: KpiRequest) {
  const calendar = q.calendar ?? ctx.calendar;
  const { asOf, asOfDay } = await snapshotDay(db, ctx);
  const date = q.date ?? todayIn(ctx.timezone);
  const periods = periodsEnding(date, q.grain, calendar, q.periods);
  const scope = { segment: q.segment, tag: q.tag, channel: q.channel };
  const computed = await kpis.compute({ db, ctx, calendar, grain: q.grain, periods, scope, asOf, asOfDay });
  const basis = await comparisonBasis(db, kpis, ctx, { calendar, grain: q.grain, periods, scope, asOf, asOfDay });
  return {
    asOf,
    currency: ctx.currency,
    calendar,
    grain: q.grain,
    periods,
    comparedTo: basis?.period ?? null,
    kpis: computed.map(({ definition, values }) => ({
      ...definition,
      values: values.map(roundValue),
      change: change(values.at(-1)?.value, basis ? basis.values.get(definition.id) : values.at(-2)?.value, definition.unit),
    })),
    focus: await focusProgress(db, kpis, ctx, asOf, asOfDay),
  };
}

/**
 * A running period is compared like for like: with the same number of days at the start of the
 * period before ("1–5 Azar vs 1–5 Aban"), not with the whole of it, which would show every
 * cumulative KPI falling until the last day. null: compare whole periods.
 */
async function comparisonBasis(
  db: Db,
  kpis: KpiRegistry,
  ctx: AnalyticsContext,
  q: { calendar: Calendar; grain: Grain; periods: Period[]; scope: KpiScope; asOf: string | null; asOfDay: string | null },
) {
  const last = q.periods.at(-1);
  const before = q.periods.at(-2);
  if (!q.asOfDay || !last || !before || last.end <= q.asOfDay || last.start > q.asOfDay) return null;
  const elapsed = dayNumber(q.asOfDay) - dayNumber(last.start);
  const end = isoDay(Math.min(dayNumber(before.end), dayNumber(before.start) + elapsed));
  const period = { start: before.start, end, label: `${before.start} – ${end}` };
  const computed = await kpis.compute({ db, ctx, calendar: q.calendar, grain: q.grain, periods: [period], scope: q.scope, asOf: q.asOf, asOfDay: q.asOfDay, custom: true });
  return { period: { start: period.start, end: period.end }, values: new Map(computed.map((k) => [k.definition.id, k.values[0]?.value ?? null])) };
}

const roundValue = (v: KpiValue): KpiValue => (v.value === null ? v : { value: Math.round(v.value * 10000) / 10000, reason: null });

/** The focus KPI measured over its whole period (to date), against its target. */
async function focusProgress(db: Db, kpis: KpiRegistry, ctx: AnalyticsContext, asOf: string | null, asOfDay: string | null) {
  const focus = ctx.focus;
  if (!focus) return null;
  const today = todayIn(ctx.timezone);
  const period = { start: focus.start, end: focus.end, label: `${focus.start} – ${focus.end}` };
  const computed = await kpis.compute({ db, ctx, calendar: ctx.calendar, grain: 'day', periods: [period], scope: {}, asOf, asOfDay, custom: true });
  const current = computed.find((k) => k.definition.id === focus.kpi)?.values[0]?.value ?? null;
  const total = dayNumber(focus.end) - dayNumber(focus.start) + 1;
  const past = Math.min(Math.max(dayNumber(today) - dayNumber(focus.start) + 1, 0), total);
  return {
    ...focus,
    current: current === null ? null : round(current),
    progress: current === null || focus.target === 0 ? null : round((current / focus.target) * 100),
    elapsed: round((past / total) * 100),
  };
}
