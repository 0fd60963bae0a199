/**
 * Benchmark: segments over generated data (bench/segments/data.ts) — 1,000,000 customers and
 * 10,000,000 events at --scale 1, with consents, orders and analytics scores:
 *   fill      — the 20 segments of bench/segments/segments.ts created through POST /api/v1/segments
 *               (membership computed before the answer: every member inserted, with history).
 *   recompute — the scheduled full recompute of the workspace (SegmentService.recomputeWorkspace:
 *               lock, facts brought up to date — filled the first time —, one pass over the
 *               customers for all 20, a diff only where something changed), twice on data that did
 *               not change, and once more after the latency phase (facts re-read for the customers
 *               its events touched); each with its steps' timings.
 *   baseline  — the same 20 segments as hand-written SQL counts in the same run; the counts must
 *               equal Vafa's member counts.
 *   latency   — a steady --rate of background events through POST /v1/batch, plus --probes a second
 *               of "Bench Probe" events for customers not yet in the Probe segment; the time from
 *               sending a probe until the customer is a member (polled every 20 ms), p50/p99.
 *
 *   npx tsx bench/segments/bench.ts --scale 0.1     # 100,000 customers / 1,000,000 events
 *   npx tsx bench/segments/bench.ts [--database-url postgres://…/postgres] [--seconds 30 --rate 200 --probes 5]
 *
 * Vafa runs in this process (startVafa) with its own segment worker (VAFA_SEGMENTS_TICK_MS=--tick-ms,
 * full recompute off so that it does not interleave), on an embedded PostgreSQL unless
 * --database-url is given. Writes bench/.out/segments-<date>.json.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { todayIn } from '../../src/analytics/periods.ts';
import { startVafa, type RunningVafa } from '../../src/app.ts';
import { gregorianToJalali } from '../../src/platform/calendar/jalali.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { createApiKey } from '../../src/workspaces/keys.ts';
import { createWorkspace } from '../../src/workspaces/team.ts';
import { prepareStorage, runThenCleanUp } from '../lib/lifecycle.ts';
import { latency } from '../lib/stats.ts';
import { generateData } from './data.ts';
import { PROBE, SEGMENTS } from './segments.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    customers: { type: 'string' },
    events: { type: 'string' },
    seconds: { type: 'string', default: '30' },
    rate: { type: 'string', default: '200' },
    probes: { type: 'string', default: '5' },
    'tick-ms': { type: 'string', default: '250' },
    seed: { type: 'string', default: '1405' },
    'database-url': { type: 'string' },
    /** Leaves the data (embedded directory or external database) for a later look, e.g. EXPLAIN. */
    keep: { type: 'boolean', default: false },
  },
});
const SCALE = Number(args.scale);
const CUSTOMERS = Number(args.customers ?? Math.round(1_000_000 * SCALE));
const EVENTS = Number(args.events ?? Math.round(10_000_000 * SCALE));
const SECONDS = Number(args.seconds);
const RATE = Number(args.rate);
const PROBES = Number(args.probes);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const ms = (t0: number) => Math.round(performance.now() - t0);
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

async function main() {
  const started = new Date();
  const storage = await prepareStorage({ databaseUrl: args['database-url'] });
  const env = {
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    VAFA_ANALYTICS_CHECK_SECONDS: '0',
    VAFA_SEGMENTS_TICK_MS: args['tick-ms'],
    VAFA_SEGMENTS_RECOMPUTE_MS: '0',
    VAFA_TRACKING_EVENTS_PER_SECOND: '1000000',
    ...storage.env,
  };
  const vafa = await startVafa(loadConfig(env), createLogger('warn'));
  const direct = new pg.Pool({ connectionString: vafa.storage.url, max: 2, application_name: 'bench-direct' });
  direct.on('error', () => {});
  if (args.keep) log(`--keep: the data stays in ${storage.dataDir ?? storage.external?.name}`);
  await runThenCleanUp({ vafa, direct, remove: [args.keep ? undefined : storage.dataDir], external: args.keep ? undefined : storage.external, log }, () => run(vafa, direct, started));
}

