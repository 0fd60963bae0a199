import fs from 'node:fs';
import pg from 'pg';
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
