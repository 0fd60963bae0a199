import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { sql } from 'kysely';
import { bulkCustomers } from '../../messaging/delivery/testing/fixtures.ts';
import { createTestApp } from '../../testing/harness.ts';
import { repoRoot } from '../../testing/processes.ts';
import { activeJourney, enableChannel, smsTemplate } from '../testing/fixtures.ts';

/**
 * Reliability (issue 6): an engine process is SIGKILLed while it advances 2,000 runs through a
 * send, a task and a tag step; another engine starts. Every run must complete, and every step's
 * side effect must exist exactly once: one message, one task, one tag activity per customer —
 * tasks and activity lines have no unique key of their own, so a step run twice would show.
 */
const t = await createTestApp({ VAFA_JOURNEYS_TICK_MS: '0', VAFA_DELIVERY_POLL_MS: '0', VAFA_SEGMENTS_TICK_MS: '0' });
const RUNS = 2000;

const children: ChildProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startEngine(): ChildProcess {
  const script = path.join(repoRoot, 'src/journeys/testing/crash-engine.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', script, t.config.databaseUrl as string], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d) => (output += d));
  child.on('exit', (code) => {
    if (code !== null && code !== 0) console.error(`engine exited ${code}: ${output}`);
  });
  children.push(child);
  return child;
}

async function until(predicate: () => Promise<boolean>, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = async (query: ReturnType<typeof sql<{ n: number }>>) => (await query.execute(t.db)).rows[0]?.n ?? -1;

describe('reliability: a journey engine killed mid-run', () => {
  test('given 2,000 runs of send → task → tag → exit, when the engine is SIGKILLed part-way and another starts, then every run completes and each step acted exactly once per customer', async (ctx) => {
    const w = await t.workspace();
    await enableChannel(t.db, w.id, 'sms');
    const template = await smsTemplate(w);
    const id = await activeJourney(w, {
      trigger: { kind: 'api' },
      start: 'send',
      steps: [
        { id: 'send', kind: 'send', templateId: template, channels: ['sms'], next: { next: 'task' } },
        { id: 'task', kind: 'task', title: 'Call after the journey message', next: { next: 'tag' } },
        { id: 'tag', kind: 'tag', add: ['journeyed'], next: { next: 'end' } },
        { id: 'end', kind: 'exit' },
      ],
    });
    const customers = await bulkCustomers(t.db, w.id, RUNS, `jcrash-${w.id}`);
    await sql`insert into journey_runs (workspace_id, journey_id, version, customer_id, status, current_step, phase, wake_at, entry_key)
              select ${w.id}::uuid, ${id}::uuid, 1, c, 'active', 'send', 'ready', now(), 'bulk:' || c from unnest(${customers}::uuid[]) as c`.execute(t.db);
    const completed = () => count(sql<{ n: number }>`select count(*)::int as n from journey_runs where journey_id = ${id}::uuid and status = 'completed'`);

    const first = startEngine();
    await until(async () => (await completed()) >= RUNS / 4, 120_000, 'the first engine to finish a quarter');
    first.kill('SIGKILL');
    await once(first, 'exit');
    const atKill = await completed();

    const second = startEngine();
    await until(async () => (await completed()) === RUNS, 180_000, 'every run to complete');
    second.kill('SIGKILL');

    assert.ok(atKill < RUNS, `killed before the end (${atKill} completed)`);
    const perCustomer = async (table: string, extra = sql``) =>
      (
        await sql<{ n: number; customers: number; most: number }>`
          select count(*)::int as n, count(distinct customer_id)::int as customers, coalesce(max(k), 0)::int as most
            from (select customer_id, count(*) over (partition by customer_id) as k from ${sql.table(table)} where workspace_id = ${w.id}::uuid ${extra}) x`.execute(t.db)
      ).rows[0];
    assert.deepEqual(await perCustomer('messages'), { n: RUNS, customers: RUNS, most: 1 }, 'one message per customer');
    assert.deepEqual(await perCustomer('tasks', sql`and source = 'journey'`), { n: RUNS, customers: RUNS, most: 1 }, 'one task per customer');
    assert.deepEqual(await perCustomer('customer_activity', sql`and action = 'tagged'`), { n: RUNS, customers: RUNS, most: 1 }, 'one tag change per customer');
    assert.equal(await count(sql<{ n: number }>`select count(*)::int as n from journey_step_log where journey_id = ${id}::uuid`), RUNS * 4, 'four logged steps per run');
    assert.equal(await count(sql<{ n: number }>`select count(*)::int as n from journey_messages where journey_id = ${id}::uuid`), RUNS);
    ctx.diagnostic(`journey crash: ${atKill} of ${RUNS} runs completed at the kill`);
  });
});
