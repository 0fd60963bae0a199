// Worker-thread entry: Vafa runs its TypeScript sources through tsx, and a worker thread does not
// inherit the loader registered in the main thread, so it registers it itself.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { modelJobs } = await import('./model-jobs.ts');
try {
  const result = modelJobs[workerData.job](workerData.input);
  parentPort.postMessage({ ok: true, result });
} catch (error) {
  parentPort.postMessage({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
}
