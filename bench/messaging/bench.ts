/**
 * Benchmark: messaging (issue 5, point 9). N customers (100,000 at --scale 1) generated in
 * PostgreSQL with email and SMS consent and one order each, then:
 *   email     — one personalised marketing email each (MJML template compiled once at save; Liquid
 *               per recipient: first name, last order in Toman, its Jalali date, the one-click
 *               unsubscribe link) through the real path: enqueueMessages → DeliveryWorker (customer
 *               lock, consent, quiet hours, caps, channel choice, reservation) → TemplateRenderer →
 *               the SMTP driver's pooled nodemailer transport → a local `smtp-server`.
 *   email baseline — bare pooled nodemailer (same pool size) sending N pre-rendered copies of the
 *               same mail to the same SMTP server, in the same run. Target: email / baseline ≥ 0.8.
 *   sms       — one personalised marketing SMS each through the same pipeline and the Kavenegar
 *               driver to the Kavenegar-compatible local server. Target ≥ 3,000/s.
 *               Kavenegar's sms/sendarray carries up to 200 personalised messages per call; the
 *               worker sends a chunk's SMS in calls of a quarter of the chunk (64 by default).
 *   sms baselines — bare keep-alive HTTP posts to the same server (same socket count): sms/send
 *               one message per call, and sms/sendarray with the pipeline's messages per call.
 *
 *   npx tsx bench/messaging/bench.ts --scale 0.1          # 10,000 customers
 *   npx tsx bench/messaging/bench.ts [--database-url postgres://…/postgres] [--workers 2 --concurrency 32]
 *
 * Quiet hours stay on (default 21:00–09:00 Tehran): the workers' clock is set to the next noon in
 * Tehran so that the check runs and lets marketing through. The receivers run in a child process
 * (sinks.ts). Vafa's own worker is off (VAFA_DELIVERY_POLL_MS=0); the benchmark runs --workers
 * DeliveryWorker instances in this process, each with its own claims, like separate processes.
 * Channel ratePerSecond is raised to the drivers' maxima (email 10,000/s, Kavenegar 5,000/s) so that
 * the per-process rate limiter does not cap the figure. Writes bench/.out/messaging-<date>.json.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { startVafa, type RunningVafa } from '../../src/app.ts';
import { createDb } from '../../src/database.ts';
import { kavenegarReceptor } from '../../src/messaging/channels/kavenegar/index.ts';
import { ChannelPool } from '../../src/messaging/channels/directory.ts';
import { ChannelStore } from '../../src/messaging/channels/store.ts';
import { enqueueMessages } from '../../src/messaging/delivery/outbox.ts';
import { DeliveryWorker } from '../../src/messaging/delivery/worker.ts';
import { preferenceLinksFor } from '../../src/messaging/preferences/links.ts';
import { preferenceKey } from '../../src/messaging/preferences/tokens.ts';
import { TemplateRenderer } from '../../src/messaging/templates/render.ts';
import { loadConfig, type Config } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/logger.ts';
import { createKeyring, loadMasterKey } from '../../src/platform/secrets.ts';
import { createApiKey } from '../../src/workspaces/keys.ts';
import { createWorkspace } from '../../src/workspaces/team.ts';
import { prepareStorage, runThenCleanUp } from '../lib/lifecycle.ts';
import { pool } from '../lib/stats.ts';
import { generateCustomers } from './data.ts';
import { KAVENEGAR_KEY, type SinkCounts, type SinkReady } from './sinks.ts';

const { values: args } = parseArgs({
  options: {
    scale: { type: 'string', default: '1' },
    customers: { type: 'string' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '32' },
    batch: { type: 'string', default: '1000' },
    'smtp-connections': { type: 'string', default: '10' },
    only: { type: 'string' },
    'database-url': { type: 'string' },
  },
});
const N = Number(args.customers ?? Math.round(100_000 * Number(args.scale)));
const WORKERS = Number(args.workers);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);
const SMTP_CONNECTIONS = Number(args['smtp-connections']);
const PHASES = new Set((args.only ?? 'email,sms').split(','));
const log = (line: string) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
const seconds = (t0: number) => (performance.now() - t0) / 1000;
const load = () => os.loadavg().map((l) => Number(l.toFixed(2)));

const EMAIL_MJML = `<mjml><mj-body><mj-section><mj-column>
<mj-text font-size="16px">سلام {{ customer.first_name }} عزیز،</mj-text>
<mj-text>آخرین خرید شما در {{ last_order.placed_at | jalali }} به مبلغ {{ last_order.total_minor | toman }} بود. این هفته ۲۰٪ تخفیف برای شما کنار گذاشته‌ایم.</mj-text>
<mj-button href="https://shop.example/offers?c={{ customer.id }}">دیدن پیشنهادها</mj-button>
<mj-text font-size="11px"><a href="{{ links.unsubscribe }}">لغو اشتراک</a> · <a href="{{ links.preferences }}">تنظیمات</a></mj-text>
</mj-column></mj-section></mj-body></mjml>`;
const SMS_TEXT = '{{ customer.first_name }} عزیز، ۲۰٪ تخفیف تا {{ now | jalali }} برای شما. لغو ۱۱';

async function main() {
  const started = new Date();
  const storage = await prepareStorage({ databaseUrl: args['database-url'] });
  const env = {
    LOG_LEVEL: 'warn',
    PORT: '0',
    HOST: '127.0.0.1',
    VAFA_ANALYTICS_CHECK_SECONDS: '0',
    VAFA_DELIVERY_POLL_MS: '0',
    VAFA_SEGMENTS_TICK_MS: '0',
    VAFA_SEGMENTS_RECOMPUTE_MS: '0',
    ...storage.env,
  };
  const config = loadConfig(env);
  const vafa = await startVafa(config, createLogger('warn'));
  const direct = new pg.Pool({ connectionString: vafa.storage.url, max: 2, application_name: 'bench-direct' });
  direct.on('error', () => {});
  const sinks = await startSinks();
  try {
    await runThenCleanUp({ vafa, direct, remove: [storage.dataDir], external: storage.external, log }, () => run(vafa, config, sinks, started));
  } finally {
    sinks.child.kill();
  }
}

interface Sinks {
  child: ChildProcess;
  ready: SinkReady;
  counts(): Promise<SinkCounts>;
}

async function startSinks(): Promise<Sinks> {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sinks.ts');
  const child = fork(file, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ready = await new Promise<SinkReady>((resolve, reject) => {
    child.once('message', (m) => resolve(m as SinkReady));
    child.once('exit', (code) => reject(new Error(`sinks exited with ${code}`)));
  });
  const counts = () =>
    new Promise<SinkCounts>((resolve) => {
      const on = (m: { type: string; counts: SinkCounts }) => {
        if (m.type !== 'counts') return;
        child.off('message', on);
        resolve(m.counts);
      };
      child.on('message', on);
      child.send({ type: 'counts' });
    });
  return { child, ready, counts };
}

async function run(vafa: RunningVafa, config: Config, sinks: Sinks, started: Date) {
  const { workspace } = await createWorkspace(vafa.db, { name: 'Bench (messaging)', ownerEmail: 'bench-msg@example.com', ownerPassword: 'bench-password-1405' });
  const secret = (await createApiKey(vafa.db, workspace.id, { kind: 'secret', name: 'bench', role: 'owner' })).key;
  const api = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(`${vafa.url}${url}`, { method, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    if (res.status >= 300) throw new Error(`${method} ${url}: ${res.status} ${text}`);
    return JSON.parse(text) as Record<string, unknown>;
  };
  const { smtpPort, kavenegarUrl } = sinks.ready;
  await api('POST', '/api/v1/channels', {
    provider: 'smtp',
    name: 'Bench SMTP',
    settings: { host: '127.0.0.1', port: smtpPort, from: 'Bench Shop <news@shop.example>', ratePerSecond: 10_000, maxConnections: SMTP_CONNECTIONS },
  });
  await api('POST', '/api/v1/channels', { provider: 'kavenegar', name: 'Bench Kavenegar', settings: { apiKey: KAVENEGAR_KEY, sender: '10004346', baseUrl: kavenegarUrl, ratePerSecond: 5000 } });
  const emailTemplate = await api('POST', '/api/v1/templates', {
    name: 'Bench weekly offer',
    category: 'marketing',
    topic: 'offers',
    variants: { fa: { email: { subject: '{{ customer.first_name }}، پیشنهاد این هفته', format: 'mjml', body: EMAIL_MJML }, sms: { text: SMS_TEXT } } },
  });

  log(`generating ${N.toLocaleString()} customers`);
  const client = new pg.Client({ connectionString: vafa.storage.url });
  await client.connect();
  const customers = await generateCustomers(client, workspace.id, N, log);
  await client.end();

  // The workers' pool: room for every lane of every worker, plus the channel directory's lookups.
  const db = createDb(vafa.storage.url, Math.min(190, WORKERS * CONCURRENCY + 8));
  const wlog = createLogger('warn');
  const store = new ChannelStore(createKeyring([loadMasterKey(config)]), config.publicUrl);
  const channels = new ChannelPool(db, store, wlog, config.publicUrl);
  const renderer = new TemplateRenderer(db);
  const links = preferenceLinksFor(preferenceKey(loadMasterKey(config)), config.publicUrl);
  const noon = nextTehranNoon().getTime() - Date.now();
  const now = () => new Date(Date.now() + noon);
  const results: Record<string, unknown> = {};

  const pipeline = async (kind: 'email' | 'sms') => {
    const e0 = performance.now();
    for (let i = 0; i < customers.length; i += 10_000) {
      await enqueueMessages(
        db,
        workspace.id,
        customers.slice(i, i + 10_000).map((c) => ({ customerId: c, category: 'marketing' as const, channels: [kind], templateId: emailTemplate.id as string, idempotencyKey: `${kind}-${c}` })),
        new Date(),
      );
    }
    const enqueueSeconds = seconds(e0);
    log(`  ${kind}: enqueued ${N.toLocaleString()} in ${enqueueSeconds.toFixed(1)} s`);
    const before = await sinks.counts();
    const workers = Array.from({ length: WORKERS }, (_, i) => new DeliveryWorker({ db, log: wlog, channels, renderer, links, now, pollMs: 0, concurrency: CONCURRENCY, batchSize: BATCH, workerId: `bench-${kind}-${i}` }));
    const t0 = performance.now();
    const loadBefore = load();
    await Promise.all(workers.map((w) => w.drain()));
    const s = seconds(t0);
    const after = await sinks.counts();
    const statuses = await db.selectFrom('messages').select(['status', 'reason']).select((eb) => eb.fn.countAll<string>().as('n')).where('workspace_id', '=', workspace.id).where('channel', '=', kind).groupBy(['status', 'reason']).execute();
    const received = kind === 'email' ? after.smtpMessages - before.smtpMessages : after.kavenegarSent - before.kavenegarSent;
    const figure = { messages: N, received, seconds: Number(s.toFixed(2)), perSecond: Math.round(received / s), enqueueSeconds: Number(enqueueSeconds.toFixed(2)), statuses, loadBefore, loadAfter: load() };
    log(`  ${kind} pipeline: ${received.toLocaleString()} received in ${s.toFixed(1)} s = ${figure.perSecond}/s (load ${figure.loadAfter.join(' ')})`);
    return figure;
  };

  if (PHASES.has('email')) {
    // Pre-rendered once through the same renderer: the baseline sends exactly this mail N times.
    const sample = await renderer.render({ workspaceId: workspace.id, customerId: customers[0] as string, templateId: emailTemplate.id as string, channel: 'email', links: links({ workspaceId: workspace.id, customerId: customers[0] as string, channel: 'email', topic: 'offers' }) });
    if (!sample.ok) throw new Error(`sample render failed: ${sample.error}`);
    const baseline = await emailBaseline(smtpPort, sample.value, sinks);
    const email = await pipeline('email');
    results.email = { pipeline: email, baseline, ratio: Number((email.perSecond / baseline.perSecond).toFixed(3)), target: 0.8 };
    log(`  email ratio pipeline / baseline = ${(email.perSecond / baseline.perSecond).toFixed(3)} (target ≥ 0.8)`);
  }
  if (PHASES.has('sms')) {
    const baseline = await smsBaseline(kavenegarUrl, sinks, 1);
    // The pipeline sends a chunk's SMS in sendarray calls of up to a quarter of the chunk.
    const arrayBaseline = await smsBaseline(kavenegarUrl, sinks, Math.min(200, Math.ceil(Math.max(50, CONCURRENCY * 8) / 4)));
    const sms = await pipeline('sms');
    const arrayRatio = Number((sms.perSecond / arrayBaseline.perSecond).toFixed(3));
    results.sms = {
      pipeline: sms,
      baseline,
      arrayBaseline,
      ratio: Number((sms.perSecond / baseline.perSecond).toFixed(3)),
      arrayRatio,
      target: 3000,
    };
    log(`  sms pipeline / bare sendarray = ${arrayRatio} (target ≥ 3,000/s)`);
  }
  await Promise.all([channels.close(), db.destroy()]);

  const out = {
    benchmark: 'messaging',
    startedAt: started.toISOString(),
    customers: N,
    settings: { workers: WORKERS, concurrency: CONCURRENCY, batch: BATCH, smtpConnections: SMTP_CONNECTIONS },
    machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, loadavg: load(), note: 'shared machine: other processes ran at the same time' },
    results,
  };
  const dir = path.join(process.cwd(), 'bench', '.out');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `messaging-${started.toISOString().slice(0, 19).replace(/:/g, '-')}.json`), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
}

async function emailBaseline(port: number, mail: { subject?: string | undefined; html?: string | undefined; text: string }, sinks: Sinks) {
  const transport = nodemailer.createTransport({ pool: true, maxConnections: SMTP_CONNECTIONS, maxMessages: 1000, host: '127.0.0.1', port, secure: false });
  const before = await sinks.counts();
  const t0 = performance.now();
  const loadBefore = load();
  await pool(
    Array.from({ length: N }, (_, i) => i),
    WORKERS * CONCURRENCY,
    async (i) => {
      await transport.sendMail({
        from: 'Bench Shop <news@shop.example>',
        to: { name: 'Bench', address: `m${i + 1}@example.com` },
        subject: mail.subject ?? '',
        text: mail.text,
        html: mail.html,
        headers: { 'List-Unsubscribe': '<https://crm.example/u/x>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click', Precedence: 'bulk' },
      });
    },
  );
  const s = seconds(t0);
  transport.close();
  const received = (await sinks.counts()).smtpMessages - before.smtpMessages;
  const figure = { messages: N, received, seconds: Number(s.toFixed(2)), perSecond: Math.round(received / s), loadBefore, loadAfter: load() };
  log(`  email baseline (bare pooled nodemailer, ${SMTP_CONNECTIONS} connections): ${received.toLocaleString()} in ${s.toFixed(1)} s = ${figure.perSecond}/s`);
  return figure;
}

/**
 * Bare keep-alive HTTP posts to the same server: sms/send one message per call, or sms/sendarray
 * with `perCall` personalised messages per call (the pipeline's unit size at its default chunk).
 */
