import { sql } from 'kysely';
import { compare, type Predicate } from './compare.ts';
import type { RuleContext } from './compile.ts';
import { type EventCondition, type OrderCondition, orderMetrics } from './schema.ts';
import type { SharedJoins } from './shared-joins.ts';

/**
 * Event and order conditions answered from facts (src/segments/facts.ts) instead of raw rows,
 * for the one-pass recompute: each fact set is left-joined once to `customers c` (at most one row
 * per customer) and read by every condition using it. The same customers as ./compile.ts's raw
 * forms:
 * - did, ever: a facts row exists (there is one only for customers with at least one event);
 *   within N days: its last time is on or after that day's midnight;
 * - a count, ever: the facts' total (at least 1, so at_most n is the raw "1 to n times").
 */
export function eventFromFacts(c: EventCondition, setId: string, ctx: RuleContext & { joins: SharedJoins }, since: (days: number) => unknown): Predicate {
  const f = ctx.joins.alias(`facts:${setId}`, (a) => sql`left join segment_event_facts ${a} on ${a}.set_id = ${setId}::bigint and ${a}.customer_id = c.id`);
  const op = c.count ? { at_least: sql`>=`, at_most: sql`<=`, exactly: sql`=` }[c.count.operator] : undefined;
  const did = c.count
    ? sql<boolean>`coalesce(${f}.total ${op} ${c.count.value}::int, false)`
    : c.days === undefined
      ? sql<boolean>`(${f}.customer_id is not null)`
      : sql<boolean>`coalesce(${f}.last_at >= ${since(c.days)}, false)`;
  return c.operator === 'did' ? did : sql<boolean>`(not ${did})`;
}

/**
 * An order condition without a window from the order facts. `empty` is whether a customer
 * without purchases matches (0 orders, 0 spent); the figures are the raw aggregates' (dates: the
 * day of the first/last order time in the workspace's time zone; average = spent / count, the
 * numeric division `avg` does).
 */
export function orderFromFacts(c: OrderCondition, setId: string, empty: boolean, ctx: RuleContext & { joins: SharedJoins }, path: string): Predicate {
  const f = ctx.joins.alias(`facts:${setId}`, (a) => sql`left join segment_order_facts ${a} on ${a}.set_id = ${setId}::bigint and ${a}.customer_id = c.id`);
  const figure = {
    total_spent: sql`${f}.spent_minor`,
    order_count: sql`${f}.orders::bigint`,
    average_order: sql`(${f}.spent_minor / ${f}.orders::numeric)`,
    last_order_date: sql`(${f}.last_placed_at at time zone ${ctx.timezone}::text)::date`,
    first_order_date: sql`(${f}.first_placed_at at time zone ${ctx.timezone}::text)::date`,
  }[c.metric];
  const holds = compare(figure, orderMetrics[c.metric], c, path, ctx);
  return sql<boolean>`(case when ${f}.customer_id is null then ${empty}::boolean else ${holds} end)`;
}
