import { Worker } from 'node:worker_threads';
import type { SendMailOptions } from 'nodemailer';
import type { SmtpFailure, SmtpOptions, SmtpReply, SmtpRequest } from './smtp-pool.ts';

type Pending = (reply: SmtpReply) => void;
type Result = { ok: true; messageId?: string | undefined } | { ok: false; error: SmtpFailure };

/**
 * The main thread's side of the SMTP thread: one worker thread per process hosts every email
 * channel's pooled transport (smtp-pool.ts), so that MIME building and streaming never hold up
 * the event loop. Channels open a transport under a key, then send and verify through it.
 *
 * If the thread dies, calls in flight answer an error (the delivery pipeline retries them with
 * the same Message-ID); the next call starts a new thread and opens the transports again. The
 * thread does not keep the process alive; it stops when the last transport is closed.
 */
class SmtpThread {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  readonly #open = new Map<string, SmtpOptions>();

  open(key: string, options: SmtpOptions): void {
    this.#open.set(key, options);
    // A thread started now opens every transport in #open itself.
    if (this.#worker) this.#worker.postMessage({ type: 'open', key, options } satisfies SmtpRequest);
    else this.#thread();
  }

  close(key: string): void {
    if (!this.#open.delete(key)) return;
    this.#post({ type: 'close', key });
    if (this.#open.size === 0 && this.#pending.size === 0) this.#stop();
  }

  send(key: string, mail: SendMailOptions): Promise<Result> {
    return this.#call((id) => ({ type: 'send', key, id, mail }));
  }

  verify(key: string): Promise<Result> {
    return this.#call((id) => ({ type: 'verify', key, id }));
  }

  #call(request: (id: number) => SmtpRequest): Promise<Result> {
    const id = this.#nextId++;
    return new Promise<Result>((resolve) => {
      this.#pending.set(id, resolve);
      this.#post(request(id));
    });
  }

  #post(request: SmtpRequest): void {
    this.#thread().postMessage(request);
  }

  #thread(): Worker {
    if (this.#worker) return this.#worker;
    const worker = new Worker(new URL('./smtp-thread.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (message: SmtpReply | { ready: true }) => {
      if (!('id' in message)) return;
      const resolve = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      resolve?.(message);
      if (this.#open.size === 0 && this.#pending.size === 0) this.#stop();
    });
    const lost = (why: string) => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      for (const [id, resolve] of this.#pending) resolve({ id, ok: false, error: { message: `SMTP thread stopped: ${why}` } });
      this.#pending.clear();
    };
    worker.on('error', (e) => lost(e.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    this.#worker = worker;
    // A new thread (also after a crash) gets every transport still open.
    for (const [key, options] of this.#open) worker.postMessage({ type: 'open', key, options } satisfies SmtpRequest);
    return worker;
  }

  /** Stops the thread now, as a crash would (tests): calls in flight answer an error; the next call starts a new one. */
  async terminate(): Promise<void> {
    const worker = this.#worker;
    if (worker) await worker.terminate();
  }

  #stop(): void {
    const worker = this.#worker;
    this.#worker = undefined;
    void worker?.terminate();
  }
}

/** The process's SMTP thread (started on first use). */
export const smtpThread = new SmtpThread();
