import { type FakeAnswer, type FakeProvider, type RecordedRequest, startFakeProvider } from '../bot-api/fake-server.ts';

/**
 * A local WhatsApp Cloud API (Graph API) for driver tests: Bearer auth, GET /{version}/{phone-id},
 * POST /{version}/{phone-id}/messages, and the Graph error envelope with Cloud API codes
 * (https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes). Recipients are
 * set up per test: `windowClosed` numbers refuse free-form messages with 131047, `stoppedMarketing`
 * ones answer 131050, `undeliverable` ones 131026; `templates` lists approved template names.
 */
export interface FakeGraphApi extends FakeProvider {
  windowClosed: Set<string>;
  stoppedMarketing: Set<string>;
  undeliverable: Set<string>;
  templates: Set<string>;
}

export const graphError = (status: number, code: number, message: string, extra: Record<string, unknown> = {}): FakeAnswer => ({
  status,
  body: { error: { message, type: 'OAuthException', code, ...extra, fbtrace_id: 'AbCdEf123' } },
});

export async function startFakeGraphApi(options: { accessToken: string; phoneNumberId: string; version: string }): Promise<FakeGraphApi> {
  const windowClosed = new Set<string>();
  const stoppedMarketing = new Set<string>();
  const undeliverable = new Set<string>();
  const templates = new Set<string>();
  let nextId = 1;
  const route = (req: RecordedRequest): FakeAnswer => {
    if (req.headers.authorization !== `Bearer ${options.accessToken}`)
      return graphError(401, 190, 'Error validating access token: Session has expired on Friday, 01-Jan-21 00:00:00 PST.', { error_subcode: 463 });
    const prefix = `/${options.version}/${options.phoneNumberId}`;
    if (req.method === 'GET' && req.path === prefix)
      return { status: 200, body: { verified_name: 'Vafa Shop', display_phone_number: '+98 21 1234 5678', quality_rating: 'GREEN', id: options.phoneNumberId } };
    if (req.method === 'POST' && req.path === `${prefix}/messages`) return sendMessage(req);
    return graphError(400, 100, `Unsupported ${req.method.toLowerCase()} request. Object with ID '${req.path.split('/')[2]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`, { error_subcode: 33, type: 'GraphMethodException' });
  };
  const sendMessage = (req: RecordedRequest): FakeAnswer => {
    const body = (req.json ?? {}) as Record<string, unknown>;
    if (body.messaging_product !== 'whatsapp') return graphError(400, 100, '(#100) The parameter messaging_product is required.');
    const to = typeof body.to === 'string' ? body.to : '';
    if (!to) return graphError(400, 100, '(#100) The parameter to is required.');
    if (stoppedMarketing.has(to)) return graphError(400, 131050, 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.');
    if (undeliverable.has(to)) return graphError(400, 131026, 'Message undeliverable', { error_data: { messaging_product: 'whatsapp', details: 'Receiver is incapable of receiving this message' } });
    if (body.type === 'template') {
      const template = body.template as { name?: string };
      if (!template?.name || !templates.has(template.name))
        return graphError(404, 132001, 'Template name does not exist in the translation', { error_data: { messaging_product: 'whatsapp', details: `template name (${template?.name}) does not exist in fa` } });
    } else if (body.type === 'text' || body.type === 'interactive') {
      if (windowClosed.has(to))
        return graphError(400, 131047, 'Re-engagement message', { error_data: { messaging_product: 'whatsapp', details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.' } });
    } else return graphError(400, 100, '(#100) Param type must be one of {AUDIO, CONTACTS, DOCUMENT, IMAGE, INTERACTIVE, LOCATION, REACTION, STICKER, TEMPLATE, TEXT, VIDEO}');
    return { status: 200, body: { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id: `wamid.TEST${nextId++}` }] } };
  };
  const provider = await startFakeProvider(route);
  return Object.assign(provider, { windowClosed, stoppedMarketing, undeliverable, templates });
}
