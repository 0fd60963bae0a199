/**
 * Benchmark: tracking intake over HTTP against a raw COPY of the same events, in one run on the
 * same PostgreSQL (issue 3, point 9 a/b):
 *   warm-up  — every batch template once (bench/ingest/data.ts): ~10,000 people seen for the
 *              first time, anonymous visitors identifying; reported, not measured below.
 *   vafa     — N concurrent keep-alive clients post 100-event batches to POST /v1/batch for
 *              --seconds: events/s acknowledged (200 = durably committed), p50/p99 ack latency.
 *              Clients use node:http with a keep-alive agent (the lightest client: it shares
 *              the 2 cores with Vafa and PostgreSQL).
 *   baseline — psql `\copy events(…) from file` of exactly the events Vafa acknowledged, with the
 *              customer ids Vafa resolved, into a second workspace of the same `events` table.
 *   memory   — peak RSS (and PSS) of this Node process plus every PostgreSQL process.
 *
 *   npx tsx bench/ingest/bench.ts [--clients 8] [--seconds 30] [--database-url postgres://…/postgres] [--keep]
 *
 * Vafa runs in this process (startVafa) on an embedded PostgreSQL in a temporary data directory
 * unless --database-url is given (then a database of its own is created there and dropped).
 * Writes bench/.out/ingest.json.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { prepareStorage, runThenCleanUp } from '../lib/lifecycle.ts';
import { startVafa, type RunningVafa } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createApiKey } from '../../src/workspaces/keys.ts';
import { createWorkspace } from '../../src/workspaces/team.ts';
import { MemorySampler, postmasterPid, processTree, type MemoryPeak } from '../customers/memory.ts';
import { BATCH_TOKEN, templates, type BenchEvent, type Template } from './data.ts';
import { latency } from '../lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '8' },
    seconds: { type: 'string', default: '30' },
    batch: { type: 'string', default: '100' },
    users: { type: 'string', default: '10000' },
    templates: { type: 'string', default: '300' },
    seed: { type: 'string', default: '1405' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const CLIENTS = Number(args.clients);
const SECONDS = Number(args.seconds);
const BATCH = Number(args.batch);
const USERS = Number(args.users);
const TEMPLATES = Number(args.templates);
const SEED = Number(args.seed);
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);


/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100/s)
  } catch {
    return 0;
  }
}

interface LoadResult {
  acked: number[];
  events: number;
  seconds: number;
  latencies: number[];
  failures: Record<string, number>;
  perSecond: number[];
  requestBytes: number;
}

/**
 * N clients, each one request in flight on its own keep-alive connection, posting batches
 * `first`, `first + 1`, … (batch k is template k mod the pool size) until the deadline or
 * `until` batches.
 */
