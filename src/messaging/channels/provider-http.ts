import http from 'node:http';
import https from 'node:https';
import { err, ok, type Result } from '../../platform/result.ts';
import { toE164 } from '../../platform/text/phone.ts';

/**
 * A small keep-alive HTTP client for provider APIs (Kavenegar, sms.ir, Twilio …).
 * node:http with a pooled agent rather than fetch: a broadcast makes thousands of small calls
 * to one host, and reusing sockets is what keeps the driver near the provider's own limit.
 * Failures to reach the provider come back as an Err (never thrown): the driver maps them
 * onto failed-retryable. Error texts never contain the request URL (Kavenegar puts its key there).
 */
export interface ProviderAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ProviderRequest {
  method: 'GET' | 'POST';
  /** Path and query, appended to the base URL's path. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface ProviderHttpOptions {
  timeoutMs: number;
  /** Concurrent sockets to the provider. */
  maxSockets?: number;
}

/**
 * Sockets a channel needs to reach its rate: at ~50 ms a round trip (Tehran ↔ provider) one
 * socket carries ~20 calls a second; rate/10 leaves twice that headroom, kept between 8 and 256.
 */
export function socketsFor(ratePerSecond: number): number {
  return Math.min(256, Math.max(8, Math.ceil(ratePerSecond / 10)));
}

export class ProviderHttp {
  readonly #base: URL;
  readonly #agent: http.Agent;
  readonly #timeoutMs: number;

  constructor(baseUrl: string, options: ProviderHttpOptions) {
    this.#base = new URL(baseUrl);
    const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 32 };
    this.#agent = this.#base.protocol === 'https:' ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
    this.#timeoutMs = options.timeoutMs;
  }

  request(request: ProviderRequest): Promise<Result<ProviderAnswer, string>> {
    const basePath = this.#base.pathname.replace(/\/$/, '');
    const transport = this.#base.protocol === 'https:' ? https : http;
    const headers: Record<string, string | number> = { accept: 'application/json', ...request.headers };
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    if (body) headers['content-length'] = body.length;
    return new Promise((resolve) => {
      const req = transport.request(
        {
          protocol: this.#base.protocol,
          hostname: this.#base.hostname,
          port: this.#base.port || undefined,
          method: request.method,
          path: basePath + request.path,
          headers,
          agent: this.#agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve(ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') })),
          );
          res.on('error', (e) => resolve(err(describeNetworkError(e))));
        },
      );
      req.setTimeout(this.#timeoutMs, () => req.destroy(new Error(`no answer within ${this.#timeoutMs} ms`)));
      req.on('error', (e) => resolve(err(describeNetworkError(e))));
      req.end(body);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** The socket-level reason (ECONNREFUSED, a timeout …) without any URL in it. */
function describeNetworkError(error: Error & { code?: string }): string {
  if (error.code && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') return `provider unreachable: ${error.code}`;
  return `provider unreachable: ${error.message}`;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP-date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** JSON.parse that answers undefined instead of throwing (provider bodies are untrusted). */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * A recipient's phone as E.164. The pipeline already stores E.164, so a well-formed +… address
 * skips libphonenumber (≈ 40 µs a call, a tenth of a core at 3,000 SMS/s); anything else is
 * normalised the full way. A number the provider still refuses comes back as its own answer.
 */
export function smsAddress(address: string): Result<string, string> {
  return /^\+[1-9]\d{6,14}$/.test(address) ? ok(address) : toE164(address);
}
