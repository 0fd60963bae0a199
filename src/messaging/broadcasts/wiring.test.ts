import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createTestApp } from '../../testing/harness.ts';
import { startWebhookReceiver } from '../channels/webhook/testing.ts';
import { bulkCustomers } from '../delivery/testing/fixtures.ts';
import { createTemplate, manualSegment } from './testing/fixtures.ts';

/**
 * The broadcast path as `vafa start` runs it: the app's own scheduler and delivery worker (polling
 * every 100 ms), a real webhook channel configured through the API, and a local receiver that
 * checks each request's signature.
 */
const t = await createTestApp({ VAFA_DELIVERY_POLL_MS: '100' });
const secret = 'webhook-secret-0123456789';
const receiver = await startWebhookReceiver(secret);
after(() => receiver.close());

test('given a webhook channel and 25 members, when a broadcast is sent through the running app, then each member is posted once, signed, and the broadcast ends sent', async () => {
  const w = await t.workspace();
  const channel = await w.api.post('/api/v1/channels', { provider: 'webhook', name: 'Shop hook', settings: { url: receiver.url, secret } });
  assert.equal(channel.statusCode, 201, channel.body);
  const templateId = await createTemplate(w, 'Hooked', {
    category: 'transactional',
    variants: { en: { webhook: { payload: { event: 'offer', offer: '{{ vars.offer }}', customer: '{{ customer.first_name }}' } } } },
  });
  const members = await bulkCustomers(t.db, w.id, 25, `wire-${w.id}`);
  const segmentId = await manualSegment(t.db, w, members);
  const b = (await w.api.post('/api/v1/broadcasts', { name: 'Wired', segmentId, templateId, channels: ['webhook'], variables: { offer: 'YALDA30' }, language: 'en' })).json();
  assert.equal((await w.api.post(`/api/v1/broadcasts/${b.id}/send`, {})).statusCode, 202);

  const deadline = Date.now() + 30_000;
  let view = (await w.api.get(`/api/v1/broadcasts/${b.id}`)).json();
  while (view.status !== 'sent' && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    view = (await w.api.get(`/api/v1/broadcasts/${b.id}`)).json();
  }
  assert.equal(view.status, 'sent', JSON.stringify(view.progress));
  assert.deepEqual(view.progress.byStatus, { sent: 25 });
  assert.equal(receiver.received.length, 25);
  assert.ok(receiver.received.every((r) => r.signatureValid));
  const bodies = receiver.received.map((r) => JSON.stringify(r.body));
  assert.ok(bodies.every((body) => body.includes('YALDA30')), bodies[0]);
  const recipients = (await w.api.get(`/api/v1/broadcasts/${b.id}/recipients?limit=100`)).json();
  assert.deepEqual(new Set(recipients.data.map((r: { customerId: string }) => r.customerId)), new Set(members));
  assert.ok(recipients.data.every((r: { status: string; channel: string }) => r.status === 'sent' && r.channel === 'webhook'));
});