async function run(vafa: RunningVafa, direct: pg.Pool, started: Date) {
  const { workspace } = await createWorkspace(vafa.db, { name: 'Bench (segments)', ownerEmail: 'bench-seg@example.com', ownerPassword: 'bench-password-1405' });
  const secret = (await createApiKey(vafa.db, workspace.id, { kind: 'secret', name: 'bench', role: 'owner' })).key;
  const writeKey = (await createApiKey(vafa.db, workspace.id, { kind: 'write', name: 'bench' })).key;
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${vafa.url}${url}`, { method, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  await api('POST', '/api/v1/attribute-definitions', { key: 'plan', label: 'Plan', type: 'enum', options: ['free', 'pro', 'gold'] });
  await api('POST', '/api/v1/attribute-definitions', { key: 'score', label: 'Score', type: 'number' });

  log(`generating ${CUSTOMERS.toLocaleString()} customers, ${EVENTS.toLocaleString()} events`);
  const client = new pg.Client({ connectionString: vafa.storage.url });
  client.on('error', () => {}); // ended by the clean-up when a step fails; the step's own error is reported
  await client.connect();
  const generated = await generateData(client, { workspaceId: workspace.id, customers: CUSTOMERS, events: EVENTS, seed: Number(args.seed), log });
  await client.end();

  // fill: creating each segment computes it.
  const fill: { name: string; ms: number; members: number; id: string }[] = [];
  for (const s of SEGMENTS) {
    const t0 = performance.now();
    const created = await api('POST', '/api/v1/segments', { name: s.name, kind: 'dynamic', rules: s.rules });
    fill.push({ name: s.name, ms: ms(t0), members: created.memberCount as number, id: created.id as string });
    log(`  fill ${s.name}: ${fill.at(-1)?.ms} ms, ${created.memberCount} members`);
  }

  // recompute: the scheduled path, twice (the first fills the facts its segments need).
  const service = new SegmentService({ db: vafa.db, log: createLogger('warn'), defaultCountry: 'IR' });
  const recompute: { total: number; steps: Record<string, number>; facts: { refreshed: number; filled: number }; changed: number }[] = [];
  const recomputeOnce = async (label: string) => {
    const t0 = performance.now();
    const r = await service.recomputeWorkspace(workspace.id);
    const changed = r.diffs.filter((d) => d.entered + d.exited > 0).length;
    recompute.push({ total: ms(t0), steps: r.steps, facts: r.facts, changed });
    log(`  recompute all ${r.diffs.length} in one pass, ${label}: ${ms(t0)} ms ${JSON.stringify(r.steps)} facts ${JSON.stringify(r.facts)}, ${changed} changed`);
  };
  for (let round = 0; round < 2; round++) await recomputeOnce(`round ${round + 1}`);

  // baseline: hand-written counts, same data, same run.
  const tz = ((await api('GET', '/api/v1/analytics/settings')).timezone as string) ?? 'UTC';
  const today = todayIn(tz);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const jalaliMonth = gregorianToJalali(y, m, d).month;
  const baseline: { ms: number; count: number }[] = [];
  // The same work_mem as Vafa's recompute transaction.
  const counter = new pg.Client({ connectionString: vafa.storage.url });
  counter.on('error', () => {});
  await counter.connect();
  await counter.query(`set work_mem = '128MB'`);
  const t0 = performance.now();
  for (const s of SEGMENTS) {
    const s0 = performance.now();
    const r = await counter.query(s.sql, [workspace.id, today, tz, jalaliMonth].slice(0, paramsOf(s.sql))).catch((e: Error) => {
      throw new Error(`baseline of ${s.name}: ${e.message}`);
    });
    baseline.push({ ms: ms(s0), count: Number(r.rows[0].count) });
  }
  const baselineTotal = ms(t0);
  await counter.end();
  const counts = await sql<{ id: string; member_count: number }>`select id, member_count from segments where workspace_id = ${workspace.id}`.execute(vafa.db);
  const countOf = new Map(counts.rows.map((r) => [r.id, r.member_count]));
  const mismatches = fill.map((f, i) => ({ name: f.name, vafa: countOf.get(f.id), baseline: baseline[i]?.count })).filter((x) => x.vafa !== x.baseline);
  log(`  baseline: ${baselineTotal} ms; count mismatches: ${mismatches.length}`);

  const probe = await measureLatency(vafa, api, writeKey, direct);
  // After the latency phase: the facts of the customers its events touched are re-read first.
  await recomputeOnce('after the latency phase');

  const out = {
    date: started.toISOString(),
    machine: { cores: (await import('node:os')).cpus().length, note: 'shared machine: other processes ran at the same time' },
    data: generated,
    fill: { totalMs: fill.reduce((a, f) => a + f.ms, 0), segments: fill.map(({ id: _id, ...f }) => f) },
    recompute,
    baseline: { totalMs: baselineTotal, perSegment: baseline },
    mismatches,
    latency: probe,
  };
  const outFile = path.resolve(import.meta.dirname, `../.out/segments-${started.toISOString().slice(0, 10)}.json`);
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(out, null, 2)}\n`);
  log(`written ${outFile}`);
  process.stdout.write(`${JSON.stringify({ fillMs: out.fill.totalMs, recompute: recompute.map((r) => r.total), baselineMs: baselineTotal, mismatches, latency: probe }, null, 2)}\n`);
}

