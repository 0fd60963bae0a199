import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapLimited, ProviderHttp, retryAfterMs, smsAddress } from './provider-http.ts';
import { startLocalServer } from './testing/local-server.ts';

describe('provider HTTP plumbing', () => {
  test('given Retry-After in seconds or as an HTTP-date, when read, then milliseconds; garbage gives undefined', () => {
    const now = Date.parse('2026-11-22T12:00:00Z');
    assert.equal(retryAfterMs('120', now), 120_000);
    assert.equal(retryAfterMs('Sun, 22 Nov 2026 12:00:30 GMT', now), 30_000);
    assert.equal(retryAfterMs('soon', now), undefined);
    assert.equal(retryAfterMs(undefined, now), undefined);
  });

  test('given a well-formed E.164 or a local Iranian form, when read as an SMS address, then both give E.164', () => {
    assert.deepEqual(smsAddress('+989121234567'), { ok: true, value: '+989121234567' });
    assert.deepEqual(smsAddress('۰۹۱۲۱۲۳۴۵۶۷'), { ok: true, value: '+989121234567' });
    assert.equal(smsAddress('12').ok, false);
  });

  test('given 10 jobs and a limit of 3, when mapped, then results keep their order and at most 3 run at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimited([...Array(10).keys()], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
      return n * 2;
    });
    assert.deepEqual(results, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    assert.equal(peak, 3);
  });

  test('given a base URL with a path, when requesting, then the path is prefixed and the UTF-8 body arrives whole', async () => {
    const server = await startLocalServer((request) => ({ status: 200, body: { path: request.path, body: request.body } }));
    const http = new ProviderHttp(`${server.url}/gateway/`, { timeoutMs: 1000 });
    const answer = await http.request({ method: 'POST', path: '/v1/send', body: 'متن=سلام' });
    assert.deepEqual(answer.ok && JSON.parse(answer.value.body), { path: '/gateway/v1/send', body: 'متن=سلام' });
    http.close();
    await server.close();
  });
});
