import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decisionChunks } from './batches.ts';
import type { Message } from './decide.ts';

const message = (id: string, workspace: string, customer: string) => ({ id, workspace_id: workspace, customer_id: customer }) as Message;
const ids = (chunks: Message[][]) => chunks.map((c) => c.map((m) => m.id));

test('a customer never appears twice in a chunk, and keeps the claimed order across rounds', () => {
  const claimed = [message('a1', 'w', 'a'), message('b1', 'w', 'b'), message('a2', 'w', 'a'), message('a3', 'w', 'a'), message('c1', 'w', 'c')];
  assert.deepEqual(ids(decisionChunks(claimed, 10)), [['a1', 'b1', 'c1'], ['a2'], ['a3']]);
});

test('workspaces are decided apart (each with its own settings)', () => {
  const claimed = [message('x1', 'w1', 'a'), message('y1', 'w2', 'b'), message('x2', 'w1', 'c')];
  assert.deepEqual(ids(decisionChunks(claimed, 10)), [['x1', 'x2'], ['y1']]);
});

test('chunks hold at most the given size', () => {
  const claimed = Array.from({ length: 7 }, (_, i) => message(`m${i}`, 'w', `c${i}`));
  assert.deepEqual(
    decisionChunks(claimed, 3).map((c) => c.length),
    [3, 3, 1],
  );
  assert.deepEqual(decisionChunks([], 3), []);
});
