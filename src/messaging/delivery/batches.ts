import type { ClaimedMessage } from './decide.ts';

/**
 * Splits rows claimed in one decision transaction into the groups `decideBatch` takes: one
 * workspace each (its settings apply) and at most one message per customer (a customer's
 * decisions are serialised: a second message must see the first one's cap slot). Claimed rows
 * come highest priority first, so each customer's first is the one decided; the others are
 * `left` for the next claim, which sees the slot taken.
 */
export function decisionGroups<M extends ClaimedMessage>(claimed: readonly M[]): { groups: M[][]; left: M[] } {
  const groups = new Map<string, M[]>();
  const seen = new Set<string>();
  const left: M[] = [];
  for (const m of claimed) {
    const key = `${m.workspace_id} ${m.customer_id}`;
    if (seen.has(key)) {
      left.push(m);
      continue;
    }
    seen.add(key);
    const group = groups.get(m.workspace_id) ?? [];
    groups.set(m.workspace_id, group);
    group.push(m);
  }
  return { groups: [...groups.values()], left };
}
