import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server (127.0.0.1, port 0) for playing a provider's API in tests and
 * benchmarks. Each provider's double (kavenegar/local-server.ts …) supplies `answer`, which
 * speaks that provider's documented envelopes; this file only records and schedules.
 */
export interface ReceivedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface LocalAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Objects are sent as JSON. */
  body?: string | object;
  /** Never answer (to test timeouts); the socket is closed when the server closes. */
  hang?: boolean;
}

export interface LocalServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Every request received, in order (unless recording was turned off). */
  received: ReceivedRequest[];
  /**
   * The next `times` requests get this answer instead of the provider logic (an outage, a 429 …).
   * A function is called with the request, so a scripted answer can depend on it.
   */
  answerNext(answer: LocalAnswer | ((request: ReceivedRequest) => LocalAnswer), times?: number): void;
  close(): Promise<void>;
}

export interface LocalServerOptions {
  /** Turn off for benchmarks of 100,000 requests. */
  record?: boolean;
}

export async function startLocalServer(
  answer: (request: ReceivedRequest) => LocalAnswer,
  options: LocalServerOptions = {},
): Promise<LocalServer> {
  const record = options.record ?? true;
  const received: ReceivedRequest[] = [];
  const scripted: Array<LocalAnswer | ((request: ReceivedRequest) => LocalAnswer)> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const request: ReceivedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      if (record) received.push(request);
      const next = scripted.shift();
      const reply = next === undefined ? answer(request) : typeof next === 'function' ? next(request) : next;
      if (reply.hang) return;
      const isText = typeof reply.body === 'string' || reply.body === undefined;
      const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, {
        'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
        ...reply.headers,
      });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answerNext(reply, times = 1) {
      for (let i = 0; i < times; i++) scripted.push(reply);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Parses an application/x-www-form-urlencoded body (Kavenegar, Twilio) into a plain object. */
export function formFields(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}
