import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for a provider's HTTP API (node:http on 127.0.0.1, port 0), for driver tests
 * and throughput figures. Each provider's fake (fake-bot-api.ts, whatsapp/fake-graph-api.ts …)
 * supplies a `route` that speaks that provider's documented API, including its error answers;
 * tests can push one-shot answers onto `script` (a 429, an outage) ahead of the route.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  json: unknown;
  /** The body parsed as a form (application/x-www-form-urlencoded). */
  form: URLSearchParams;
}

export interface FakeAnswer {
  status: number;
  /** Serialised as JSON unless `raw` is given. */
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Drop the connection without answering (a network failure as the client sees it). */
  hangUp?: boolean;
}

export interface FakeProvider {
  url: string;
  requests: RecordedRequest[];
  script: FakeAnswer[];
  close(): Promise<void>;
}

export async function startFakeProvider(route: (request: RecordedRequest) => FakeAnswer): Promise<FakeProvider> {
  const requests: RecordedRequest[] = [];
  const script: FakeAnswer[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(u.pathname),
        query: u.searchParams,
        headers: req.headers,
        body,
        json,
        form: new URLSearchParams(req.headers['content-type']?.includes('x-www-form-urlencoded') ? body : ''),
      };
      requests.push(recorded);
      const answer = script.shift() ?? route(recorded);
      const reply = () => {
        if (answer.hangUp) {
          req.socket.destroy();
          return;
        }
        const payload = answer.raw ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
        res.writeHead(answer.status, { 'content-type': answer.raw ? 'text/html' : 'application/json', ...answer.headers });
        res.end(payload);
      };
      if (answer.delayMs) setTimeout(reply, answer.delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
