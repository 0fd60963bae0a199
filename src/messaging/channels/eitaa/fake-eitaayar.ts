import { type FakeAnswer, type FakeProvider, type RecordedRequest, startFakeProvider } from '../bot-api/fake-server.ts';

/**
 * A local Eitaayar API: /api/<token>/getMe and /api/<token>/sendMessage (form fields), answering
 * with `{ ok: true, result }` or `{ ok: false, error_code, description }`. Only `channels` accept posts.
 */
export interface FakeEitaayar extends FakeProvider {
  channels: Set<string>;
}

const fail = (status: number, description: string): FakeAnswer => ({ status, body: { ok: false, error_code: status, description } });

export async function startFakeEitaayar(validToken: string): Promise<FakeEitaayar> {
  const channels = new Set<string>();
  let nextId = 1;
  const route = (req: RecordedRequest): FakeAnswer => {
    const match = /^\/api\/([^/]+)\/(\w+)$/.exec(req.path);
    if (!match) return fail(404, 'Not Found');
    if (match[1] !== validToken) return fail(401, 'Unauthorized: invalid token');
    if (match[2] === 'getMe') return { status: 200, body: { ok: true, result: { id: 7, is_bot: false, first_name: 'فروشگاه وفا', username: 'vafa_shop' } } };
    if (match[2] !== 'sendMessage') return fail(404, 'Not Found: method not found');
    const chat = req.form.get('chat_id') ?? '';
    const text = req.form.get('text') ?? '';
    if (!chat) return fail(400, 'Bad Request: chat_id is empty');
    if (!text) return fail(400, 'Bad Request: message text is empty');
    if (!channels.has(chat)) return fail(400, 'Bad Request: chat not found');
    return { status: 200, body: { ok: true, result: { message_id: nextId++, date: Math.floor(Date.now() / 1000), chat: { id: 1, type: 'public', username: chat }, text } } };
  };
  const provider = await startFakeProvider(route);
  return Object.assign(provider, { channels });
}
