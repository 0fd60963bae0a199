import { Worker } from 'node:worker_threads';
import type { ModelJobs } from './model-jobs.ts';

/**
 * Runs a model job on a worker thread: a fit over a million customers is seconds of pure CPU,
 * and on the main thread every API request would wait for it. One thread per job keeps it simple
 * (a refresh runs a handful of jobs); inputs and outputs are copied (typed arrays, plain objects).
 */
export function runModelJob<K extends keyof ModelJobs>(job: K, input: Parameters<ModelJobs[K]>[0]): Promise<ReturnType<ModelJobs[K]>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./thread.mjs', import.meta.url), { workerData: { job, input } });
    let settled = false;
    worker.once('message', (message: { ok: true; result: ReturnType<ModelJobs[K]> } | { ok: false; error: string }) => {
      settled = true;
      if (message.ok) resolve(message.result);
      else reject(new Error(`model job ${job} failed: ${message.error}`));
      void worker.terminate();
    });
    worker.once('error', (e) => {
      if (!settled) reject(e);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`model job ${job} stopped with exit code ${code}`));
    });
  });
}
