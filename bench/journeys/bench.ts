/**
 * Benchmark: journeys (issue 6, point 8). N customers (100,000 at --scale 1, generated in
 * PostgreSQL with SMS consent, bench/messaging/data.ts), then:
 *   A. burst    — all N enter a segment-triggered 5-step journey at once (send → wait 1 h →
 *                 condition → send → exit): a manual segment gets all N members in one statement,
 *                 then the engine's own functions, timed one by one: the tail (N entries), the
 *                 first advance (first send, the wait begins), and — the engine's clock moved an
 *                 hour on — the second (the wait ends, condition, second send, exit). "Message"
 *                 means an outbox row enqueued by a send step (delivery is off: sending is the
 *                 messaging benchmark's). Baseline in the same run: the same rows (N runs, 2N
 *                 messages with their first history line and journey link, 5N step-log rows)
 *                 written by a handful of INSERT … SELECT statements in one transaction.
 *   analytics   — GET /api/v1/journeys/{id}/analytics, 5 times, over the baseline's journey (N
 *                 finished runs × 5 steps; measured first, so `--only none` gives the figure at
 *                 full scale in a minute) and over phase A's.
 *   B. steady   — --rate "Bench Ping" track events a second for 60 × scale seconds (at least 6)
 *                 through POST /v1/batch (batches of --batch, open loop), into an event-triggered
 *                 journey whose first step sends; latency = the message's created_at − the run's
 *                 entered_at (= the event's received_at). Once with the tracking → journeys kick
 *                 (the engine subscribed to the intake's after-commit hook, as src/app.ts wires
 *                 it) and once without (only the engine's tick, --tick-ms).
 *
 *   npx tsx bench/journeys/bench.ts --scale 0.1          # 10,000 customers, 6 s of events
 *   npx tsx bench/journeys/bench.ts [--database-url postgres://…/postgres] [--rate 1000 --tick-ms 200]
 *
 * Vafa runs in this process (startVafa) with its own journey engine and delivery worker off; the
 * benchmark runs JourneyEngine instances in this process (the same class Vafa starts), so that
 * phase A can move their clock. Database load: pg_stat_database deltas and the embedded
 * server's CPU from /proc (not available with --database-url). Writes bench/.out/journeys-<date>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startVafa, type RunningVafa } from '../../src/app.ts';
import { runGroups, splitBranches, stepPorts } from '../../src/journeys/analytics/queries.ts';
import { tailWorkspace } from '../../src/journeys/engine/tail.ts';
import { TriggerRegistry } from '../../src/journeys/engine/triggers.ts';
import { JourneyEngine } from '../../src/journeys/engine/worker.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { addMembers } from '../../src/segments/membership.ts';
import { createApiKey } from '../../src/workspaces/keys.ts';
import { createWorkspace } from '../../src/workspaces/team.ts';
import { prepareStorage, runThenCleanUp } from '../lib/lifecycle.ts';
import { latency } from '../lib/stats.ts';
import { generateCustomers } from '../messaging/data.ts';
import { loadBetween, snapshot, steadyEvents } from './probes.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    customers: { type: 'string' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string' },
    batch: { type: 'string', default: '10' },
    'tick-ms': { type: 'string', default: '200' },
    // Runs per advance transaction (the engine's default when not given).
    chunk: { type: 'string' },
    only: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const SCALE = Number(args.scale);
const N = Number(args.customers ?? Math.round(100_000 * SCALE));
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds ?? Math.max(6, 60 * SCALE));
const BATCH = Number(args.batch);
const TICK_MS = Number(args['tick-ms']);
const CHUNK = args.chunk === undefined ? {} : { chunk: Number(args.chunk) };
const PHASES = new Set((args.only ?? 'burst,steady').split(','));
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const seconds = (t0: number) => Number(((performance.now() - t0) / 1000).toFixed(2));
const silent = createLogger('warn');

async function main() {
  const started = new Date();
  const storage = await prepareStorage({ databaseUrl: args['database-url'] });
  const config = loadConfig({
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    VAFA_ANALYTICS_CHECK_SECONDS: '0',
    VAFA_DELIVERY_POLL_MS: '0',
    VAFA_SEGMENTS_TICK_MS: '0',
    VAFA_SEGMENTS_RECOMPUTE_MS: '0',
    VAFA_JOURNEYS_TICK_MS: '0',
    ...storage.env,
  });
  const vafa = await startVafa(config, silent);
  const direct = new pg.Pool({ connectionString: vafa.storage.url, max: 2, application_name: 'bench-direct' });
  direct.on('error', () => {});
  await runThenCleanUp({ vafa, direct, remove: [storage.dataDir], external: storage.external, log }, () => run(vafa, direct, storage.dataDir, started));
}

async function run(vafa: RunningVafa, direct: pg.Pool, dataDir: string | undefined, started: Date) {
  const { workspace } = await createWorkspace(vafa.db, { name: 'Bench (journeys)', ownerEmail: 'bench-journeys@example.com', ownerPassword: 'bench-password-1405' });
  const secret = (await createApiKey(vafa.db, workspace.id, { kind: 'secret', name: 'bench', role: 'owner' })).key;
  const writeKey = (await createApiKey(vafa.db, workspace.id, { kind: 'write', name: 'bench' })).key;
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${vafa.url}${url}`, { method, headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown> & { id: string };
  };
  // An enabled SMS channel, as activation requires of send steps; nothing is sent (delivery is off).
  await direct.query(
    `insert into channel_configs (id, workspace_id, kind, provider, name, settings, secrets, enabled, is_default, webhook_token)
     values (gen_random_uuid(), $1, 'sms', 'recording', 'Bench SMS', '{}', null, true, true, gen_random_uuid()::text)`,
    [workspace.id],
  );
  const template = await api('POST', '/api/v1/templates', { name: 'Bench journey SMS', category: 'marketing', variants: { fa: { sms: { text: '{{ customer.first_name }} عزیز، ۲۰٪ تخفیف برای شما. لغو ۱۱' } } } });
  const send = (id: string, next: string) => ({ id, kind: 'send', templateId: template.id, channels: ['sms'], next: { next } });

  log(`generating ${N.toLocaleString()} customers`);
  const client = new pg.Client({ connectionString: vafa.storage.url });
  await client.connect();
  const customers = await generateCustomers(client, workspace.id, N, log);
  await client.end();
  await direct.query('analyze');
  const results: Record<string, unknown> = {};
  const table: [string, string][] = [];

  // The set-based floor first: it also leaves the journey tables as a workspace that already ran
  // a journey has them (N runs, 2N messages, 5N step-log rows, analysed). On empty tables the
  // planner's first plans (and the foreign-key checks' cached ones) scan them whole, and every
  // insert of a 100,000-run burst pays for it: that is not the steady state being measured.
  const baseline = await burstBaseline(direct, dataDir, workspace.id, template.id, api);
  await direct.query('analyze');
  log(`  baseline: the same rows set-based in ${baseline.seconds} s`);
  // The analytics answer over N finished runs × 5 steps (the baseline's journey), at any scale
  // quickly: the burst phase's journey is measured again below, with live runs.
  results.analyticsBaseline = await timeAnalytics(api, baseline.journeyId, N);
  table.push(['analytics, N × 5 (HTTP)', `${JSON.stringify((results.analyticsBaseline as { ms: unknown }).ms)} ms`]);
  results.analyticsQueries = await analyticsQueries(vafa, baseline.journeyId);
  table.push(['analytics queries (ms)', JSON.stringify(results.analyticsQueries)]);

  if (PHASES.has('burst')) {
    const segment = await api('POST', '/api/v1/segments', { name: 'Bench burst', kind: 'manual' });
    const journey = await api('POST', '/api/v1/journeys', {
      name: 'Bench burst',
      trigger: { kind: 'segment', segmentId: segment.id, action: 'entered' },
      start: 's1',
      steps: [
        send('s1', 'w'),
        { id: 'w', kind: 'wait', duration: { amount: 1, unit: 'hours' }, next: { next: 'c' } },
        { id: 'c', kind: 'condition', check: { type: 'context', properties: [{ path: 'action', operator: 'equals', value: 'entered' }] }, next: { yes: 's2', no: 'end' } },
        send('s2', 'end'),
        { id: 'end', kind: 'exit' },
      ],
    });
    await api('POST', `/api/v1/journeys/${journey.id}/activate`);
    let shift = 1000;
    const now = () => new Date(Date.now() + shift);
    const triggers = new TriggerRegistry();
    const engine = new JourneyEngine({ db: vafa.db, log: silent, triggers, defaultCountry: 'IR', now, tickMs: 0, ...CHUNK });

    let t0 = performance.now();
    await vafa.db.transaction().execute((tx) => addMembers(tx, { workspaceId: workspace.id, segmentId: segment.id, customerIds: customers, cause: 'manual' }));
    const membersSeconds = seconds(t0);
    log(`  A: ${N.toLocaleString()} segment members (with history) in ${membersSeconds} s`);

    const s0 = await snapshot(direct, dataDir);
    t0 = performance.now();
    let entered = 0;
    while (entered < N) {
      const r = await tailWorkspace(vafa.db, workspace.id, { triggers, versions: engine.versions, now: now() });
      entered += r.entered;
      if (r.entered === 0 && seconds(t0) > 600) throw new Error(`only ${entered} of ${N} entered`);
    }
    const enterSeconds = seconds(t0);
    const s1 = await snapshot(direct, dataDir);
    log(`  A: ${entered.toLocaleString()} entered in ${enterSeconds} s = ${Math.round(entered / enterSeconds)} runs/s`);
    t0 = performance.now();
    const firstRuns = await engine.advanceAll(now());
    const firstSeconds = seconds(t0);
    const s2 = await snapshot(direct, dataDir);
    log(`  A: first advance (send, wait begins) of ${firstRuns.toLocaleString()} runs in ${firstSeconds} s`);
    shift += 3_600_000 + 1000;
    t0 = performance.now();
    const secondRuns = await engine.advanceAll(now());
    const secondSeconds = seconds(t0);
    const s3 = await snapshot(direct, dataDir);
    log(`  A: second advance (wait ends, condition, send, exit) of ${secondRuns.toLocaleString()} runs in ${secondSeconds} s`);
    await engine.close();

    const counts = (
      await direct.query<{ steps: number; messages: number; completed: number }>(
        `select (select count(*)::int from journey_step_log where journey_id = $1) as steps,
                (select count(*)::int from journey_messages where journey_id = $1) as messages,
                (select count(*)::int from journey_runs where journey_id = $1 and status = 'completed') as completed`,
        [journey.id],
      )
    ).rows[0] as { steps: number; messages: number; completed: number };
    const engineSeconds = enterSeconds + firstSeconds + secondSeconds;
    results.burst = {
      customers: N,
      membersSeconds,
      enter: { seconds: enterSeconds, runsPerSecond: Math.round(entered / enterSeconds), load: loadBetween(s0, s1) },
      firstAdvance: { runs: firstRuns, seconds: firstSeconds, stepsPerSecond: Math.round((2 * N) / firstSeconds), messagesPerSecond: Math.round(N / firstSeconds), load: loadBetween(s1, s2) },
      secondAdvance: { runs: secondRuns, seconds: secondSeconds, stepsPerSecond: Math.round((3 * N) / secondSeconds), messagesPerSecond: Math.round(N / secondSeconds), load: loadBetween(s2, s3) },
      total: { seconds: Number(engineSeconds.toFixed(2)), steps: counts.steps, messages: counts.messages, completed: counts.completed, stepsPerSecond: Math.round(counts.steps / engineSeconds), runsPerSecond: Math.round(N / engineSeconds) },
      baseline,
      ratio: Number((baseline.seconds / engineSeconds).toFixed(3)),
    };
    const pgCores = (l: { postgresCores: number | null }) => `PG ${l.postgresCores ?? '–'} cores`;
    table.push(
      ['A enter (tail)', `${enterSeconds} s, ${Math.round(entered / enterSeconds)} runs/s, ${pgCores(loadBetween(s0, s1))}`],
      ['A first advance', `${firstSeconds} s, ${Math.round((2 * N) / firstSeconds)} steps/s, ${Math.round(N / firstSeconds)} msg/s, ${pgCores(loadBetween(s1, s2))}`],
      ['A second advance', `${secondSeconds} s, ${Math.round((3 * N) / secondSeconds)} steps/s, ${Math.round(N / secondSeconds)} msg/s, ${pgCores(loadBetween(s2, s3))}`],
      ['A total (engine)', `${engineSeconds.toFixed(2)} s, ${Math.round(counts.steps / engineSeconds)} steps/s, ${Math.round(N / engineSeconds)} runs/s`],
      ['A set-based baseline', `${baseline.seconds} s, ${baseline.stepsPerSecond} steps/s (engine ÷ baseline time ${(engineSeconds / baseline.seconds).toFixed(1)}×)`],
    );
    log(`  A: engine ${engineSeconds.toFixed(1)} s for ${counts.steps.toLocaleString()} steps, ${counts.messages.toLocaleString()} messages; set-based baseline ${baseline.seconds} s`);

    results.analytics = await timeAnalytics(api, journey.id, N);
    table.push(['analytics, burst (HTTP)', `${JSON.stringify((results.analytics as { ms: unknown }).ms)} ms`]);
  }

  if (PHASES.has('steady')) {
    const events = Math.min(N, Math.round(RATE * SECONDS));
    if (events < RATE * SECONDS) log(`  B: ${events} events (one per customer; raise --customers for more)`);
    for (const kick of [true, false]) {
      const name = kick ? 'Bench Ping (kick)' : 'Bench Ping (tick)';
      const journey = await api('POST', '/api/v1/journeys', { name, trigger: { kind: 'event', event: name }, start: 'send', steps: [send('send', 'end'), { id: 'end', kind: 'exit' }] });
      await api('POST', `/api/v1/journeys/${journey.id}/activate`);
      const engine = new JourneyEngine({ db: vafa.db, log: silent, triggers: new TriggerRegistry(), defaultCountry: 'IR', tickMs: TICK_MS, ...CHUNK });
      const unsubscribe = kick ? vafa.services.intake.subscribe(() => engine.kick()) : () => true;
      engine.start();
      await new Promise((r) => setTimeout(r, 500));
      const s0 = await snapshot(direct, dataDir);
      const load = await steadyEvents({ url: vafa.url, writeKey, event: name, rate: RATE, seconds: events / RATE, batch: BATCH, userIdOf: (k) => `m${k + 1}` });
      const s1 = await snapshot(direct, dataDir);
      const w0 = performance.now();
      let done = 0;
      while (performance.now() - w0 < 60_000) {
        done = (await direct.query<{ n: number }>('select count(*)::int as n from journey_messages where journey_id = $1', [journey.id])).rows[0]?.n ?? 0;
        if (done >= load.acked) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const drainSeconds = seconds(w0);
      unsubscribe();
      await engine.close();
      const ms = (
        await direct.query<{ ms: number }>(
          `select extract(epoch from (m.created_at - r.entered_at)) * 1000 as ms
             from journey_messages jm join messages m on m.id = jm.message_id join journey_runs r on r.id = jm.run_id
            where jm.journey_id = $1`,
          [journey.id],
        )
      ).rows.map((r) => Number(r.ms));
      const steps = (await direct.query<{ n: number }>('select count(*)::int as n from journey_step_log where journey_id = $1', [journey.id])).rows[0]?.n ?? 0;
      const figure = {
        kick,
        tickMs: TICK_MS,
        events: { sent: load.sent, acked: load.acked, failed: load.failed, seconds: load.seconds, perSecond: load.perSecond, answerMs: latency(load.answerMs) },
        messages: done,
        drainSeconds,
        eventToMessageMs: latency(ms),
        // Over the whole time the engine worked: the events' seconds and the drain after them.
        stepsPerSecond: Math.round(steps / (load.seconds + drainSeconds)),
        load: loadBetween(s0, s1),
      };
      results[kick ? 'steadyKick' : 'steadyTick'] = figure;
      const l = figure.eventToMessageMs;
      table.push([
        `B ${kick ? 'with kick' : `tick ${TICK_MS} ms only`}`,
        `${load.perSecond} ev/s; event → message p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} max ${l.max} ms; ${figure.stepsPerSecond} steps/s; PG ${figure.load.postgresCores ?? '–'} / node ${figure.load.nodeCores} cores; ${figure.load.perSecond.xact_commit} commits/s`,
      ]);
      log(`  B (${kick ? 'kick' : `tick ${TICK_MS} ms only`}): ${load.acked.toLocaleString()} events at ${load.perSecond}/s → ${done.toLocaleString()} messages; event → message ${JSON.stringify(figure.eventToMessageMs)} ms`);
    }
  }

  const out = {
    benchmark: 'journeys',
    startedAt: started.toISOString(),
    customers: N,
    settings: { rate: RATE, seconds: SECONDS, batch: BATCH, tickMs: TICK_MS, chunk: CHUNK.chunk ?? 'default', storage: dataDir ? 'embedded' : 'external' },
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: os.loadavg(), note: 'shared machine: other processes ran at the same time' },
    results,
  };
  printTable(table);
  const dir = path.join(process.cwd(), 'bench', '.out');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `journeys-${started.toISOString().slice(0, 19).replace(/:/g, '-')}.json`), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

/** Each of the analytics' reads alone (best of 3, ms): where its time goes. */
async function analyticsQueries(vafa: RunningVafa, journeyId: string) {
  const f = { journeyId };
  const best = async (work: () => Promise<unknown>) => {
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      await work();
      min = Math.min(min, performance.now() - t0);
    }
    return Math.round(min * 10) / 10;
  };
  return {
    runGroups: await best(() => runGroups(vafa.db, f)),
    stepPorts: await best(() => stepPorts(vafa.db, f)),
    splitBranches: await best(() => splitBranches(vafa.db, f, ['c'])),
  };
}

