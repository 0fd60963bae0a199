import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decisionGroups } from './batches.ts';
import type { Message } from './decide.ts';

const message = (id: string, workspace: string, customer: string) => ({ id, workspace_id: workspace, customer_id: customer }) as Message;
const ids = (ms: Message[]) => ms.map((m) => m.id);

test('a customer is decided once per claim (their first, highest-priority message); the rest are left for the next', () => {
  const claimed = [message('a1', 'w', 'a'), message('b1', 'w', 'b'), message('a2', 'w', 'a'), message('a3', 'w', 'a'), message('c1', 'w', 'c')];
  const { groups, left } = decisionGroups(claimed);
  assert.deepEqual(groups.map(ids), [['a1', 'b1', 'c1']]);
  assert.deepEqual(ids(left), ['a2', 'a3']);
});

test('workspaces are decided apart (each with its own settings); the same customer id in two workspaces is two customers', () => {
  const claimed = [message('x1', 'w1', 'a'), message('y1', 'w2', 'a'), message('x2', 'w1', 'c')];
  const { groups, left } = decisionGroups(claimed);
  assert.deepEqual(groups.map(ids), [['x1', 'x2'], ['y1']]);
  assert.deepEqual(left, []);
  assert.deepEqual(decisionGroups([]), { groups: [], left: [] });
});
