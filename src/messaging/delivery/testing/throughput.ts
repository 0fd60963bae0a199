/**
 * Measures the pipeline alone (recording channel, no provider latency): N transactional and
 * marketing messages through one worker. Usage: tsx throughput.ts <database-url> [n] [concurrency]
 * on a migrated database. Prints messages per second; used to size the worker's defaults.
 */
import { randomUUID } from 'node:crypto';
import { createDb } from '../../../database.ts';
import { createWorkspace } from '../../../workspaces/team.ts';
import { RecordingChannel, RecordingDirectory } from './recording-channel.ts';
import { bulkCustomers, enqueue, tehranTime, TestClock, testWorker } from './fixtures.ts';

const [url, n = '5000', concurrency = '8'] = process.argv.slice(2);
if (!url) throw new Error('usage: throughput.ts <database-url> [n] [concurrency]');
const db = createDb(url, Number(concurrency) + 4);
const { workspace } = await createWorkspace(db, { name: 'Throughput', ownerEmail: `t-${randomUUID()}@example.com`, ownerPassword: 'throughput-pass' });
const customers = await bulkCustomers(db, workspace.id, Number(n), `tp-${workspace.id}`);
// Tomorrow noon in Tehran: marketing is never held by quiet hours, whenever this runs.
const clock = new TestClock(tehranTime('12:00'));
await enqueue(db, workspace.id, clock, customers.map((c, i) => ({ customerId: c, channels: ['email' as const], category: i % 2 ? 'marketing' as const : 'transactional' as const })));
const email = new RecordingChannel('email');
const worker = testWorker(db, new RecordingDirectory({ email }), clock, { concurrency: Number(concurrency), batchSize: 200 });
const started = performance.now();
await worker.drain();
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ messages: Number(n), sent: email.accepted.length, seconds: Number(seconds.toFixed(2)), perSecond: Math.round(Number(n) / seconds) }));
await db.destroy();
