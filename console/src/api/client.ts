/**
 * The one way the console talks to the Vafa server.
 *
 * - cookies go along (`credentials: 'same-origin'`);
 * - every write carries `X-CSRF-Token` from the current session;
 * - failures become an {@link ApiError} parsed from `{ error: { code, message, field } }`.
 *
 * @example
 * const page = await api.get<Page<Customer>>('/api/v1/customers', { q: 'ali' });
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Codes from docs/api.md; `NETWORK` is ours: the server could not be reached. */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'UNAVAILABLE'
  | 'NETWORK';

export class ApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | (string & {});
  /** Dotted path of the offending input, e.g. `emails.0`. */
  readonly field: string | undefined;
  readonly requestId: string | undefined;

  constructor(init: { status: number; code: string; message: string; field?: string; requestId?: string }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.field = init.field;
    this.requestId = init.requestId;
  }
}

export function isApiError(value: unknown): value is ApiError {
  return value instanceof ApiError;
}

let csrfToken: string | null = null;

/** Called whenever a session is obtained (login, session check, switch) or dropped. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export type QueryParams = Record<string, string | number | boolean | null | undefined>;

function toQueryString(query: QueryParams | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'INVALID_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

function toApiError(res: Response, body: unknown): ApiError {
  const requestId = res.headers.get('x-request-id') ?? undefined;
  const err = (body as { error?: { code?: unknown; message?: unknown; field?: unknown } } | null)?.error;
  const fallbackCode = STATUS_CODES[res.status] ?? 'INTERNAL';
  return new ApiError({
    status: res.status,
    code: typeof err?.code === 'string' ? err.code : fallbackCode,
    message: typeof err?.message === 'string' ? err.message : res.statusText || fallbackCode,
    field: typeof err?.field === 'string' && err.field ? err.field : undefined,
    requestId,
  });
}

export interface RequestOptions {
  query?: QueryParams;
  body?: unknown;
  signal?: AbortSignal;
}

export async function request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // Fastify refuses an empty body declared as JSON, so the header goes only with a body.
  const raw = options.body instanceof Blob; // a file upload goes as it is
  if (options.body !== undefined) headers['Content-Type'] = raw ? (options.body as Blob).type || 'application/octet-stream' : 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let res: Response;
  try {
    res = await fetch(path + toQueryString(options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : raw ? (options.body as Blob) : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError({ status: 0, code: 'NETWORK', message: cause instanceof Error ? cause.message : String(cause) });
  }

  const text = res.status === 204 ? '' : await res.text();
  let body: unknown = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  if (!res.ok) throw toApiError(res, body);
  return body as T;
}

export const api = {
  get: <T>(path: string, query?: QueryParams, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
  /** POSTs a CSV file (or a slice of one) as the raw body. */
  upload: <T>(path: string, file: Blob, query?: QueryParams) => request<T>('POST', path, { body: new Blob([file], { type: 'text/csv' }), query }),
};
