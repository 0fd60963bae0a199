/**
 * Benchmark: bulk-create customers over HTTP, then search them by name and by phone, each
 * against a baseline measured in the same run on the same PostgreSQL:
 *   load   — POST /api/v1/customers/bulk (batches of 1,000, 2 in flight) vs a hand-written
 *            INSERT … SELECT FROM unnest(…) of the same rows, pre-normalised, into a second
 *            workspace. The two alternate in chunks so both see the same table size.
 *   search — GET /api/v1/customers?q=… (sequential) vs the hand-written SQL run directly.
 *   memory — peak RSS (and PSS) of this Node process plus every PostgreSQL process.
 *
 *   npx tsx bench/customers/bench.ts [--rows 1000000] [--database-url postgres://…/postgres] [--keep]
 *
 * With --database-url the benchmark creates a database of its own on that server and drops it
 * at the end; by default it runs an embedded PostgreSQL in a temporary data directory.
 * Writes bench/.out/customers.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { prepareStorage, runThenCleanUp } from '../lib/lifecycle.ts';
import { startVafa, type RunningVafa } from '../../src/app.ts';
import { searchTextOf, normalizeFields } from '../../src/customers/service.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { searchKey } from '../../src/platform/text/normalize.ts';
import { phoneQueryDigits } from '../../src/platform/text/phone.ts';
import { createApiKey } from '../../src/workspaces/keys.ts';
import { createWorkspace } from '../../src/workspaces/team.ts';
import { attributeDefinitions, generateBatch, searchQueries, type SearchTarget } from './data.ts';
import { MemorySampler, postmasterPid, type MemoryPeak } from './memory.ts';
import { latency, pool } from '../lib/stats.ts';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '2' },
    searches: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1405' },
    'database-url': { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const ROWS = Number(args.rows);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const SEARCHES = Number(args.searches);
const SEED = Number(args.seed);
/** Batches per load chunk: Vafa loads a chunk, then the baseline loads the same chunk. */
const CHUNK_BATCHES = 25;
const batches = Math.ceil(ROWS / BATCH);
const sampleEvery = Math.max(1, Math.floor(ROWS / 5000));
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);


/** A PostgreSQL array literal for text[] ({"a","b"}), so jagged lists can travel through unnest. */
const pgArray = (xs: unknown) => `{${((xs as string[] | undefined) ?? []).map((x) => `"${x.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;

const baselineColumns = ['external_id', 'first_name', 'last_name', 'emails', 'phones', 'birthday', 'gender', 'city', 'language', 'tags', 'attributes', 'search_text'] as const;
/** The baseline: the same rows, already normalised, in one statement per batch. */
const baselineInsert = `
  insert into customers (workspace_id, ${baselineColumns.join(', ')})
  select $1, t.external_id, t.first_name, t.last_name, t.emails::text[], t.phones::text[], t.birthday::date, t.gender, t.city,
         t.language, t.tags::text[], t.attributes::jsonb, t.search_text
  from unnest(${baselineColumns.map((_, i) => `$${i + 2}::text[]`).join(', ')}) as t(${baselineColumns.join(', ')})`;

function baselineParams(batchIndex: number): unknown[][] {
  const cols: unknown[][] = baselineColumns.map(() => []);
  for (const input of generateBatch(SEED, batchIndex, BATCH, sampleEvery).customers) {
    const v = normalizeFields(input, 'IR');
    const row = { ...v, emails: pgArray(v.emails), phones: pgArray(v.phones), tags: pgArray(v.tags), attributes: JSON.stringify(input.attributes ?? {}), search_text: searchTextOf(v) };
    for (const [i, c] of baselineColumns.entries()) cols[i]!.push((row as Record<string, unknown>)[c] ?? null);
  }
  return cols;
}

