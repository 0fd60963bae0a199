import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../testing/harness.ts';
import { repoRoot } from '../../testing/processes.ts';
import { bulkCustomers, enqueue, TestClock } from './testing/fixtures.ts';

/**
 * Reliability (issue 5): a worker process is SIGKILLed in the middle of 2,000 sends and another
 * one takes over. The local provider deduplicates on the idempotency key (the message id), as
 * providers with a localid do; every message must end `sent` and be accepted exactly once.
 */
const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const MESSAGES = 2000;

/** The provider: counts every call per key, accepts each key once, answers a repeat with the first id. */
const accepted = new Map<string, string>();
const calls = new Map<string, number>();
const sink = http.createServer((req, res) => {
  const key = String(req.headers['idempotency-key']);
  req.resume();
  req.on('end', () => {
    calls.set(key, (calls.get(key) ?? 0) + 1);
    if (!accepted.has(key)) accepted.set(key, `p-${accepted.size + 1}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ messageId: accepted.get(key) }));
  });
});
sink.listen(0, '127.0.0.1');
await once(sink, 'listening');
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/send`;

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  sink.close();
});

function startWorker(id: string): ChildProcess {
  const script = path.join(repoRoot, 'src/messaging/delivery/testing/crash-worker.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, t.config.databaseUrl as string, sinkUrl, id], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d) => (output += d));
  child.on('exit', (code, signal) => {
    if (code !== null && code !== 0) console.error(`worker ${id} exited ${code}: ${output}`);
    void signal;
  });
  children.push(child);
  return child;
}

async function until(predicate: () => boolean | Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('reliability: a delivery worker killed mid-run', () => {
  test('given 2,000 queued messages, when the worker is SIGKILLed after about a quarter and another starts, then every message ends sent and the provider accepted each exactly once', async (ctx) => {
    const w = await t.workspace();
    const customers = await bulkCustomers(t.db, w.id, MESSAGES, `crash-${w.id}`);
    const ids = await enqueue(t.db, w.id, new TestClock(new Date()), customers.map((c) => ({ customerId: c, channels: ['sms' as const], category: 'transactional' as const })));

    const first = startWorker('first');
    await until(() => accepted.size >= MESSAGES / 4, 60_000, 'the first worker to send a quarter');
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atKill = accepted.size;
    const inFlight = await sql<{ n: number }>`select count(*)::int as n from messages where workspace_id = ${w.id} and status = 'sending'`.execute(t.db);

    const second = startWorker('second');
    const remaining = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from messages where workspace_id = ${w.id} and status <> 'sent'`.execute(t.db)).rows[0]?.n ?? -1;
    await until(async () => (await remaining()) === 0, 90_000, 'every message to be sent');
    second.kill('SIGKILL');

    assert.ok(atKill < MESSAGES, `killed before the end (${atKill} accepted)`);
    assert.equal(accepted.size, MESSAGES);
    assert.deepEqual(new Set(accepted.keys()), new Set(ids), 'the provider accepted exactly the queued messages');
    const stored = await t.db.selectFrom('messages').select(['id', 'provider_message_id']).where('workspace_id', '=', w.id).execute();
    for (const m of stored) assert.equal(m.provider_message_id, accepted.get(m.id), `message ${m.id} recorded the provider's id`);
    // Calls repeated with the same key are the sends whose outcome the kill left unknown.
    const repeated = [...calls.values()].filter((n) => n > 1).length;
    assert.ok(repeated <= (inFlight.rows[0]?.n ?? 0), `${repeated} repeated calls, ${inFlight.rows[0]?.n} left sending`);
    ctx.diagnostic(`crash: ${atKill} accepted at the kill, ${inFlight.rows[0]?.n} in flight, ${repeated} resent with the same key`);
  });
});