async function load(url: string, writeKey: string, pool: Template[], range: { first: number; seconds: number; until?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const { hostname, port } = new URL(url);
  const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
  const acked: number[] = [];
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const perSecond: number[] = [];
  let next = range.first;
  let requestBytes = 0;
  const t0 = performance.now();
  const deadline = t0 + range.seconds * 1000;
  let lastAck = t0;

  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { agent, hostname, port, path: '/v1/batch', method: 'POST', headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const client = async () => {
    while (performance.now() < deadline && (range.until === undefined || next < range.until)) {
      const seq = next++;
      const template = pool[seq % pool.length]!;
      const body = template.parts.join(String(seq));
      requestBytes += body.length;
      const start = performance.now();
      const res = await post(body);
      const end = performance.now();
      if (res.status === 200) {
        acked.push(seq);
        latencies.push(end - start);
        lastAck = end;
        const second = Math.floor((end - t0) / 1000);
        perSecond[second] = (perSecond[second] ?? 0) + BATCH;
      } else {
        const key = `${res.status} ${res.text.slice(0, 120)}`;
        failures[key] = (failures[key] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  agent.destroy();
  const seconds = (lastAck - t0) / 1000;
  return { acked, events: acked.length * BATCH, seconds, latencies, failures, perSecond: Array.from(perSecond, (n) => n ?? 0), requestBytes };
}

/** Samples what Vafa's PostgreSQL connections are doing (state and wait event) until stopped. */
function sampleWaits(direct: pg.Pool) {
  const counts: Record<string, number> = {};
  let running = true;
  const loop = (async () => {
    while (running) {
      const rows = await direct.query<{ what: string; n: number }>(
        `select coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' (' || state || ')' as what, count(*)::int as n
         from pg_stat_activity where application_name = 'vafa' and state <> 'idle' group by 1`,
      );
      for (const r of rows.rows) counts[r.what] = (counts[r.what] ?? 0) + r.n;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return Object.fromEntries(Object.entries(counts).sort((a, b) => b[1] - a[1]));
    },
  };
}

/** COPY text format: backslash, tab, newline and carriage return escaped; \N is NULL. */
const copyText = (v: string | null | undefined) => (v == null ? '\\N' : v.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')));
const COPY_COLUMNS = 'workspace_id, id, message_id, customer_id, type, name, properties, context, anonymous_id, user_id, occurred_at';

/** What Vafa stores in `properties` for each call type (src/tracking/ingest.ts). */
const propertiesOf = (e: BenchEvent) => (e.type === 'identify' ? (e.traits ?? {}) : (e.properties ?? {}));

/**
 * The baseline's input: every acknowledged event, the batch number filled in as Vafa saw it,
 * with the customer id Vafa resolved (by userId, else by anonymousId). Row templates are
 * escaped once per template event, then written per batch.
 */
async function writeCopyFile(file: string, pool: Template[], acked: number[], workspaceId: string, customerOf: (e: BenchEvent) => string): Promise<number> {
  const rows = pool.map((t) =>
    t.events.map((e) => {
      const cells = [
        copyText(e.messageId),
        customerOf(e),
        e.type,
        copyText(e.type === 'identify' ? null : (e.event ?? e.name ?? null)),
        copyText(JSON.stringify(propertiesOf(e))),
        copyText(JSON.stringify(e.context)),
        copyText(e.anonymousId ?? null),
        copyText(e.userId ?? null),
        e.timestamp,
      ];
      return cells.join('\t').split(BATCH_TOKEN);
    }),
  );
  const out = fs.createWriteStream(file);
  let bytes = 0;
  let chunk = '';
  for (const seq of acked) {
    const s = String(seq);
    for (const parts of rows[seq % pool.length]!) chunk += `${workspaceId}\t${randomUUID()}\t${parts.join(s)}\n`;
    if (chunk.length > 1 << 20) {
      bytes += chunk.length;
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  bytes += chunk.length;
  out.end(chunk);
  await once(out, 'finish');
  return bytes;
}

async function psqlCopy(url: string, file: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn('/usr/bin/psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `\\copy events(${COPY_COLUMNS}) from '${file}'`], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`psql \\copy exited with ${code}: ${output}`);
  return performance.now() - t0;
}

async function main() {
  const started = new Date();
  const storage = await prepareStorage({ databaseUrl: args['database-url'] });
  const { external, dataDir } = storage;
  const env: Record<string, string> = { LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', VAFA_TRACKING_EVENTS_PER_SECOND: '100000000', ...storage.env };
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-bench-copy-'));
  const config = loadConfig(env);
  const vafa: RunningVafa = await startVafa(config, createLogger('warn'));
  const direct = new pg.Pool({ connectionString: vafa.storage.url, max: 2, application_name: 'bench-baseline' });
  await runThenCleanUp({ vafa, direct, remove: [workDir, args.keep ? undefined : dataDir], external: args.keep ? undefined : external, log }, () => run(vafa, direct, started, dataDir, workDir, config.dbPoolSize));
}

async function run(vafa: RunningVafa, direct: pg.Pool, started: Date, dataDir: string | undefined, workDir: string, poolSize: number) {
  const startLoad = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const settings = await direct.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where name in ('server_version', 'shared_buffers', 'max_wal_size', 'synchronous_commit', 'commit_delay', 'commit_siblings', 'wal_buffers', 'data_directory')`,
  );
  const setting = (name: string) => settings.rows.find((r) => r.name === name)?.setting ?? '?';
  const pgDir = dataDir ? path.join(dataDir, 'pg') : setting('data_directory');
  const postmaster = postmasterPid(pgDir);
  // Reading /proc blocks this process, which also serves Vafa: sample less often than bench/customers.
  const sampler = new MemorySampler(postmaster, 250, 5000, 5000).start();

  const owner = { ownerPassword: 'bench-password-1405', ownerEmail: 'bench@example.com' };
  const { workspace } = await createWorkspace(vafa.db, { name: 'Bench (Vafa)', ...owner });
  const { workspace: baselineWs } = await createWorkspace(vafa.db, { name: 'Bench (COPY baseline)', ...owner });
  const { key: writeKey } = await createApiKey(vafa.db, workspace.id, { kind: 'write', name: 'bench' });

  log(`generating ${TEMPLATES} batch templates of ${BATCH} events from ${USERS} users`);
  const pool = templates(SEED, TEMPLATES, BATCH, USERS);
  const idle = sampler.takePeak();

  // Warm-up: every template once — the shop's first minutes with Vafa, when its ~10,000 people
  // are new: customers created, anonymous visitors identified, traits and products first seen.
  log(`warm-up: ${TEMPLATES} batches (each template once), ${CLIENTS} clients`);
  const warm = await load(vafa.url, writeKey, pool, { first: 0, seconds: 3600, until: TEMPLATES });
  const warmRate = Math.round(warm.events / warm.seconds);
  log(`warm-up: ${warm.events} events in ${warm.seconds.toFixed(1)} s = ${warmRate} events/s; failures: ${JSON.stringify(warm.failures)}`);

  log(`posting for ${SECONDS} s: ${CLIENTS} clients, ${BATCH} events a batch`);
  await direct.query('checkpoint');
  const pgPids = postmaster ? processTree(postmaster) : [];
  const cpuBefore = { node: cpuSeconds(process.pid), postgres: pgPids.reduce((s, p) => s + cpuSeconds(p), 0) };
  const waits = sampleWaits(direct);
  const result = await load(vafa.url, writeKey, pool, { first: TEMPLATES, seconds: SECONDS });
  const waitCounts = await waits.stop();
  const pgPidsAfter = postmaster ? [...new Set([...pgPids, ...processTree(postmaster)])] : [];
  const cpu = {
    nodeSeconds: Math.round((cpuSeconds(process.pid) - cpuBefore.node) * 10) / 10,
    postgresSeconds: Math.round((pgPidsAfter.reduce((s, p) => s + cpuSeconds(p), 0) - cpuBefore.postgres) * 10) / 10,
  };
  const loadMemory = sampler.takePeak();
  const vafaRate = Math.round(result.events / result.seconds);
  log(`vafa: ${result.events} events in ${result.seconds.toFixed(1)} s = ${vafaRate} events/s; failures: ${JSON.stringify(result.failures)}`);

  const count = async (ws: string) => Number((await direct.query<{ n: string }>(`select count(*) as n from events where workspace_id = $1`, [ws])).rows[0]?.n);
  const stored = await count(workspace.id);
  if (stored !== warm.events + result.events) throw new Error(`acknowledged ${warm.events + result.events} events but ${stored} are stored`);

  // The baseline gets Vafa's identity resolution for free: customer ids looked up beforehand.
  const byUser = new Map<string, string>();
  const byAnon = new Map<string, string>();
  for (const r of (await direct.query<{ external_id: string; id: string }>(`select external_id, id from customers where workspace_id = $1 and merged_into is null and external_id is not null`, [workspace.id])).rows) {
    byUser.set(r.external_id, r.id);
  }
  for (const r of (await direct.query<{ anonymous_id: string; customer_id: string }>(`select anonymous_id, customer_id from customer_identities where workspace_id = $1`, [workspace.id])).rows) {
    byAnon.set(r.anonymous_id, r.customer_id);
  }
  const customerOf = (e: BenchEvent) => (e.userId ? byUser.get(e.userId) : undefined) ?? byAnon.get(e.anonymousId ?? '') ?? randomUUID();
  const file = path.join(workDir, 'events.copy');
  log('writing the COPY file');
  const copyBytes = await writeCopyFile(file, pool, result.acked, baselineWs.id, customerOf);
  fs.chmodSync(workDir, 0o755);
  await direct.query('checkpoint'); // both phases start with no dirty buffers of the other
  log(`COPY of ${result.events} events (${Math.round(copyBytes / 2 ** 20)} MB)`);
  const copyMs = await psqlCopy(vafa.storage.url, file);
  const copyMemory = sampler.takePeak();
  sampler.stop();
  const copied = await count(baselineWs.id);
  if (copied !== result.events) throw new Error(`COPY stored ${copied} events, expected ${result.events}`);
  const copyRate = Math.round((result.events * 1000) / copyMs);

  const sizes = await direct.query<{ table: string; total_mb: number; indexes_mb: number }>(
    `select t.name as table,
            round(sum(pg_total_relation_size(p.relid)) / 1048576.0) as total_mb,
            round(sum(pg_indexes_size(p.relid)) / 1048576.0) as indexes_mb
     from (values ('events'), ('event_ids')) as t(name), lateral pg_partition_tree(t.name::regclass) p
     where p.isleaf group by t.name`,
  );
  const customers = await direct.query<{ anonymous: boolean; n: string }>(
    `select anonymous, count(*) as n from customers where workspace_id = $1 and merged_into is null group by 1`,
    [workspace.id],
  );
  const merges = await direct.query<{ n: string }>(`select count(*) as n from customer_merges where workspace_id = $1`, [workspace.id]);
  const typeMix = await direct.query<{ type: string; n: string }>(`select type, count(*) as n from events where workspace_id = $1 group by 1 order by 2 desc`, [workspace.id]);

  const out = {
    benchmark: 'ingest',
    date: started.toISOString(),
    command: `npx tsx bench/ingest/bench.ts ${process.argv.slice(2).join(' ')}`.trim(),
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAverageAtStart: startLoad,
      loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    postgres: {
      mode: vafa.storage.mode,
      version: setting('server_version'),
      settings: Object.fromEntries(['shared_buffers', 'max_wal_size', 'wal_buffers', 'synchronous_commit', 'commit_delay', 'commit_siblings'].map((n) => [n, setting(n)])),
      vafaPoolSize: poolSize,
    },
    data: {
      users: USERS,
      templates: TEMPLATES,
      batchSize: BATCH,
      requestMb: Math.round(result.requestBytes / 2 ** 20),
      copyFileMb: Math.round(copyBytes / 2 ** 20),
      warmUpEvents: warm.events,
      measuredEvents: result.events,
      typeMix: Object.fromEntries(typeMix.rows.map((r) => [r.type, Number(r.n)])),
      customers: Object.fromEntries(customers.rows.map((r) => [r.anonymous ? 'anonymous' : 'known', Number(r.n)])),
      merges: Number(merges.rows[0]?.n),
      sizes: sizes.rows,
    },
    warmUp: {
      eventsPerSec: warmRate,
      seconds: Math.round(warm.seconds * 10) / 10,
      ackLatencyMs: latency(warm.latencies),
      failures: warm.failures,
    },
    vafa: {
      clients: CLIENTS,
      eventsPerSec: vafaRate,
      batches: result.acked.length,
      seconds: Math.round(result.seconds * 10) / 10,
      ackLatencyMs: latency(result.latencies),
      failures: result.failures,
      eventsPerSecond: result.perSecond,
      cpu,
      /** What Vafa's connections were doing, sampled every 50 ms: where the time goes. */
      postgresWaits: waitCounts,
    },
    baseline: { copyEventsPerSec: copyRate, seconds: Math.round(copyMs / 100) / 10 },
    ratio: Math.round((vafaRate / copyRate) * 1000) / 1000,
    memory: { idle, load: loadMemory, copy: copyMemory } satisfies Record<string, MemoryPeak>,
    totalSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  };
  const outFile = path.resolve(import.meta.dirname, '../.out/ingest.json');
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(out, null, 2)}\n`);
  printTable(out);
  process.stdout.write(`\nwritten to ${path.relative(process.cwd(), outFile)}\n`);
}

function printTable(r: {
  data: { measuredEvents: number; warmUpEvents: number; requestMb: number };
  warmUp: { eventsPerSec: number; seconds: number; ackLatencyMs: ReturnType<typeof latency> };
  postgres: { mode: string; version: string };
  vafa: { clients: number; eventsPerSec: number; seconds: number; ackLatencyMs: ReturnType<typeof latency>; cpu: { nodeSeconds: number; postgresSeconds: number } };
  baseline: { copyEventsPerSec: number; seconds: number };
  ratio: number;
  memory: Record<'idle' | 'load' | 'copy', MemoryPeak>;
  totalSeconds: number;
}) {
  const l = r.vafa.ackLatencyMs;
  const lines = [
    `ingest benchmark: ${r.data.measuredEvents} events measured (${r.data.requestMb} MB of JSON) after a warm-up of ${r.data.warmUpEvents}, PostgreSQL ${r.postgres.version} (${r.postgres.mode}), ${r.totalSeconds} s in all`,
    '',
    '| | events/s | seconds | ack p50 ms | ack p99 ms |',
    '|---|---|---|---|---|',
    `| warm-up: each template once (new customers, first identifies) | ${r.warmUp.eventsPerSec} | ${r.warmUp.seconds} | ${r.warmUp.ackLatencyMs.p50} | ${r.warmUp.ackLatencyMs.p99} |`,
    `| Vafa POST /v1/batch (${r.vafa.clients} clients, 100 events a batch) | ${r.vafa.eventsPerSec} | ${r.vafa.seconds} | ${l.p50} | ${l.p99} |`,
    `| baseline psql \\copy events | ${r.baseline.copyEventsPerSec} | ${r.baseline.seconds} | | |`,
    `| ratio Vafa / COPY | ${r.ratio} | | | |`,
    '',
    `CPU during the HTTP phase: Node ${r.vafa.cpu.nodeSeconds} s, PostgreSQL ${r.vafa.cpu.postgresSeconds} s`,
    '',
    '| peak memory (MB) | Node RSS | PostgreSQL RSS | total RSS | total PSS |',
    '|---|---|---|---|---|',
  ];
  for (const phase of ['idle', 'load', 'copy'] as const) {
    const m = r.memory[phase];
    lines.push(`| ${phase} | ${m.nodeRssMb} | ${m.postgresRssMb} (${m.postgresProcesses} procs) | ${m.totalRssMb} | ${m.totalPssMb ?? 'n/a'} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
