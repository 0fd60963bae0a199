import type { EventCondition, OrderCondition, PropertyFilter, Rule } from './schema.ts';

/**
 * What a fact set keeps per customer (src/segments/facts.ts), named by a signature that every
 * segment using the same condition shares: "Product Viewed with category shoes" is one fact set
 * however many segments count it, with whatever counts and windows.
 *
 * - `orders`: order count, net spent, first and last order time over purchases (one per
 *   workspace). Order conditions with `windowDays` read the raw orders.
 * - `event`: count, first and last time of the events passing one event condition (type, name,
 *   property filters). A count within a window ("at least 3 times in the last 30 days") cannot
 *   be answered from these and reads the raw events (the window prunes the partitions).
 */
export type FactSpec = { kind: 'orders' } | { kind: 'event'; eventType: string; name: string; properties: PropertyFilter[] };

export const ORDERS_SIGNATURE = 'orders';

/** An order condition reads the facts unless it limits the orders to a window. */
export const orderReadsFacts = (c: OrderCondition) => c.windowDays === undefined;

/** An event condition reads the facts unless it counts within a window. */
export const eventReadsFacts = (c: EventCondition) => !(c.count !== undefined && c.days !== undefined);

/** Property filters in one order, without operands their operator ignores: the same filters give the same signature. */
function normalisedFilters(filters: readonly PropertyFilter[] | undefined): PropertyFilter[] {
  const normal = (filters ?? []).map((f): PropertyFilter => {
    const keepsValue = f.operator !== 'exists' && f.operator !== 'not_exists';
    return keepsValue ? ({ path: f.path, operator: f.operator, value: f.value ?? null } as PropertyFilter) : { path: f.path, operator: f.operator };
  });
  const byKey = new Map(normal.map((f) => [JSON.stringify([f.path, f.operator, f.value ?? null]), f]));
  return [...byKey.keys()].sort().map((k) => byKey.get(k) as PropertyFilter);
}

export function eventFactSpec(c: EventCondition): FactSpec {
  return { kind: 'event', eventType: c.eventType ?? 'track', name: c.name, properties: normalisedFilters(c.properties) };
}

export function signatureOf(spec: FactSpec): string {
  if (spec.kind === 'orders') return ORDERS_SIGNATURE;
  // Keys in a fixed order: JSON of the same condition is the same text.
  return JSON.stringify(['event', spec.eventType, spec.name, spec.properties.map((f) => [f.path, f.operator, f.value ?? null])]);
}

/** Every fact set `rule` reads, by signature. */
export function factSetsOf(rule: Rule, into = new Map<string, FactSpec>()): Map<string, FactSpec> {
  if (rule.type === 'group') for (const r of rule.conditions) factSetsOf(r, into);
  else if (rule.type === 'event' && eventReadsFacts(rule)) {
    const spec = eventFactSpec(rule);
    into.set(signatureOf(spec), spec);
  } else if (rule.type === 'order' && orderReadsFacts(rule)) into.set(ORDERS_SIGNATURE, { kind: 'orders' });
  return into;
}
