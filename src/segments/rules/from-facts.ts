import { sql } from 'kysely';
import { compare, type Predicate } from './compare.ts';
import type { RuleContext } from './compile.ts';
import { type EventCondition, type OrderCondition, orderMetrics } from './schema.ts';
import type { SharedJoins } from './shared-joins.ts';

/**
 * The customer's row of facts (segment_customer_facts, src/segments/customer-facts.ts), joined
 * once to `customers c` for every condition reading facts: one hash join however many fact sets.
 */
const factsRow = (ctx: RuleContext & { joins: SharedJoins }) =>
  ctx.joins.alias('facts', (a) => sql`left join segment_customer_facts ${a} on ${a}.workspace_id = ${ctx.workspaceId}::uuid and ${a}.customer_id = c.id`);

/**
 * Event and order conditions answered from facts (src/segments/facts.ts) instead of raw rows,
 * for the one-pass recompute. An event set's figures are at its slot of the row's arrays (null
 * where the customer has no such event, or no row). The same customers as ./compile.ts's raw
 * forms:
 * - did, ever: a total at the slot (there is one only for customers with at least one event);
 *   within N days: the last time is on or after that day's midnight;
 * - a count, ever: the total (at least 1, so at_most n is the raw "1 to n times").
 */
export function eventFromFacts(c: EventCondition, slot: number, ctx: RuleContext & { joins: SharedJoins }, since: (days: number) => unknown): Predicate {
  const f = factsRow(ctx);
  // A slot is a number we gave (segment_fact_sets.slot): a literal subscript, folded at planning.
  const at = sql.lit(Math.trunc(slot));
  const op = c.count ? { at_least: sql`>=`, at_most: sql`<=`, exactly: sql`=` }[c.count.operator] : undefined;
  const did = c.count
    ? sql<boolean>`coalesce(${f}.totals[${at}] ${op} ${c.count.value}::int, false)`
    : c.days === undefined
      ? sql<boolean>`(${f}.totals[${at}] is not null)`
      : sql<boolean>`coalesce(${f}.lasts[${at}] >= ${since(c.days)}, false)`;
  return c.operator === 'did' ? did : sql<boolean>`(not ${did})`;
}

/**
 * An order condition without a window from the orders set's columns. `empty` is whether a customer
 * without purchases matches (0 orders, 0 spent); the figures are the raw aggregates' (dates: the
 * day of the first/last order time in the workspace's time zone; average = spent / count, the
 * numeric division `avg` does).
 */
export function orderFromFacts(c: OrderCondition, empty: boolean, ctx: RuleContext & { joins: SharedJoins }, path: string): Predicate {
  const f = factsRow(ctx);
  const figure = {
    total_spent: sql`${f}.spent_minor`,
    order_count: sql`${f}.orders::bigint`,
    average_order: sql`(${f}.spent_minor / ${f}.orders::numeric)`,
    last_order_date: sql`(${f}.last_placed_at at time zone ${ctx.timezone}::text)::date`,
    first_order_date: sql`(${f}.first_placed_at at time zone ${ctx.timezone}::text)::date`,
  }[c.metric];
  const holds = compare(figure, orderMetrics[c.metric], c, path, ctx);
  // No purchases: no row, or a row with event facts only.
  return sql<boolean>`(case when ${f}.orders is null then ${empty}::boolean else ${holds} end)`;
}