/** GET …/analytics five times (after one unmeasured call), checking that it counted every run. */
async function timeAnalytics(api: (m: string, u: string) => Promise<Record<string, unknown>>, journeyId: string, runs: number) {
  await api('GET', `/api/v1/journeys/${journeyId}/analytics`);
  const timings: number[] = [];
  for (let i = 0; i < 5; i++) {
    const a0 = performance.now();
    const answer = await api('GET', `/api/v1/journeys/${journeyId}/analytics`);
    timings.push(performance.now() - a0);
    const entered = (answer.totals as { entered: number }).entered;
    if (entered !== runs) throw new Error(`analytics counted ${entered} runs of ${runs}`);
  }
  log(`  analytics over ${runs.toLocaleString()} runs × 5 steps: ${JSON.stringify(latency(timings))} ms`);
  return { runs, ms: latency(timings) };
}

/**
 * The floor for phase A's writes: the same rows for the same N customers (runs finished at the
 * exit, two queued messages each with their first history line and journey link, five step-log
 * rows each) in one transaction of INSERT … SELECT statements, on a draft journey of its own.
 */
async function burstBaseline(direct: pg.Pool, dataDir: string | undefined, workspaceId: string, templateId: string, api: (m: string, u: string, b?: unknown) => Promise<{ id: string }>) {
  const journey = await api('POST', '/api/v1/journeys', { name: 'Bench baseline', trigger: { kind: 'api' }, start: 'end', steps: [{ id: 'end', kind: 'exit' }] });
  const client = await direct.connect();
  const s0 = await snapshot(direct, dataDir);
  const t0 = performance.now();
  try {
    await client.query('begin');
    await client.query(
      `create temp table baseline_runs on commit drop as
       with runs as (
         insert into journey_runs (workspace_id, journey_id, version, customer_id, status, current_step, phase, entry_key, context, visits, finished_at, exit_reason)
         select $1, $2::uuid, 1, c.id, 'completed', 'end', 'ready', 'baseline:' || c.id, jsonb_build_object('action', 'entered'),
                '{"s1":1,"w":1,"c":1,"s2":1,"end":1}', now(), 'completed'
           from customers c where c.workspace_id = $1
         returning id, customer_id)
       select * from runs`,
      [workspaceId, journey.id],
    );
    await client.query(
      `with m as (
         insert into messages (workspace_id, customer_id, idempotency_key, category, priority, channels, template_id, variables, status, not_before)
         select $1, r.customer_id, 'journey:' || r.id || ':' || s.step || ':1', 'marketing', 5, '{sms}', $3, jsonb_build_object('trigger', jsonb_build_object('action', 'entered')), 'queued', now()
           from baseline_runs r cross join (values ('s1'), ('s2')) s(step)
         returning id, idempotency_key),
       e as (insert into message_events (message_id, status, reason, detail) select id, 'queued', null, '{}' from m)
       insert into journey_messages (message_id, journey_id, run_id, step_id)
       select m.id, $2, split_part(m.idempotency_key, ':', 2)::uuid, split_part(m.idempotency_key, ':', 3) from m`,
      [workspaceId, journey.id, templateId],
    );
    await client.query(
      `insert into journey_step_log (run_id, step_id, visit, workspace_id, journey_id, customer_id, version, kind, port, detail)
       select r.id, s.step, 1, $1, $2, r.customer_id, 1, s.kind, s.port, '{}'
         from baseline_runs r cross join (values ('s1', 'send', 'next'), ('w', 'wait', 'next'), ('c', 'condition', 'yes'), ('s2', 'send', 'next'), ('end', 'exit', 'exit:completed')) s(step, kind, port)`,
      [workspaceId, journey.id],
    );
    await client.query('commit');
  } catch (e) {
    await client.query('rollback');
    throw e;
  } finally {
    client.release();
  }
  const s = seconds(t0);
  const rows = (await direct.query<{ n: number }>('select count(*)::int as n from journey_step_log where journey_id = $1', [journey.id])).rows[0]?.n ?? 0;
  return { journeyId: journey.id, seconds: s, stepLogRows: rows, stepsPerSecond: Math.round(rows / s), load: loadBetween(s0, await snapshot(direct, dataDir)) };
}

/** The figures as a table on stderr (the JSON goes to stdout and bench/.out). */
function printTable(rows: [string, string][]) {
  const width = Math.max(...rows.map(([k]) => k.length));
  process.stderr.write(`\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\n`);
}

await main();
