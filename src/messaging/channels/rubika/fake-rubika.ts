import { type FakeAnswer, type FakeProvider, type RecordedRequest, startFakeProvider } from '../bot-api/fake-server.ts';

/**
 * A local Rubika Bot API v3: POST /v3/<token>/<method> with JSON, answering `{ status: "OK", data }`
 * or `{ status: "INVALID_ACCESS" | "INVALID_INPUT" | "TOO_REQUESTS", dev_message }` (HTTP 200, as
 * Rubika does). `open` chats receive; others answer INVALID_INPUT "chat not found".
 */
export interface FakeRubika extends FakeProvider {
  open: Set<string>;
  endpoints: Record<string, unknown>[];
}

export const rubikaError = (status: string, dev_message: string): FakeAnswer => ({ status: 200, body: { status, dev_message } });

export async function startFakeRubika(validToken: string): Promise<FakeRubika> {
  const open = new Set<string>();
  const endpoints: Record<string, unknown>[] = [];
  let nextId = 1000;
  const route = (req: RecordedRequest): FakeAnswer => {
    const match = /^\/v3\/([^/]+)\/(\w+)$/.exec(req.path);
    if (!match) return { status: 404, raw: 'Not Found' };
    if (match[1] !== validToken) return rubikaError('INVALID_ACCESS', 'token is invalid');
    const params = (req.json ?? {}) as Record<string, unknown>;
    switch (match[2]) {
      case 'getMe':
        return { status: 200, body: { status: 'OK', data: { bot: { bot_id: 'b0VAFA', bot_title: 'وفا', username: 'vafa_bot', description: '' } } } };
      case 'updateBotEndpoints':
        if (typeof params.url !== 'string' || !['ReceiveUpdate', 'ReceiveInlineMessage', 'ReceiveQuery', 'GetSelectionItem', 'SearchSelectionItems'].includes(String(params.type)))
          return rubikaError('INVALID_INPUT', 'url and a valid type are required');
        endpoints.push(params);
        return { status: 200, body: { status: 'OK', data: { status: 'Done' } } };
      case 'sendMessage': {
        if (typeof params.text !== 'string' || !params.text) return rubikaError('INVALID_INPUT', 'text is required');
        if (!open.has(String(params.chat_id))) return rubikaError('INVALID_INPUT', 'chat not found');
        return { status: 200, body: { status: 'OK', data: { message_id: String(nextId++) } } };
      }
      default:
        return rubikaError('INVALID_INPUT', 'method not found');
    }
  };
  const provider = await startFakeProvider(route);
  return Object.assign(provider, { open, endpoints });
}
