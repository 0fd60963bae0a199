import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../logger.ts';
import { PeriodicJob } from './periodic.ts';

const log = createLogger('silent');

test('kicks during a pass coalesce into one more pass; passes never overlap', async () => {
  let running = 0;
  let overlapped = false;
  let passes = 0;
  let release: () => void = () => {};
  const job = new PeriodicJob({
    name: 't',
    log,
    everyMs: 0,
    pass: async () => {
      running++;
      if (running > 1) overlapped = true;
      passes++;
      if (passes === 1) await new Promise<void>((r) => (release = r));
      running--;
    },
  });
  job.kick();
  job.kick();
  job.kick();
  release();
  await job.idle();
  assert.equal(passes, 2);
  assert.equal(overlapped, false);
  await job.close();
});

test('a pass that says there is more runs again at once; a failing pass is logged and the job goes on; closed stops kicks', async () => {
  let passes = 0;
  const job = new PeriodicJob({
    name: 't',
    log,
    everyMs: 0,
    pass: async () => {
      passes++;
      if (passes === 2) throw new Error('boom');
      return passes < 3;
    },
  });
  job.kick();
  await job.idle();
  // 1: more → 2: throws (no "more") → stops.
  assert.equal(passes, 2);
  job.kick();
  await job.idle();
  assert.equal(passes, 3);
  await job.close();
  assert.equal(job.closed, true);
  job.kick();
  await job.idle();
  assert.equal(passes, 3);
});
