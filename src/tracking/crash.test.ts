import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { cloneTestDatabase } from '../testing/database.ts';
import { runVafa, startVafaProcess, type RunningServer } from '../testing/processes.ts';

/**
 * Reliability (issue 3): a real `vafa start` process is killed with SIGKILL in the middle of a
 * sustained ingest and restarted. An acknowledged batch (200) must be stored exactly once; a
 * batch that got no answer may or may not have been committed, and the client's retry (same
 * messageIds) must store it exactly once either way.
 */

const SENDERS = 4;
const EVENTS_PER_BATCH = 50;
/** Kill once this many batches were acknowledged (about a second of traffic). */
const KILL_AFTER_ACKS = 60;

interface Batch {
  body: string;
  messageIds: string[];
  outcome: 'acknowledged' | 'no answer' | 'refused';
}

/** A batch of mixed calls with explicit messageIds: known users, anonymous visitors, identifies. */
function batch(sender: number, n: number): Batch {
  const messageIds: string[] = [];
  const events = Array.from({ length: EVENTS_PER_BATCH }, (_, i) => {
    const messageId = `crash-${sender}-${n}-${i}`;
    messageIds.push(messageId);
    const person = (sender * 7919 + n * 31 + i) % 300;
    const ids = person % 3 === 0 ? { anonymousId: `anon-${person}` } : { userId: `user-${person}`, anonymousId: `anon-${person}` };
    if (i % 25 === 0 && 'userId' in ids) return { type: 'identify', messageId, ...ids, traits: { email: `user-${person}@example.com`, plan: 'gold' } };
    if (i % 2 === 0) return { type: 'page', messageId, ...ids, name: 'Home', properties: { path: '/' } };
    return { type: 'track', messageId, ...ids, event: 'Product Viewed', properties: { product_id: `p-${person % 20}`, price: 1000, currency: 'IRR' } };
  });
  return { body: JSON.stringify({ batch: events }), messageIds, outcome: 'no answer' };
}

async function post(url: string, writeKey: string, body: string): Promise<number> {
  const res = await fetch(`${url}/v1/batch`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`, 'content-type': 'application/json' },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe('reliability: SIGKILL during a sustained ingest', async () => {
  const database = await cloneTestDatabase();
  const env = { DATABASE_URL: database.url, LOG_LEVEL: 'warn' };
  const servers: RunningServer[] = [];
  const client = new pg.Client({ connectionString: database.url });
  after(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) await s.stop('SIGKILL');
    await client.end();
    await database.drop();
  });

  test('given batches in flight when Vafa is killed, then every acknowledged batch is stored once and retries of the unanswered ones add no duplicates', async (t) => {
    const init = await runVafa(['init', '--workspace', 'Crash Shop', '--email', 'crash@example.com', '--password', 'crash-password-1'], env);
    assert.equal(init.code, 0, init.stderr);
    const { workspaceId, writeKey } = JSON.parse(init.stdout) as { workspaceId: string; writeKey: string };

    // Given a sustained ingest from several senders…
    const first = await startVafaProcess(env);
    servers.push(first);
    const sent: Batch[] = [];
    let acknowledged = 0;
    let killed = false;
    const sender = async (id: number) => {
      for (let n = 0; !killed; n++) {
        const b = batch(id, n);
        sent.push(b);
        try {
          const status = await post(first.url, writeKey, b.body);
          assert.equal(status, 200, `batch ${id}/${n} answered ${status}`);
          b.outcome = 'acknowledged';
          acknowledged++;
        } catch (e) {
          if (e instanceof assert.AssertionError) throw e;
          // Connection reset or refused: Vafa is gone. The batch may or may not have been committed.
          b.outcome = killed ? 'no answer' : 'refused';
          return;
        }
      }
    };
    const senders = Array.from({ length: SENDERS }, (_, i) => sender(i));

    // …when Vafa is killed mid-stream…
    const deadline = Date.now() + 15_000;
    while (acknowledged < KILL_AFTER_ACKS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const exited = once(first.child, 'exit');
    killed = true;
    first.child.kill('SIGKILL');
    await exited;
    await Promise.all(senders);
    assert.ok(acknowledged >= KILL_AFTER_ACKS, `only ${acknowledged} batches were acknowledged before the kill`);
    const unanswered = sent.filter((b) => b.outcome !== 'acknowledged');
    assert.ok(unanswered.length > 0, 'the kill interrupted batches in flight');

    // …then, after a restart, every acknowledged event is there exactly once…
    const second = await startVafaProcess(env);
    servers.push(second);
    await client.connect();
    const counts = async () => {
      const rows = await client.query<{ message_id: string; n: number }>(
        'select message_id, count(*)::int as n from events where workspace_id = $1 group by message_id',
        [workspaceId],
      );
      return new Map(rows.rows.map((r) => [r.message_id, r.n]));
    };
    const afterCrash = await counts();
    for (const b of sent.filter((x) => x.outcome === 'acknowledged')) {
      for (const id of b.messageIds) assert.equal(afterCrash.get(id), 1, `acknowledged event ${id} stored ${afterCrash.get(id) ?? 0} times`);
    }
    // (an unanswered batch is all or nothing: committed whole, or not at all)
    for (const b of unanswered) {
      const stored = new Set(b.messageIds.map((id) => afterCrash.get(id) ?? 0));
      assert.equal(stored.size, 1, `batch ${b.messageIds[0]} was stored in part`);
    }

    const committedAnyway = unanswered.filter((b) => afterCrash.get(b.messageIds[0] as string) === 1).length;
    t.diagnostic(`${acknowledged} batches acknowledged, ${unanswered.length} unanswered (${committedAnyway} of them committed before the kill)`);

    // …and the clients' retries of the unanswered batches store each event once.
    for (const b of unanswered) assert.equal(await post(second.url, writeKey, b.body), 200);
    const afterRetry = await counts();
    const expected = new Set(sent.flatMap((b) => b.messageIds));
    for (const id of expected) assert.equal(afterRetry.get(id), 1, `event ${id} stored ${afterRetry.get(id) ?? 0} times after the retries`);
    const total = [...afterRetry.values()].reduce((s, n) => s + n, 0);
    assert.equal(total, expected.size, 'no other rows');
    assert.equal(await second.stop('SIGTERM'), 0);
  });
});
