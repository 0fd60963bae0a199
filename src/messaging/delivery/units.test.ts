import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Channel } from '../channels/channel.ts';
import { type SendJob, unitsOf } from './sender.ts';

const single = { maxBatch: undefined } as unknown as Channel;
const batching = { maxBatch: 3, sendMany: async () => [] } as unknown as Channel;
const job = (id: string, configId: string, channel: Channel) => ({ id, plan: { configId, channel } }) as unknown as SendJob;
const ids = (units: readonly (readonly SendJob[])[]) => units.map((u) => u.map((j) => j.id));

test('jobs for a channel with a batch call share units (at most maxBatch, and a quarter of its jobs); others go one per unit, in order', () => {
  const jobs = [
    job('s1', 'sms', batching),
    job('e1', 'email', single),
    ...Array.from({ length: 11 }, (_, i) => job(`s${i + 2}`, 'sms', batching)),
    job('e2', 'email', single),
  ];
  assert.deepEqual(ids(unitsOf(jobs)), [['s1', 's2', 's3'], ['e1'], ['s4', 's5', 's6'], ['s7', 's8', 's9'], ['s10', 's11', 's12'], ['e2']]);
});

test('a few jobs for a batching channel are spread over several calls rather than one', () => {
  const jobs = Array.from({ length: 8 }, (_, i) => job(`s${i}`, 'sms', { maxBatch: 200, sendMany: async () => [] } as unknown as Channel));
  assert.deepEqual(ids(unitsOf(jobs)), [['s0', 's1'], ['s2', 's3'], ['s4', 's5'], ['s6', 's7']]);
  assert.deepEqual(unitsOf([]), []);
});