async function smsBaseline(baseUrl: string, sinks: Sinks, perCall: number) {
  // The same socket count the Kavenegar driver opens at 5,000/s (provider-http socketsFor).
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const url = new URL(`/v1/${KAVENEGAR_KEY}/${perCall > 1 ? 'sms/sendarray' : 'sms/send'}.json`, baseUrl);
  const text = (i: number) => `سارا عزیز، ۲۰٪ تخفیف برای شما. لغو ۱۱ ${i}`;
  const receptor = (i: number) => kavenegarReceptor(`+98912${String(i + 1).padStart(7, '0')}`);
  // Local ids apart from the other baseline's and the pipeline's, so the server sends each once.
  const localId = (i: number) => (perCall > 1 ? 8_000_000_000 : 9_000_000_000) + i;
  const bodyOf = (first: number): string => {
    if (perCall === 1) return new URLSearchParams({ receptor: receptor(first), message: text(first), sender: '10004346', localid: String(localId(first)) }).toString();
    const items = Array.from({ length: Math.min(perCall, N - first) }, (_, k) => first + k);
    return new URLSearchParams({
      receptor: JSON.stringify(items.map(receptor)),
      sender: JSON.stringify(items.map(() => '10004346')),
      message: JSON.stringify(items.map(text)),
      localmessageids: JSON.stringify(items.map(localId)),
    }).toString();
  };
  const before = await sinks.counts();
  const t0 = performance.now();
  const loadBefore = load();
  await pool(
    Array.from({ length: Math.ceil(N / perCall) }, (_, i) => i * perCall),
    WORKERS * CONCURRENCY,
    (first) =>
      new Promise<void>((resolve, reject) => {
        const body = bodyOf(first);
        const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`Kavenegar baseline HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end(body);
      }),
  );
  const s = seconds(t0);
  agent.destroy();
  const received = (await sinks.counts()).kavenegarSent - before.kavenegarSent;
  const figure = { messages: N, perCall, received, seconds: Number(s.toFixed(2)), perSecond: Math.round(received / s), loadBefore, loadAfter: load() };
  log(`  sms baseline (bare keep-alive HTTP posts, ${perCall > 1 ? `sms/sendarray × ${perCall}` : 'sms/send'}): ${received.toLocaleString()} in ${s.toFixed(1)} s = ${figure.perSecond}/s`);
  return figure;
}

/** The next 12:00 in Tehran (UTC+03:30 all year since 2022): outside the default quiet hours. */
function nextTehranNoon(): Date {
  const d = new Date();
  d.setUTCHours(8, 30, 0, 0);
  if (d.getTime() <= Date.now()) d.setUTCDate(d.getUTCDate() + 1);
  return d;
}

await main();
