import { type FakeAnswer, type FakeProvider, type RecordedRequest, startFakeProvider } from './fake-server.ts';

/**
 * A local Telegram-style Bot API (Telegram, Bale): POST /bot<token>/<method> with a JSON body,
 * answered with the documented `{ok, result}` / `{ok:false, error_code, description, parameters}`
 * envelope (https://core.telegram.org/bots/api#making-requests). Chats are set up per test:
 * `open` chats receive, `blocked` ones answer 403 "bot was blocked by the user", `deactivated`
 * ones 403 "user is deactivated", anything else 400 "chat not found".
 */
export interface FakeBotApi extends FakeProvider {
  open: Set<string>;
  blocked: Set<string>;
  deactivated: Set<string>;
  /** Webhook registrations received (setWebhook bodies). */
  webhooks: Record<string, unknown>[];
}

const fail = (code: number, description: string, parameters?: Record<string, unknown>): FakeAnswer => ({
  status: code,
  body: { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) },
});

export async function startFakeBotApi(validToken: string): Promise<FakeBotApi> {
  const open = new Set<string>();
  const blocked = new Set<string>();
  const deactivated = new Set<string>();
  const webhooks: Record<string, unknown>[] = [];
  let nextId = 1;
  const route = (req: RecordedRequest): FakeAnswer => {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(req.path);
    if (!match) return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
    if (match[1] !== validToken) return fail(401, 'Unauthorized');
    const params = (req.json ?? {}) as Record<string, unknown>;
    switch (match[2]) {
      case 'getMe':
        return { status: 200, body: { ok: true, result: { id: 42, is_bot: true, first_name: 'Vafa', username: 'vafa_test_bot' } } };
      case 'setWebhook': {
        if (typeof params.url !== 'string' || !params.url.startsWith('https://'))
          return fail(400, 'Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
        if (params.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(params.secret_token)))
          return fail(400, 'Bad Request: secret token contains unallowed characters');
        webhooks.push(params);
        return { status: 200, body: { ok: true, result: true, description: 'Webhook was set' } };
      }
      case 'sendMessage': {
        const chat = params.chat_id === undefined ? '' : String(params.chat_id);
        if (!chat) return fail(400, 'Bad Request: chat_id is empty');
        if (typeof params.text !== 'string' || params.text === '') return fail(400, 'Bad Request: message text is empty');
        if (params.text.length > 4096) return fail(400, 'Bad Request: message is too long');
        if (blocked.has(chat)) return fail(403, 'Forbidden: bot was blocked by the user');
        if (deactivated.has(chat)) return fail(403, 'Forbidden: user is deactivated');
        if (!open.has(chat)) return fail(400, 'Bad Request: chat not found');
        const message = { message_id: nextId++, date: Math.floor(Date.now() / 1000), chat: { id: Number(chat), type: 'private' }, text: params.text };
        return { status: 200, body: { ok: true, result: message } };
      }
      default:
        return fail(404, 'Not Found: method not found');
    }
  };
  const provider = await startFakeProvider(route);
  return Object.assign(provider, { open, blocked, deactivated, webhooks });
}

/** The flood-control answer (https://core.telegram.org/bots/api#responseparameters). */
export const floodAnswer = (seconds: number): FakeAnswer => fail(429, `Too Many Requests: retry after ${seconds}`, { retry_after: seconds });