/** `?q=` as src/customers/list.ts builds it, written by hand; `ordered` adds the page order. */
function searchSql(q: string, ordered: boolean): { text: string; params: string[] } {
  const like = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const params = searchKey(q).split(' ').filter(Boolean).map(like);
  let cond = params.map((_, i) => `search_text like $${i + 2}`).join(' and ');
  const digits = phoneQueryDigits(q, 'IR');
  if (digits) {
    params.push(like(digits));
    cond = `((${cond}) or search_text like $${params.length + 1})`;
  }
  const order = ordered ? 'order by created_at desc, id desc' : '';
  return {
    text: `select id, first_name, last_name, phones from customers where workspace_id = $1 and merged_into is null and erased_at is null and ${cond} ${order} limit 50`,
    params,
  };
}

async function main() {
  const started = new Date();
  const storage = await prepareStorage({ databaseUrl: args['database-url'] });
  const { external, dataDir } = storage;
  const env: Record<string, string> = { LOG_LEVEL: 'warn', PORT: '0', HOST: '127.0.0.1', ...storage.env };

  const vafa: RunningVafa = await startVafa(loadConfig(env), createLogger('warn'));
  const direct = new pg.Pool({ connectionString: vafa.storage.url, max: CONCURRENCY, application_name: 'bench-baseline' });
  await runThenCleanUp({ vafa, direct, remove: [args.keep ? undefined : dataDir], external: args.keep ? undefined : external, log }, () => run(vafa, direct, started, dataDir));
}

