/**
 * Runs the whole test suite against PostgreSQL in each storage mode:
 *   embedded — Vafa's own embedded PostgreSQL (started here with the same code `vafa start` uses)
 *   external — the PostgreSQL at VAFA_TEST_EXTERNAL_URL (default postgres://postgres@127.0.0.1:5432/postgres)
 * Each mode migrates one template database; every test file clones its own from it.
 *
 *   tsx scripts/test.ts [--storage embedded|external|both] [files or folders…]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '../src/platform/db/migrate.ts';
import { startEmbeddedPostgres } from '../src/platform/db/embedded.ts';
import { createLogger } from '../src/platform/logger.ts';
import { databaseUrl } from '../src/testing/database.ts';
import { freePort } from '../src/testing/processes.ts';

const root = path.resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  options: { storage: { type: 'string', default: 'both' } },
  allowPositionals: true,
});
const modes = values.storage === 'both' ? ['embedded', 'external'] : [values.storage as string];

function findTests(target: string): string[] {
  const full = path.resolve(root, target);
  if (fs.statSync(full).isFile()) return [full];
  return fs
    .readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.test\.ts$/.test(f) && !f.includes('node_modules'))
    .map((f) => path.join(full, f))
    .sort();
}
const targets = positionals.length ? positionals : ['src', 'console/e2e'];
const files = targets.filter((t) => fs.existsSync(path.resolve(root, t))).flatMap(findTests);

async function prepareTemplate(adminUrl: string): Promise<string> {
  const template = `vafa_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${template} with (force)`);
  await admin.query(`create database ${template}`);
  await admin.end();
  await migrate(databaseUrl(adminUrl, template));
  return template;
}

async function dropTemplate(adminUrl: string, template: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  // Drop this run's leftovers (files that crashed before their own clean-up), then the template.
  const run = template.replace(/^vafa_tpl_/, '');
  const left = await admin.query<{ datname: string }>(`select datname from pg_database where datname like $1 or datname = $2`, [`vafa\\_t\\_${run}\\_%`, template]);
  for (const { datname } of left.rows) await admin.query(`drop database if exists ${datname} with (force)`);
  await admin.end();
}

function runNodeTests(env: NodeJS.ProcessEnv): Promise<number> {
  const concurrency = Math.max(2, os.availableParallelism());
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files], {
      cwd: root,
      env,
      stdio: 'inherit',
    });
    child.on('exit', (code) => resolve(code ?? 1));
  });
}

let failed = false;
for (const mode of modes) {
  process.stdout.write(`\n=== Vafa tests on ${mode} PostgreSQL (${files.length} files) ===\n`);
  let adminUrl: string;
  let stop = async () => {};
  if (mode === 'embedded') {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vafa-test-pg-'));
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), log: createLogger('warn') });
    adminUrl = embedded.adminUrl;
    stop = async () => {
      await embedded.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    };
  } else if (mode === 'external') {
    adminUrl = process.env.VAFA_TEST_EXTERNAL_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  } else {
    throw new Error(`--storage must be embedded, external or both (got ${mode})`);
  }
  const template = await prepareTemplate(adminUrl);
  try {
    const code = await runNodeTests({ ...process.env, VAFA_TEST_ADMIN_URL: adminUrl, VAFA_TEST_TEMPLATE_DB: template, VAFA_TEST_STORAGE: mode });
    if (code !== 0) failed = true;
    process.stdout.write(`=== ${mode}: ${code === 0 ? 'passed' : 'FAILED'} ===\n`);
  } finally {
    await dropTemplate(adminUrl, template);
    await stop();
  }
}
process.exit(failed ? 1 : 0);
