import { sql } from 'kysely';
import { compare, type Predicate, sinceDays } from './compare.ts';
import type { RuleContext } from './compile.ts';
import { type EventCondition, type OrderCondition, orderMetrics } from './schema.ts';

/**
 * Event and order conditions answered from rollups (src/segments/rollups.ts) instead of raw
 * rows: the same customers as ./compile.ts's raw forms, from a narrow per-customer table.
 *
 * - did, ever: a facts row exists (it exists only for customers with at least one event);
 *   within N days: its last time is on or after that day's midnight.
 * - a count, ever: the facts' total; a count within N days: the per-day counts summed from
 *   the day N days before today (days in the time zone of `ctx`, the one the rollup was keyed by).
 */
export function eventFromRollup(c: EventCondition, rollupId: string, ctx: RuleContext): Predicate {
  if (ctx.joins && !(c.count && c.days !== undefined)) {
    const f = ctx.joins.alias(`rollup:${rollupId}`, (a) => sql`left join segment_event_facts ${a} on ${a}.rollup_id = ${rollupId}::bigint and ${a}.customer_id = c.id`);
    const op = c.count ? { at_least: sql`>=`, at_most: sql`<=`, exactly: sql`=` }[c.count.operator] : undefined;
    const did = !c.count
      ? c.days === undefined
        ? sql<boolean>`(${f}.customer_id is not null)`
        : sql<boolean>`coalesce(${f}.last_at >= ${sinceDays(c.days, ctx)}, false)`
      : sql<boolean>`coalesce(${f}.total ${op} ${c.count.value}::int, false)`;
    return c.operator === 'did' ? did : sql<boolean>`(not ${did})`;
  }
  const facts = sql`select f.customer_id from segment_event_facts f where f.rollup_id = ${rollupId}::bigint`;
  const op = c.count ? { at_least: sql`>=`, at_most: sql`<=`, exactly: sql`=` }[c.count.operator] : undefined;
  let did: Predicate;
  if (!c.count) {
    did = c.days === undefined ? sql<boolean>`(c.id in (${facts}))` : sql<boolean>`(c.id in (${facts} and f.last_at >= ${sinceDays(c.days, ctx)}))`;
  } else if (c.days === undefined) {
    // Totals are at least 1, so at_most n here is the raw form's "1 to n times".
    did = sql<boolean>`(c.id in (${facts} and f.total ${op} ${c.count.value}::int))`;
  } else {
    did = sql<boolean>`(c.id in (select d.customer_id from segment_event_days d
      where d.rollup_id = ${rollupId}::bigint and d.day >= ${ctx.today}::date - ${c.days}::int
      group by d.customer_id having sum(d.n) ${op} ${c.count.value}::int))`;
  }
  return c.operator === 'did' ? did : sql<boolean>`(not ${did})`;
}

/**
 * An order condition without a window from the order rollup. `empty` is whether a customer
 * without purchases matches (0 orders, 0 spent); the figures are the raw aggregates' (dates are
 * the day of the first/last order time in the workspace's time zone; average = spent / count,
 * the numeric division `avg` does).
 */
export function orderFromRollup(c: OrderCondition, rollupId: string, empty: boolean, ctx: RuleContext, path: string): Predicate {
  const f = ctx.joins
    ? ctx.joins.alias(`rollup:${rollupId}`, (a) => sql`left join segment_order_facts ${a} on ${a}.rollup_id = ${rollupId}::bigint and ${a}.customer_id = c.id`)
    : sql.raw('f');
  const figure = {
    total_spent: sql`${f}.spent_minor`,
    order_count: sql`${f}.orders::bigint`,
    average_order: sql`(${f}.spent_minor / ${f}.orders::numeric)`,
    last_order_date: sql`(${f}.last_placed_at at time zone ${ctx.timezone}::text)::date`,
    first_order_date: sql`(${f}.first_placed_at at time zone ${ctx.timezone}::text)::date`,
  }[c.metric];
  const holds = compare(figure, orderMetrics[c.metric], c, path, ctx);
  if (ctx.joins) return sql<boolean>`(case when ${f}.customer_id is null then ${empty}::boolean else ${holds} end)`;
  const buyers = sql`select f.customer_id from segment_order_facts f where f.rollup_id = ${rollupId}::bigint`;
  return empty ? sql<boolean>`(c.id not in (${buyers} and not ${holds}))` : sql<boolean>`(c.id in (${buyers} and ${holds}))`;
}
