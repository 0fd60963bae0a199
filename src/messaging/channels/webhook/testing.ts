import http from 'node:http';
import { signature, SIGNATURE_HEADER, TIMESTAMP_HEADER } from './driver.ts';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** Whether the HMAC signature matched the receiver's secret. */
  signatureValid: boolean;
}

export interface LocalWebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** The next answers, in order (status, body, headers); afterwards 200 `{"id":"rcv-N"}`. */
  answers: { status: number; body?: string; headers?: Record<string, string> }[];
  close(): Promise<void>;
}

/**
 * A customer's webhook endpoint on 127.0.0.1: it verifies the signature the way a receiver
 * should (HMAC-SHA256 over "{timestamp}.{body}"), answers 401 to a bad one, and otherwise the
 * scripted answers.
 */
export async function startWebhookReceiver(secret: string): Promise<LocalWebhookReceiver> {
  const state: LocalWebhookReceiver = { url: '', received: [], answers: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const timestamp = String(req.headers[TIMESTAMP_HEADER] ?? '');
      const signatureValid = req.headers[SIGNATURE_HEADER] === signature(secret, timestamp, raw);
      state.received.push({ headers: req.headers, body: JSON.parse(raw), signatureValid });
      if (!signatureValid) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":"bad signature"}');
        return;
      }
      const answer = state.answers.shift() ?? { status: 200, body: JSON.stringify({ id: `rcv-${state.received.length}` }) };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers }).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}/vafa-hook`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}