async function run(vafa: RunningVafa, direct: pg.Pool, started: Date, dataDir: string | undefined) {
  const startLoad = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const settings = await direct.query<{ name: string; setting: string }>(
    `select name, setting from pg_settings where name in ('server_version', 'shared_buffers', 'work_mem', 'max_wal_size', 'synchronous_commit', 'data_directory')`,
  );
  const setting = (name: string) => settings.rows.find((r) => r.name === name)?.setting ?? '?';
  const pgDir = dataDir ? path.join(dataDir, 'pg') : setting('data_directory');
  const sampler = new MemorySampler(postmasterPid(pgDir)).start();

  const owner = { ownerPassword: 'bench-password-1405' };
  const { workspace } = await createWorkspace(vafa.db, { name: 'Bench (Vafa)', ownerEmail: 'bench@example.com', ...owner });
  const { workspace: baselineWs } = await createWorkspace(vafa.db, { name: 'Bench (baseline)', ownerEmail: 'bench@example.com', ...owner });
  const { key } = await createApiKey(vafa.db, workspace.id, { kind: 'secret', name: 'bench', role: 'owner' });
  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  for (const def of attributeDefinitions) {
    const res = await fetch(`${vafa.url}/api/v1/attribute-definitions`, { method: 'POST', headers, body: JSON.stringify(def) });
    if (res.status !== 201) throw new Error(`defining ${def.key}: ${res.status} ${await res.text()}`);
  }
  const idle = sampler.takePeak();

  // Load: Vafa's bulk API and the baseline take turns, one chunk of batches each.
  log(`loading ${ROWS} customers: ${batches} batches of ${BATCH}, ${CONCURRENCY} in flight`);
  const targets: SearchTarget[] = [];
  let vafaMs = 0;
  let baselineMs = 0;
  let requestBytes = 0;
  for (let first = 0; first < batches; first += CHUNK_BATCHES) {
    const chunk = Array.from({ length: Math.min(CHUNK_BATCHES, batches - first) }, (_, i) => first + i);
    const bodies = chunk.map((k) => {
      const batch = generateBatch(SEED, k, BATCH, sampleEvery);
      targets.push(...batch.targets);
      return JSON.stringify({ customers: batch.customers });
    });
    requestBytes += bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);
    let t0 = performance.now();
    await pool(bodies, CONCURRENCY, async (body) => {
      const res = await fetch(`${vafa.url}/api/v1/customers/bulk`, { method: 'POST', headers, body });
      if (res.status !== 201) throw new Error(`bulk create: ${res.status} ${(await res.text()).slice(0, 500)}`);
      await res.arrayBuffer();
    });
    vafaMs += performance.now() - t0;

    const params = chunk.map(baselineParams);
    t0 = performance.now();
    await pool(params, CONCURRENCY, async (cols) => void (await direct.query(baselineInsert, [baselineWs.id, ...cols])));
    baselineMs += performance.now() - t0;
    const done = Math.min(ROWS, (first + chunk.length) * BATCH);
    log(`${done} rows: vafa ${Math.round((done / vafaMs) * 1000)} rows/s, baseline ${Math.round((done / baselineMs) * 1000)} rows/s`);
  }
  const loadMemory = sampler.takePeak();
  const counts = await direct.query<{ workspace_id: string; n: string }>(`select workspace_id, count(*) as n from customers group by 1`);
  const countOf = (id: string) => Number(counts.rows.find((r) => r.workspace_id === id)?.n ?? 0);
  if (countOf(workspace.id) !== batches * BATCH) throw new Error(`expected ${batches * BATCH} customers, found ${countOf(workspace.id)}`);
  const sizes = await direct.query<{ table: string; total: string; indexes: string }>(
    `select relname as table, pg_size_pretty(pg_total_relation_size(oid)) as total, pg_size_pretty(pg_indexes_size(oid)) as indexes
     from pg_class where relname in ('customers', 'customer_activity')`,
  );

  // Search: the same queries through the API and as hand-written SQL, alternating which goes first.
  const { byName, byPhone } = searchQueries(targets, SEARCHES, SEED);
  log(`searching: ${byName.length} by name, ${byPhone.length} by phone`);
  const search = async (queries: string[]) => {
    const http: number[] = [];
    const sqlSamePage: number[] = [];
    const sqlAnyMatch: number[] = [];
    let hits = 0;
    let empty = 0;
    const slow: { q: string; httpMs: number; sqlSamePageMs: number }[] = [];
    for (const [i, q] of queries.entries()) {
      const viaHttp = async () => {
        const t0 = performance.now();
        const res = await fetch(`${vafa.url}/api/v1/customers?q=${encodeURIComponent(q)}`, { headers });
        const body = (await res.json()) as { data: unknown[] };
        http.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`search ${q}: ${res.status}`);
        hits += body.data.length;
        if (body.data.length === 0) empty++;
      };
      const viaSql = async (ordered: boolean, into: number[]) => {
        const { text, params } = searchSql(q, ordered);
        const t0 = performance.now();
        await direct.query(text, [workspace.id, ...params]);
        into.push(performance.now() - t0);
      };
      if (i % 2 === 0) await viaHttp();
      await viaSql(true, sqlSamePage);
      await viaSql(false, sqlAnyMatch);
      if (i % 2 === 1) await viaHttp();
      slow.push({ q, httpMs: Math.round(http.at(-1)!), sqlSamePageMs: Math.round(sqlSamePage.at(-1)!) });
    }
    const slowest = slow.sort((a, b) => b.httpMs - a.httpMs).slice(0, 5);
    return { http: latency(http, 2), sqlSamePage: latency(sqlSamePage, 2), sqlAnyMatch: latency(sqlAnyMatch, 2), meanHits: hits / queries.length, empty, slowest };
  };
  const nameSearch = await search(byName);
  const phoneSearch = await search(byPhone);
  const searchMemory = sampler.takePeak();
  sampler.stop();

  const explain = async (q: string) => {
    const { text, params } = searchSql(q, true);
    const plan = await direct.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, [workspace.id, ...params]);
    const lines = plan.rows.map((r) => r['QUERY PLAN']);
    return { query: q, usesTrigramIndex: lines.some((l) => l.includes('customers_search')), plan: lines };
  };
  // One full name, one single word, one phone: the planner picks differently for each.
  const plans = [byName.find((q) => q.includes(' ')), byName.find((q) => !q.includes(' ')), byPhone[0]].filter((q) => q !== undefined);
  const explained = [];
  for (const q of plans) explained.push(await explain(q));

  const rate = (ms: number) => Math.round((batches * BATCH * 1000) / ms);
  const result = {
    benchmark: 'customers',
    date: started.toISOString(),
    machine: {
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model,
      memoryGb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      // Other work on the machine skews absolute figures (the ratios less so): recorded to judge a run.
      loadAverageAtStart: startLoad,
      loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    postgres: {
      mode: vafa.storage.mode,
      version: setting('server_version'),
      settings: Object.fromEntries(['shared_buffers', 'work_mem', 'max_wal_size', 'synchronous_commit'].map((n) => [n, setting(n)])),
    },
    data: { customers: countOf(workspace.id), baselineCustomers: countOf(baselineWs.id), requestMb: Math.round(requestBytes / 2 ** 20), sizes: sizes.rows },
    load: {
      vafaRowsPerSec: rate(vafaMs),
      baselineRowsPerSec: rate(baselineMs),
      vafaSeconds: Math.round(vafaMs / 100) / 10,
      baselineSeconds: Math.round(baselineMs / 100) / 10,
      ratio: Math.round((vafaMs / baselineMs) * 100) / 100,
    },
    search: { byName: nameSearch, byPhone: phoneSearch },
    memory: { idle, load: loadMemory, search: searchMemory } satisfies Record<string, MemoryPeak>,
    plans: explained,
    totalSeconds: Math.round((Date.now() - started.getTime()) / 1000),
  };
  const out = path.resolve(import.meta.dirname, '../.out/customers.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  printTable(result);
  process.stdout.write(`\nplans:\n${explained.map((p) => `-- ${p.query}\n${p.plan.join('\n')}`).join('\n\n')}\n\nwritten to ${path.relative(process.cwd(), out)}\n`);
}

type Latency = ReturnType<typeof latency>;
interface SearchFigures {
  http: Latency;
  sqlSamePage: Latency;
  sqlAnyMatch: Latency;
}

function printTable(r: {
  data: { customers: number };
  postgres: { mode: string; version: string };
  load: { vafaRowsPerSec: number; baselineRowsPerSec: number; ratio: number; vafaSeconds: number; baselineSeconds: number };
  search: { byName: SearchFigures; byPhone: SearchFigures };
  memory: Record<'idle' | 'load' | 'search', MemoryPeak>;
  totalSeconds: number;
}) {
  const lines = [
    `customers benchmark: ${r.data.customers} rows, PostgreSQL ${r.postgres.version} (${r.postgres.mode}), ${r.totalSeconds} s in all`,
    '',
    `| load | rows/s | seconds |`,
    `|---|---|---|`,
    `| Vafa POST /customers/bulk | ${r.load.vafaRowsPerSec} | ${r.load.vafaSeconds} |`,
    `| baseline INSERT … unnest | ${r.load.baselineRowsPerSec} | ${r.load.baselineSeconds} |`,
    `| Vafa / baseline time | ${r.load.ratio}× | |`,
    '',
    `| search (ms) | p50 | p95 | p99 | max |`,
    `|---|---|---|---|---|`,
  ];
  for (const [kind, s] of [['name', r.search.byName], ['phone', r.search.byPhone]] as const) {
    for (const [label, l] of [['Vafa GET ?q=', s.http], ['SQL, same page (ordered)', s.sqlSamePage], ['SQL, any 50 (unordered)', s.sqlAnyMatch]] as const) {
      lines.push(`| ${kind}: ${label} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} |`);
    }
  }
  lines.push('', `| peak memory (MB) | Node RSS | PostgreSQL RSS | total RSS | total PSS |`, `|---|---|---|---|---|`);
  for (const phase of ['idle', 'load', 'search'] as const) {
    const m = r.memory[phase];
    lines.push(`| ${phase} | ${m.nodeRssMb} | ${m.postgresRssMb} (${m.postgresProcesses} procs) | ${m.totalRssMb} | ${m.totalPssMb ?? 'n/a'} |`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
