/**
 * A real Vafa for browser tests: a fresh PostgreSQL database, `vafa init`, `vafa start` on a
 * free port, and headless Debian chromium. Everything is torn down by `stop()`.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestContext } from 'node:test';
import pg from 'pg';
import { type Browser, chromium, type Page } from 'playwright-core';

const run = promisify(execFile);
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Owner {
  email: string;
  password: string;
}

export interface Vafa {
  baseUrl: string;
  /** The server's own database (for loading data the way the CLI would). */
  databaseUrl: string;
  secretKey: string;
  page: Page;
  /** API answers >= 400 the browser saw, newest last: printed when a step fails. */
  apiFailures: string[];
  /** What the server printed. */
  serverLog(): string;
  /** Calls the API as a server would, with the workspace's secret key. */
  api(method: string, path: string, body?: unknown): Promise<Response>;
  stop(): Promise<void>;
}

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForHealth(url: string, server: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`vafa start exited early (${server.exitCode}):\n${log()}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`vafa start was not healthy within ${timeoutMs} ms:\n${log()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Builds the console if console/dist is missing: the server serves it at `/`. */
async function ensureConsoleBuilt(): Promise<void> {
  if (existsSync(`${ROOT}console/dist/index.html`)) return;
  await run(process.execPath, [`${ROOT}node_modules/vite/bin/vite.js`, 'build', '--config', 'console/vite.config.ts'], { cwd: ROOT });
}

export async function startVafa(adminUrl: string, workspace: string, owner: Owner): Promise<Vafa> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((e) => console.error('cleanup failed:', e));
  };

  try {
    await ensureConsoleBuilt();

    const databaseName = `vafa_e2e_${randomBytes(6).toString('hex')}`;
    await adminQuery(adminUrl, `CREATE DATABASE ${databaseName}`);
    cleanups.push(() => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`));
    const databaseUrl = new URL(adminUrl);
    databaseUrl.pathname = `/${databaseName}`;
    // With DATABASE_URL, Vafa refuses to start without a master key for channel credentials.
    const env = { ...process.env, DATABASE_URL: databaseUrl.toString(), LOG_LEVEL: 'warn', VAFA_SECRET_KEY: randomBytes(32).toString('base64') };

    const init = await run(
      process.execPath,
      ['bin/vafa.mjs', 'init', '--workspace', workspace, '--email', owner.email, '--password', owner.password],
      { cwd: ROOT, env },
    );
    // The JSON may be pretty-printed over several lines, after any log lines.
    const json = init.stdout.slice(init.stdout.search(/^\{/m));
    assert.ok(json.startsWith('{'), `vafa init printed no JSON:\n${init.stdout}\n${init.stderr}`);
    const { secretKey } = JSON.parse(json) as { workspaceId: string; secretKey: string; writeKey: string };

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    let log = '';
    const server = spawn(process.execPath, ['bin/vafa.mjs', 'start'], {
      cwd: ROOT,
      env: { ...env, PORT: String(port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk) => (log += chunk));
    server.stderr?.on('data', (chunk) => (log += chunk));
    cleanups.push(() => stopProcess(server));
    await waitForHealth(baseUrl, server, () => log, 60_000);

    const browser: Browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const apiFailures: string[] = [];
    page.on('response', async (response) => {
      if (response.status() < 400 || !response.url().includes('/api/')) return;
      const body = await response.text().catch(() => '');
      apiFailures.push(`${response.request().method()} ${response.url()} → ${response.status()} ${body.slice(0, 300)}`);
    });

    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${baseUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${secretKey}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    return { baseUrl, databaseUrl: databaseUrl.toString(), secretKey, page, apiFailures, serverLog: () => log, api, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The numbered steps of one walk-through in a browser. A failing step leaves a screenshot and
 * prints the API errors and the server log tail the page saw, so that a CI failure explains itself.
 */
export function numberedSteps(outer: TestContext, server: () => Vafa, screenshot: (name: string) => Promise<unknown>) {
  let step = 0;
  return {
    test: (name: string, fn: () => Promise<void>) =>
      outer.test(name, async () => {
        step += 1;
        try {
          await fn();
        } catch (error) {
          await screenshot(`failed-step-${step}`).catch(() => undefined);
          console.error(`step ${step} failed; API errors seen:\n${server().apiFailures.join('\n')}\nserver log tail:\n${server().serverLog().slice(-3000)}`);
          throw error;
        }
      }),
  };
}

/** A shop's webhook endpoint for a webhook channel: records each POST and answers 200 with an id. */
export async function startWebhookReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(raw) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `rcv-${received.length}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vafa-hook`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Screenshots of key steps, to look at: /tmp/vafa-console-<name>.png */
export async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: `/tmp/vafa-console-${name}.png`, fullPage });
}

export async function switchLanguage(page: Page, code: 'fa' | 'ar' | 'en'): Promise<void> {
  await page.getByTestId('language-switch').click();
  await page.getByTestId(`language-option-${code}`).click();
  await page.waitForFunction((lang) => document.documentElement.lang === lang, code);
}

/** Picks an option in a Mantine Select by its visible label. */
export async function selectOption(page: Page, testId: string, label: string | RegExp): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: label, exact: typeof label === 'string' }).click();
}
