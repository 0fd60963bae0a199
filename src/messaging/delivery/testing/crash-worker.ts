/**
 * A delivery worker process for the crash test (run with `node --import tsx`): argv is the
 * database URL, the sink URL and the worker id. Its only channel posts each message to the sink,
 * a local server that stands for a provider deduplicating on the idempotency key (like
 * Kavenegar's localid). It runs until it is killed.
 */
import { createDb } from '../../../database.ts';
import { ok } from '../../../platform/result.ts';
import type { Channel, OutgoingMessage, SendOutcome } from '../../channels/channel.ts';
import { DeliveryWorker } from '../worker.ts';
import { RecordingDirectory, echoRenderer } from './recording-channel.ts';
import { silentLog } from './fixtures.ts';

const [dbUrl, sinkUrl, workerId] = process.argv.slice(2);
if (!dbUrl || !sinkUrl || !workerId) throw new Error('usage: crash-worker <database-url> <sink-url> <worker-id>');

const sink: Channel = {
  kind: 'sms',
  provider: 'sink',
  ratePerSecond: 0,
  async send(message: OutgoingMessage): Promise<SendOutcome> {
    const res = await fetch(sinkUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': message.id }, body: JSON.stringify({ to: message.to.address }) });
    if (res.status !== 200) return { status: 'failed-retryable', error: `HTTP ${res.status}` };
    const body = (await res.json()) as { messageId: string };
    return { status: 'sent', providerMessageId: body.messageId };
  },
  verify: async () => ok({}),
  close: async () => {},
};

const db = createDb(dbUrl, 10);
const worker = new DeliveryWorker({ db, log: silentLog, channels: new RecordingDirectory({ sms: sink }), renderer: echoRenderer, workerId, pollMs: 50, leaseMs: 2000, batchSize: 50, concurrency: 8 });
worker.start();
process.stdout.write('ready\n');