const paramsOf = (text: string) => Math.max(0, ...[...text.matchAll(/\$(\d)/g)].map((x) => Number(x[1])));

/** Steady background events plus probes; probe → membership latency in ms. */
async function measureLatency(vafa: RunningVafa, api: (m: string, u: string, b?: unknown) => Promise<Record<string, unknown>>, writeKey: string, direct: pg.Pool) {
  const segment = await api('POST', '/api/v1/segments', { name: PROBE.name, kind: 'dynamic', rules: PROBE.rules });
  const probeCount = Math.max(1, Math.floor(SECONDS * PROBES));
  const probeCustomers = (await direct.query(`select id, external_id from customers where workspace_id = (select workspace_id from segments where id = $1) order by external_id limit $2`, [segment.id, probeCount])).rows as {
    id: string;
    external_id: string;
  }[];
  let seq = 0;
  const send = async (batch: Record<string, unknown>[]) => {
    const res = await fetch(`${vafa.url}/v1/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writeKey, batch }) });
    if (res.status !== 200) throw new Error(`batch: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const pending = new Map<string, number>();
  const latencies: number[] = [];
  let stop = false;
  const background = (async () => {
    const perTick = Math.max(1, Math.round(RATE / 10));
    while (!stop) {
      const t0 = performance.now();
      const batch = Array.from({ length: perTick }, () => ({
        type: 'track',
        userId: `c${1 + Math.floor(Math.random() * CUSTOMERS)}`,
        event: 'Product Viewed',
        properties: { category: 'shoes', price: 10 },
        messageId: `bg-${++seq}`,
      }));
      await send(batch).catch((e: unknown) => log(`  background batch failed: ${String(e)}`));
      await sleep(Math.max(0, 100 - (performance.now() - t0)));
    }
  })();
  const poller = (async () => {
    while (!stop || pending.size > 0) {
      if (pending.size > 0) {
        const ids = [...pending.keys()];
        const r = await direct.query(`select customer_id from segment_members where segment_id = $1 and customer_id = any($2::uuid[])`, [segment.id, ids]);
        const now = performance.now();
        for (const row of r.rows as { customer_id: string }[]) {
          latencies.push(now - (pending.get(row.customer_id) ?? now));
          pending.delete(row.customer_id);
        }
      }
      await sleep(20);
    }
  })();
  const t0 = performance.now();
  for (const c of probeCustomers) {
    const at = t0 + (latencies.length + pending.size) * (1000 / PROBES);
    await sleep(Math.max(0, at - performance.now()));
    const sentAt = performance.now();
    await send([{ type: 'track', userId: c.external_id, event: 'Bench Probe', messageId: `probe-${c.id}` }]);
    pending.set(c.id, sentAt);
  }
  stop = true;
  await background;
  const deadline = performance.now() + 30_000;
  while (pending.size > 0 && performance.now() < deadline) await sleep(50);
  const lost = pending.size;
  pending.clear();
  await poller;
  const backgroundEvents = seq;
  return { backgroundRatePerSecond: RATE, probes: probeCustomers.length, backgroundEvents, notSeenWithin30s: lost, ms: latency(latencies) };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
