import { err, ok, type Result } from '../../../platform/result.ts';
import { parseJson, ProviderHttp, retryAfterMs } from '../provider-http.ts';

/** A messenger provider's HTTP answer, body parsed as JSON when it is JSON. */
export interface ProviderAnswer {
  status: number;
  /** The parsed JSON body, or undefined when the body was empty or not JSON. */
  json: unknown;
  /** Seconds from a `Retry-After` header, when the provider sent one. */
  retryAfterSeconds?: number | undefined;
}

export interface MessengerCall {
  method?: 'GET' | 'POST';
  /** Appended to the client's base URL ("/sendMessage"). */
  path: string;
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded (Eitaayar's documented form). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
}

/**
 * The messenger drivers' HTTP client: the shared pooled keep-alive ProviderHttp (one per configured
 * channel, released by `close`) plus the JSON/form encoding and secret redaction these APIs need.
 * Telegram, Bale, Eitaayar and Rubika put the bot token in the URL path, so every error message is
 * scrubbed of the secrets before it can reach a log or a delivery row.
 */
export class MessengerHttp {
  readonly #http: ProviderHttp;
  readonly #secrets: readonly string[];

  constructor(baseUrl: string, options: { timeoutMs: number; secrets: readonly string[]; maxSockets?: number }) {
    this.#http = new ProviderHttp(baseUrl, { timeoutMs: options.timeoutMs, maxSockets: options.maxSockets ?? 64 });
    this.#secrets = options.secrets;
  }

  async call(call: MessengerCall): Promise<Result<ProviderAnswer, string>> {
    const headers: Record<string, string> = { ...call.headers };
    let body: string | undefined;
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(call.form).toString();
    }
    const answer = await this.#http.request({ method: call.method ?? (body === undefined ? 'GET' : 'POST'), path: call.path, headers, body });
    if (!answer.ok) return err(redact(answer.error, this.#secrets));
    const retryMs = retryAfterMs(answer.value.headers['retry-after']);
    return ok({
      status: answer.value.status,
      json: parseJson(answer.value.body),
      retryAfterSeconds: retryMs === undefined ? undefined : Math.ceil(retryMs / 1000),
    });
  }

  close(): void {
    this.#http.close();
  }
}

/** Replaces every occurrence of each secret with [redacted]. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}

/** A plain object (JSON `{…}`), for narrowing parsed provider bodies. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Joins a base URL (possibly with a path, possibly ending in /) and a path segment. */
export function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + '/' + path.replace(/^\/+/, '');
}
