import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { databaseUrl } from '../../src/testing/database.ts';
import { freePort } from '../../src/testing/processes.ts';
import type { RunningVafa } from '../../src/app.ts';

/** What a benchmark started and must take down again, however it ends. */
export interface BenchResources {
  vafa: RunningVafa;
  /** The baseline's own connections, beside Vafa's. */
  direct: pg.Pool;
  /** Directories to delete at the end (embedded data directory, scratch files). */
  remove: (string | undefined)[];
  /** A database created on an external PostgreSQL for this run, dropped at the end. */
  external?: { adminUrl: string; name: string };
  log: (message: string) => void;
}

/**
 * Runs the benchmark, then stops Vafa and removes its data — also on Ctrl-C, so that an
 * interrupted run leaves no PostgreSQL behind and no gigabytes in /tmp.
 */
export async function runThenCleanUp(r: BenchResources, run: () => Promise<void>): Promise<void> {
  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await r.direct.end();
      await r.vafa.close();
      for (const dir of r.remove) if (dir) fs.rmSync(dir, { recursive: true, force: true });
      if (r.external) {
        const admin = new pg.Client({ connectionString: r.external.adminUrl });
        await admin.connect();
        await admin.query(`drop database if exists ${r.external.name} with (force)`);
        await admin.end();
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      r.log(`${signal}: stopping Vafa and removing the benchmark's data`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    await run();
  } finally {
    await cleanUp();
  }
}

/** Where a benchmark's Vafa stores its data: its own database on an external server, or an embedded one. */
export interface BenchStorage {
  /** Environment for `loadConfig`, on top of the benchmark's own settings. */
  env: Record<string, string>;
  external?: { adminUrl: string; name: string };
  dataDir?: string;
}

/**
 * With `databaseUrl` (an admin URL), creates a database of its own on that server; otherwise an
 * embedded PostgreSQL in `reuseDir` or a fresh temporary directory, on a free port.
 */
export async function prepareStorage(opts: { databaseUrl?: string; reuseDir?: string }): Promise<BenchStorage> {
  if (opts.databaseUrl) {
    const external = { adminUrl: opts.databaseUrl, name: `vafa_bench_${process.pid}` };
    const admin = new pg.Client({ connectionString: external.adminUrl });
    await admin.connect();
    await admin.query(`create database ${external.name}`);
    await admin.end();
    // With DATABASE_URL, Vafa refuses to start without a master key for channel credentials.
    return { env: { DATABASE_URL: databaseUrl(external.adminUrl, external.name), VAFA_SECRET_KEY: randomBytes(32).toString('base64') }, external };
  }
  const dataDir = opts.reuseDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-bench-'));
  return { env: { VAFA_DATA_DIR: dataDir, VAFA_EMBEDDED_PG_PORT: String(await freePort()) }, dataDir };
}
