// SMTP thread entry (see smtp-threads.ts): Vafa runs its TypeScript sources through tsx, and a
// worker thread does not inherit the loader registered in the main thread, so it registers it itself.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { SmtpPool } = await import('./smtp-pool.ts');
const pool = new SmtpPool((reply) => parentPort.postMessage(reply));
parentPort.on('message', (request) => {
  void pool.handle(request);
});
parentPort.postMessage({ ready: true });
