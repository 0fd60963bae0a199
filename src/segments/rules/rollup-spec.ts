import type { EventCondition, OrderCondition, PropertyFilter, Rule } from './schema.ts';

/**
 * What a rollup keeps per customer (src/segments/rollups.ts), named by a signature that every
 * segment using the same condition shares: two segments counting "Product Viewed with category
 * shoes" read one rollup, however their counts and windows differ.
 *
 * - `orders`: order count, net spent, first and last order time over purchases (the workspace's
 *   one order rollup). Order conditions with `windowDays` read the raw orders.
 * - `event`: count, first and last time of the events passing one event condition (type, name,
 *   property filters); `dailyTimezone` also keeps per-day counts, in that time zone, for
 *   conditions that count within a window ("at least 3 times in the last 30 days").
 */
export type RollupSpec =
  | { kind: 'orders' }
  | { kind: 'event'; eventType: string; name: string; properties: PropertyFilter[]; dailyTimezone: string | null };

export const ORDERS_SIGNATURE = 'orders';

/** An order condition reads the rollup unless it limits the orders to a window. */
export const orderReadsRollup = (c: OrderCondition) => c.windowDays === undefined;

/** Property filters in one order, without operands their operator ignores: the same filters give the same signature. */
function normalisedFilters(filters: readonly PropertyFilter[] | undefined): PropertyFilter[] {
  const normal = (filters ?? []).map((f): PropertyFilter => {
    const keepsValue = f.operator !== 'exists' && f.operator !== 'not_exists';
    return keepsValue ? { path: f.path, operator: f.operator, value: f.value ?? null } as PropertyFilter : { path: f.path, operator: f.operator };
  });
  const byKey = new Map(normal.map((f) => [JSON.stringify([f.path, f.operator, f.value ?? null]), f]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as PropertyFilter);
}

/** The rollup an event condition reads; only counts within a window need days, in `timezone`. */
export function eventRollupSpec(c: EventCondition, timezone: string): RollupSpec {
  const daily = c.count !== undefined && c.days !== undefined;
  return { kind: 'event', eventType: c.eventType ?? 'track', name: c.name, properties: normalisedFilters(c.properties), dailyTimezone: daily ? timezone : null };
}

export function signatureOf(spec: RollupSpec): string {
  if (spec.kind === 'orders') return ORDERS_SIGNATURE;
  // Keys in a fixed order: JSON of the same condition is the same text.
  return JSON.stringify(['event', spec.eventType, spec.name, spec.properties.map((f) => [f.path, f.operator, f.value ?? null]), spec.dailyTimezone]);
}

/** Every rollup `rule` reads, by signature. */
export function rollupsOf(rule: Rule, timezone: string, into = new Map<string, RollupSpec>()): Map<string, RollupSpec> {
  if (rule.type === 'group') for (const r of rule.conditions) rollupsOf(r, timezone, into);
  else if (rule.type === 'event') {
    const spec = eventRollupSpec(rule, timezone);
    into.set(signatureOf(spec), spec);
  } else if (rule.type === 'order' && orderReadsRollup(rule)) into.set(ORDERS_SIGNATURE, { kind: 'orders' });
  return into;
}
