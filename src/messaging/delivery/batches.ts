import type { Message } from './decide.ts';

/**
 * Splits a claimed batch into the groups `decideBatch` takes: one workspace each (its settings
 * apply), at most one message per customer (a customer's decisions are serialised: the second
 * message must see the first one's cap slot), at most `size` messages. A customer's messages keep
 * their claimed order (highest priority first), so they go in successive rounds.
 */
export function decisionChunks(claimed: readonly Message[], size: number): Message[][] {
  const rounds = new Map<string, Message[][]>();
  const seen = new Map<string, number>();
  for (const m of claimed) {
    const key = `${m.workspace_id} ${m.customer_id}`;
    const round = seen.get(key) ?? 0;
    seen.set(key, round + 1);
    const ofWorkspace = rounds.get(m.workspace_id) ?? [];
    rounds.set(m.workspace_id, ofWorkspace);
    ofWorkspace[round] = [...(ofWorkspace[round] ?? []), m];
  }
  const chunks: Message[][] = [];
  for (const ofWorkspace of rounds.values()) {
    for (const round of ofWorkspace) {
      for (let i = 0; i < round.length; i += size) chunks.push(round.slice(i, i + size));
    }
  }
  return chunks;
}
