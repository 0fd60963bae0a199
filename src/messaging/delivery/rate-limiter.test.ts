import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter } from './rate-limiter.ts';

test('a burst of a tenth of a second of sends goes at once; beyond it, sends are held to the rate', async () => {
  const limiter = new RateLimiter();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 10 }, () => limiter.take('sms', 100)));
  const burst = performance.now() - t0;
  // 20 more at 100/s cannot finish before ~200 ms, whatever the machine's speed.
  await Promise.all(Array.from({ length: 20 }, () => limiter.take('sms', 100)));
  const sustained = performance.now() - t0;
  assert.ok(sustained >= 180, `30 sends at 100/s took ${sustained.toFixed(0)} ms`);
  assert.ok(burst < sustained / 2, 'the first tenth of a second went as a burst');
});

test('keys are limited apart, and a rate of 0 (unlimited) never waits', async () => {
  const limiter = new RateLimiter();
  const t0 = performance.now();
  for (let i = 0; i < 1000; i++) await limiter.take('email', 0);
  await Promise.all([limiter.take('a', 10), limiter.take('b', 10)]);
  assert.ok(performance.now() - t0 < 1000, 'nothing waited a whole second');
});

test('a batch call takes one token per message in it', async () => {
  const limiter = new RateLimiter();
  const t0 = performance.now();
  // 10 at once fits the burst of 100/s; the next batch of 20 owes 20 tokens: ≥ ~200 ms.
  await limiter.take('sms', 100, 10);
  await limiter.take('sms', 100, 20);
  const elapsed = performance.now() - t0;
  assert.ok(elapsed >= 180, `30 messages in two batches at 100/s took ${elapsed.toFixed(0)} ms`);
});
