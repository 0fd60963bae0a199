import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type pg from 'pg';

/**
 * What a phase of the journeys benchmark cost: PostgreSQL's own counters for the database
 * (pg_stat_database: transactions, tuples, buffer reads) and the CPU seconds of the PostgreSQL
 * server's processes (from /proc, embedded server only) and of this Node process (Vafa, the
 * engine and the load generator).
 */
export interface LoadSnapshot {
  at: number;
  db: Record<string, number>;
  pgCpu: number | null;
  nodeCpu: number;
  /** Rows read per table (sequential + index fetches) and sequential scans, to find what a phase reads. */
  tables: Map<string, { read: number; seqScans: number }>;
}

const counters = ['xact_commit', 'xact_rollback', 'tup_returned', 'tup_fetched', 'tup_inserted', 'tup_updated', 'tup_deleted', 'blks_hit', 'blks_read'] as const;

/** CPU seconds (user + system) from a /proc/<pid>/stat line, with its reaped children's (cutime, cstime) when asked. */
function cpuOf(pid: number, children: boolean): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
    return ticks / 100;
  } catch {
    return 0;
  }
}

/**
 * The embedded server's CPU: the postmaster with the backends it has reaped, plus every live
 * child (backends, WAL writer, checkpointer…). Null without a data directory (external server).
 */
export function postgresCpu(dataDir: string | undefined): number | null {
  if (!dataDir) return null;
  let postmaster: number;
  try {
    postmaster = Number(fs.readFileSync(path.join(dataDir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  let total = cpuOf(postmaster, true);
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmaster) total += cpuOf(Number(entry), false);
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

export async function snapshot(client: pg.Pool, dataDir: string | undefined): Promise<LoadSnapshot> {
  const r = await client.query(`select ${counters.join(', ')} from pg_stat_database where datname = current_database()`);
  const row = r.rows[0] as Record<string, string>;
  const t = await client.query<{ relname: string; read: string; seq: string }>(
    `select relname, coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) as read, coalesce(seq_scan, 0) as seq from pg_stat_user_tables`,
  );
  const tables = new Map(t.rows.map((r) => [r.relname, { read: Number(r.read), seqScans: Number(r.seq) }]));
  const cpu = process.cpuUsage();
  return { at: performance.now(), db: Object.fromEntries(counters.map((c) => [c, Number(row[c])])), pgCpu: postgresCpu(dataDir), nodeCpu: (cpu.user + cpu.system) / 1e6, tables };
}

/** The deltas between two snapshots: per-second rates for the counters, CPU as cores used. */
export function loadBetween(a: LoadSnapshot, b: LoadSnapshot) {
  const s = (b.at - a.at) / 1000;
  const perSecond = Object.fromEntries(counters.map((c) => [c, Math.round(((b.db[c] ?? 0) - (a.db[c] ?? 0)) / s)]));
  const cores = (x: number | null, y: number | null) => (x === null || y === null ? null : Number(((y - x) / s).toFixed(2)));
  const mostRead = [...b.tables]
    .map(([name, v]) => ({ table: name, rowsRead: v.read - (a.tables.get(name)?.read ?? 0), seqScans: v.seqScans - (a.tables.get(name)?.seqScans ?? 0) }))
    .filter((x) => x.rowsRead > 0)
    .sort((x, y) => y.rowsRead - x.rowsRead)
    .slice(0, 5);
  return { seconds: Number(s.toFixed(2)), perSecond, postgresCores: cores(a.pgCpu, b.pgCpu), nodeCores: cores(a.nodeCpu, b.nodeCpu), mostRead };
}

/**
 * An open-loop load: `rate` track events a second for `seconds`, posted to /v1/batch in batches
 * of `batch` on a fixed schedule (batch k leaves at k × batch / rate seconds, whether or not the
 * earlier ones were answered), event k for customer `userIdOf(k)`. Returns what was acknowledged.
 */
export async function steadyEvents(opts: { url: string; writeKey: string; event: string; rate: number; seconds: number; batch: number; userIdOf: (k: number) => string }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const { hostname, port } = new URL(opts.url);
  const auth = `Basic ${Buffer.from(`${opts.writeKey}:`).toString('base64')}`;
  const total = Math.round(opts.rate * opts.seconds);
  const batches = Math.ceil(total / opts.batch);
  const gapMs = (opts.batch / opts.rate) * 1000;
  const answerMs: number[] = [];
  let acked = 0;
  let failed = 0;
  const post = (k: number) =>
    new Promise<void>((resolve) => {
      const events = Array.from({ length: Math.min(opts.batch, total - k * opts.batch) }, (_, i) => {
        const n = k * opts.batch + i;
        return { type: 'track', userId: opts.userIdOf(n), event: opts.event, messageId: `bench-${opts.event}-${n}`, properties: { n } };
      });
      const body = JSON.stringify({ batch: events });
      const sent = performance.now();
      const req = http.request(
        { hostname, port, path: '/v1/batch', method: 'POST', agent, headers: { authorization: auth, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => {
            answerMs.push(performance.now() - sent);
            if (res.statusCode === 200) acked += events.length;
            else failed += events.length;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed += events.length;
        resolve();
      });
      req.end(body);
    });
  const t0 = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let k = 0; k < batches; k++) {
    const wait = t0 + k * gapMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(post(k));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  return { sent: total, acked, failed, seconds: Number(seconds.toFixed(2)), perSecond: Math.round(acked / seconds), answerMs };
}
