import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../../testing/harness.ts';
import { repoRoot } from '../../testing/processes.ts';
import { bulkCustomers } from '../delivery/testing/fixtures.ts';
import { createTemplate, manualSegment } from './testing/fixtures.ts';

/**
 * Reliability (issue 5): the process enqueuing a broadcast's audience is SIGKILLed part-way and
 * another takes over when the dead one's lease expires. Every member must end with exactly one
 * message, recorded against its recipient row, and the cursor must agree.
 */
const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '0' });
const MEMBERS = 10_000;

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startEnqueuer(owner: string): ChildProcess {
  const script = path.join(repoRoot, 'src/messaging/broadcasts/testing/crash-enqueuer.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, t.config.databaseUrl as string, owner], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d) => (output += d));
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`enqueuer ${owner} exited ${code}: ${output}`);
  });
  children.push(child);
  return child;
}

async function until(predicate: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('reliability: the broadcast enqueuer killed mid-run', () => {
  test('given a 10,000-member broadcast, when its enqueuing process is SIGKILLed after about a fifth and another starts, then every member has exactly one message and none is enqueued twice', async (ctx) => {
    const w = await t.workspace();
    const members = await bulkCustomers(t.db, w.id, MEMBERS, `crash-bc-${w.id}`);
    const segmentId = await manualSegment(t.db, w, members);
    const templateId = await createTemplate(w);
    const b = (await w.api.post('/api/v1/broadcasts', { name: 'Crash', segmentId, templateId, holdoutPercent: 5 })).json();
    assert.equal((await w.api.post(`/api/v1/broadcasts/${b.id}/send`, {})).statusCode, 202);
    const enqueued = async () =>
      (await sql<{ n: number }>`select count(*)::int as n from messages where broadcast_id = ${b.id}::uuid`.execute(t.db)).rows[0]?.n ?? 0;

    const first = startEnqueuer('first');
    await until(async () => (await enqueued()) >= MEMBERS / 5, 60_000, 'the first enqueuer to do a fifth');
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atKill = await enqueued();

    const second = startEnqueuer('second');
    await until(async () => (await t.db.selectFrom('broadcasts').select('enqueued_at').where('id', '=', b.id).executeTakeFirstOrThrow()).enqueued_at !== null, 60_000, 'the second enqueuer to finish');
    second.kill('SIGKILL');

    const view = await t.db.selectFrom('broadcasts').selectAll().where('id', '=', b.id).executeTakeFirstOrThrow();
    const holdout = view.holdout_count;
    assert.ok(atKill > 0 && atKill < MEMBERS - holdout, `killed mid-way (${atKill} enqueued)`);
    assert.ok(holdout > 300 && holdout < 700, `about 5 % held out: ${holdout}`);
    assert.equal(await enqueued(), MEMBERS - holdout, 'one message per member outside the holdout');
    assert.equal(view.enqueued_count, MEMBERS - holdout, 'the cursor counted each batch once');
    const check = await sql<{ recipients: number; linked: number; keyed: number; distinct_customers: number }>`
      select count(*)::int as recipients,
             count(m.id)::int as linked,
             count(*) filter (where m.idempotency_key = 'broadcast:' || r.broadcast_id || ':' || r.customer_id and m.customer_id = r.customer_id)::int as keyed,
             (select count(distinct customer_id)::int from messages where broadcast_id = ${b.id}::uuid) as distinct_customers
        from broadcast_recipients r left join messages m on m.id = r.message_id
       where r.broadcast_id = ${b.id}::uuid`.execute(t.db);
    assert.deepEqual(check.rows[0], { recipients: MEMBERS, linked: MEMBERS - holdout, keyed: MEMBERS - holdout, distinct_customers: MEMBERS - holdout });
    ctx.diagnostic(`crash: ${atKill} of ${MEMBERS - holdout} enqueued at the kill`);
  });
});
