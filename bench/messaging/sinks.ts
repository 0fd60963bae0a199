/**
 * The receiving end of the messaging benchmark, in a process of its own so that parsing SMTP and
 * HTTP does not share an event loop with the sender being measured:
 *   - a real SMTP server (`smtp-server`) on 127.0.0.1 that reads every message to its end and
 *     counts it (no MIME parsing: the baseline and Vafa pay the same receiving cost);
 *   - the Kavenegar-compatible server of src/messaging/channels/kavenegar/local-server.ts
 *     (real envelopes, API key check, localid de-duplication), without request recording.
 * Started by bench.ts with `fork`; reports its ports, then answers "counts" requests over IPC.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startKavenegarServer } from '../../src/messaging/channels/kavenegar/local-server.ts';

export const KAVENEGAR_KEY = 'bench-kavenegar-key-1405';

export interface SinkCounts {
  smtpMessages: number;
  smtpBytes: number;
  kavenegarSent: number;
}

export type SinkReady = { type: 'ready'; smtpPort: number; kavenegarUrl: string };

async function main() {
  const counts: SinkCounts = { smtpMessages: 0, smtpBytes: 0, kavenegarSent: 0 };
  const smtp = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    logger: false,
    // The benchmark opens a pool of connections per sender; each carries up to 1,000 messages.
    maxClients: 1000,
    size: 10 * 1024 * 1024,
    onData(stream, _session, callback) {
      stream.on('data', (chunk: Buffer) => {
        counts.smtpBytes += chunk.length;
      });
      stream.on('end', () => {
        counts.smtpMessages++;
        callback(null, `2.0.0 Ok: queued as B${counts.smtpMessages}`);
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const kavenegar = await startKavenegarServer({ apiKeys: [KAVENEGAR_KEY], record: false, credit: Number.MAX_SAFE_INTEGER });

  process.on('message', (m: { type: string }) => {
    if (m.type === 'counts') process.send?.({ type: 'counts', counts: { ...counts, kavenegarSent: kavenegar.sent.length } });
    if (m.type === 'stop') {
      smtp.close(() => undefined);
      void kavenegar.close().then(() => process.exit(0));
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.send?.({ type: 'ready', smtpPort, kavenegarUrl: kavenegar.url } satisfies SinkReady);
}

if (process.send) await main();
