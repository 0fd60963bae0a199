import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { definitionSchema, type JourneyDefinition } from './schema.ts';
import { graphProblems } from './validate.ts';

const template = '00000000-0000-4000-8000-000000000001';
const def = (steps: unknown[], start = 'a', extra: Record<string, unknown> = {}): JourneyDefinition => definitionSchema.parse({ trigger: { kind: 'api' }, start, steps, ...extra });
const send = (id: string, next?: string) => ({ id, kind: 'send', templateId: template, ...(next ? { next: { next } } : {}) });
const messages = (d: JourneyDefinition) => graphProblems(d).map((p) => `${p.field}: ${p.message}`);

describe('journey graph validation (activation)', () => {
  test('given a wait, a send and an exit joined in order, then there is no problem', () => {
    assert.deepEqual(messages(def([{ id: 'a', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'b' } }, send('b', 'c'), { id: 'c', kind: 'exit' }])), []);
  });

  test('given a port leading to a step that does not exist, then the step and its port are named', () => {
    assert.deepEqual(messages(def([send('a', 'ghost')])), ['steps.0.next.next: step "a": port "next" leads to a step that does not exist ("ghost")']);
  });

  test('given a condition with only its yes port connected, then its no port is named as having no target', () => {
    const d = def([{ id: 'a', kind: 'condition', check: { type: 'context', properties: [{ path: 'x', operator: 'exists' }] }, next: { yes: 'b' } }, { id: 'b', kind: 'exit' }]);
    assert.deepEqual(messages(d), ['steps.0.next.no: step "a": port "no" has no target']);
  });

  test('given a send step without a target, then its next port is named (a step must lead somewhere or be an exit)', () => {
    assert.deepEqual(messages(def([send('a')])), ['steps.0.next.next: step "a": port "next" has no target']);
  });

  test('given a step nothing leads to, then it is named as unreachable', () => {
    assert.deepEqual(messages(def([send('a', 'b'), { id: 'b', kind: 'exit' }, { id: 'orphan', kind: 'exit' }])), ['steps.2: step "orphan": no path from the start reaches it']);
  });

  test('given a cycle of a condition and a tag step with no wait, then a step on it is named with the cycle', () => {
    const d = def([
      { id: 'a', kind: 'condition', check: { type: 'context', properties: [{ path: 'x', operator: 'exists' }] }, next: { yes: 'b', no: 'c' } },
      { id: 'b', kind: 'tag', add: ['looping'], next: { next: 'a' } },
      { id: 'c', kind: 'exit' },
    ]);
    const found = messages(d);
    assert.equal(found.length, 1, found.join('\n'));
    assert.match(found[0] as string, /^steps\.0: step "a": it is on a cycle without a wait \(a → b → a\)$/);
  });

  test('given the same cycle through a wait, then it is accepted (the run parks on each round)', () => {
    const d = def([
      { id: 'a', kind: 'condition', check: { type: 'context', properties: [{ path: 'x', operator: 'exists' }] }, next: { yes: 'w', no: 'c' } },
      { id: 'w', kind: 'wait', duration: { amount: 1, unit: 'days' }, next: { next: 'a' } },
      { id: 'c', kind: 'exit' },
    ]);
    assert.deepEqual(messages(d), []);
  });

  test('given a split whose branches and holdout add up to 90, then the split is named with the sum', () => {
    const d = def([{ id: 'a', kind: 'split', branches: [{ key: 'x', percent: 40 }, { key: 'y', percent: 40 }], holdoutPercent: 10, next: { x: 'e', y: 'e' } }, { id: 'e', kind: 'exit' }]);
    assert.deepEqual(messages(d), ['steps.0.branches: step "a": branch and holdout percentages add up to 90, not 100']);
  });

  test('given a split port for a branch it does not have, two steps with one id, and a start that does not exist, then each is named', () => {
    const d = def([{ id: 'a', kind: 'split', branches: [{ key: 'x', percent: 100 }], next: { x: 'b', z: 'b' } }, { id: 'b', kind: 'exit' }, { id: 'b', kind: 'exit' }], 'nowhere');
    assert.deepEqual(messages(d).sort(), ['start: start: no step "nowhere"', 'steps.0.next.z: step "a": a split step has no port "z"', 'steps.2.id: step "b": the id is used by another step'].sort());
  });

  test('given a port name a kind does not have, then the schema refuses it at the edge, naming the path', () => {
    const r = definitionSchema.safeParse({ trigger: { kind: 'api' }, start: 'a', steps: [{ id: 'a', kind: 'wait', duration: { amount: 1, unit: 'hours' }, next: { yes: 'a' } }] });
    assert.equal(r.success, false);
    assert.deepEqual(r.error?.issues[0]?.path, ['steps', 0, 'next']);
  });

  test('given wait_until_date without a missed target, then it is accepted (a missed date ends the run)', () => {
    const d = def([{ id: 'a', kind: 'wait_until_date', attribute: 'renewal', offsetDays: -3, next: { next: 'b' } }, { id: 'b', kind: 'exit' }]);
    assert.deepEqual(messages(d), []);
  });
});
