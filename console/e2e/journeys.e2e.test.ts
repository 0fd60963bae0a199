/**
 * The journey canvas in a real browser against a real server (engine and delivery worker
 * running). In English: a journey is built on the canvas through the UI — API trigger, a send step
 * with a template, a wait, a condition on the customer's tag, an exit — the check shows the
 * condition's unconnected "no" port on its node and in the list, the port is connected, the
 * journey is activated, simulated on a customer (the path lights up, the message is rendered for
 * her), and after a run is started through the API the live counter on the wait step moves to 1.
 * In Persian (RTL): the same canvas reads right to left, and a second journey is built, refused
 * for its missing template (shown on the node), fixed, activated and simulated.
 * Screenshots: /tmp/journeys-*.png.
 *
 *   VAFA_TEST_ADMIN_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *     node --import tsx --test console/e2e/journeys.e2e.test.ts
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { numberedSteps, startVafa, startWebhookReceiver, switchLanguage, type Vafa } from './harness';

const ADMIN_URL = process.env.VAFA_TEST_ADMIN_URL;
const OWNER = { email: `journeys-${randomBytes(4).toString('hex')}@example.com`, password: 'correct horse battery' };

let vafa: Vafa | undefined;
let page: Page;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
const pageErrors: string[] = [];

before(async () => {
  if (!ADMIN_URL) return;
  receiver = await startWebhookReceiver();
  vafa = await startVafa(ADMIN_URL, 'Journeys Shop', OWNER);
  page = vafa.page;
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  await vafa?.stop();
  await receiver?.close();
});

const text = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
const shoot = (name: string) => page.screenshot({ path: `/tmp/journeys-${name}.png` });
const node = (id: string) => page.getByTestId(`journey-node-${id}`);

async function json<T>(res: Promise<Response>, status: number): Promise<T> {
  const r = await res;
  const body = await r.text();
  assert.equal(r.status, status, body);
  return JSON.parse(body) as T;
}

/** Picks an option of the Mantine Select `testId` by its label. */
async function pick(testId: string, label: string | RegExp): Promise<void> {
  await page.getByTestId(testId).click();
  await page.getByRole('option', { name: label, exact: typeof label === 'string' }).click();
}

/** Selects a node by clicking its title (not a handle). */
async function select(id: string): Promise<void> {
  await (id === 'trigger' ? page.getByTestId('journey-node-trigger') : node(id)).getByTestId('node-summary').click();
  if (id !== 'trigger') await page.locator(`[data-testid="step-form"][data-step-id="${id}"]`).waitFor();
}

/** Drags with the mouse from the centre of one element to the centre of another. */
async function dragBetween(from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  assert.ok(a && b, 'both ends are on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2 + 20, { steps: 8 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 8 });
  await page.mouse.up();
}

async function addStep(kind: string): Promise<void> {
  await page.getByTestId(`palette-${kind}`).click();
}

async function createJourney(name: string): Promise<string> {
  await page.getByTestId('nav-journeys').click();
  await page.getByTestId('new-journey').click();
  await page.getByTestId('journey-name-input').fill(name);
  await page.getByTestId('journey-create').click();
  await page.getByTestId('journey-editor').waitFor();
  return page.url().split('/').pop() as string;
}

async function simulateFor(customer: string): Promise<void> {
  await page.getByTestId('tab-simulate').click();
  await page.getByTestId('simulate-customer').fill(customer);
  await page.getByRole('option', { name: new RegExp(customer) }).first().click();
  await page.getByTestId('simulate-run').click();
  await page.getByTestId('simulation-result').waitFor();
}

test('the journey canvas, in a browser, against a real server', { skip: !ADMIN_URL && 'VAFA_TEST_ADMIN_URL is not set' }, async (outer) => {
  const server = () => vafa as Vafa;
  const t = numberedSteps(outer, server, shoot);
  let sara = '';
  let journeyId = '';

  await t.test('given a webhook channel, a template and two customers, when the owner opens Journeys, then the list is empty', async () => {
    await json(server().api('POST', '/api/v1/channels', { provider: 'webhook', name: 'Shop hook', settings: { url: receiver?.url, secret: 'e2e-webhook-secret-0123456789' } }), 201);
    await json(
      server().api('POST', '/api/v1/templates', { name: 'Welcome', category: 'transactional', variants: { en: { webhook: { payload: { greeting: 'Hello {{ customer.first_name }}' } } } } }),
      201,
    );
    sara = (await json<{ id: string }>(server().api('POST', '/api/v1/customers', { firstName: 'Sara', lastName: 'Vip', emails: ['sara@example.com'], tags: ['vip'] }), 201)).id;
    await json(server().api('POST', '/api/v1/customers', { firstName: 'Reza', lastName: 'Plain', emails: ['reza@example.com'] }), 201);
    await page.goto(`${server().baseUrl}/`);
    await page.getByTestId('login-email').fill(OWNER.email);
    await page.getByTestId('login-password').fill(OWNER.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('nav-journeys').click();
    await page.getByTestId('journeys-empty').waitFor();
  });

  await t.test('when a journey is built on the canvas (send → wait → condition → exit), then each node says what it does', async () => {
    journeyId = await createJourney('VIP welcome');
    await node('exit').waitFor();
    await select('trigger');
    await addStep('send');
    await pick('send-template', 'Welcome');
    await addStep('wait');
    await page.getByTestId('wait-duration-amount').fill('2');
    await addStep('condition');
    await page.getByTestId('add-condition').click();
    await page.getByTestId('add-condition-tag').click();
    await page.getByTestId('tag-value').fill('vip');
    // Each step was inserted after the selected one: trigger → send → wait → condition —yes→ exit.
    assert.equal(await page.getByTestId('port-yes').inputValue(), 'exit');
    assert.equal(await page.getByTestId('port-no').inputValue(), '');
    assert.match(await text(node('send').getByTestId('node-summary')), /send best channel: Welcome/);
    assert.match(await text(node('wait').getByTestId('node-summary')), /wait 2 days/);
    assert.match(await text(node('condition').getByTestId('node-summary')), /1 rule\(s\) on the customer/);
    await shoot('en-built');
  });

  await t.test('when the graph is checked with the "no" port unconnected, then the problem shows on the condition node and in the list', async () => {
    await page.getByTestId('journey-check').click();
    await page.getByTestId('journey-problem').first().waitFor();
    const problems = page.getByTestId('journey-problem');
    assert.equal(await problems.count(), 1);
    assert.equal(await problems.first().getAttribute('data-field'), 'steps.3.next.no');
    assert.equal(await node('condition').getAttribute('data-has-problem'), 'true');
    assert.match(await text(node('condition').getByTestId('node-problem')), /port "no" has no target/);
    await shoot('en-problem');
  });

  await t.test('when the port is connected and the journey activated, then it is active with the canvas saved as built', async () => {
    // Connect by dragging from the condition's "no" handle onto the exit node's input.
    await dragBetween(page.getByTestId('handle-condition-no'), node('exit').locator('.react-flow__handle.target'));
    await select('condition');
    assert.equal(await page.getByTestId('port-no').inputValue(), 'exit');
    await page.getByTestId('journey-check').click();
    await page.getByTestId('journey-valid').waitFor();
    assert.equal(await node('condition').getAttribute('data-has-problem'), 'false');
    await page.getByTestId('journey-activate').click();
    await page.locator('[data-testid="journey-editor"][data-status="active"]').waitFor();
    const saved = await json<{ start: string; steps: { id: string; kind: string; next?: Record<string, string> }[]; layout: Record<string, unknown> }>(server().api('GET', `/api/v1/journeys/${journeyId}`), 200);
    assert.equal(saved.start, 'send');
    assert.deepEqual(
      // jsonb keeps no key order: ports listed sorted
      saved.steps.map((s) => `${s.id}:${s.kind}:${Object.entries(s.next ?? {}).sort().join(' ')}`).sort(),
      ['condition:condition:no,exit yes,exit', 'exit:exit:', 'send:send:next,wait', 'wait:wait:next,condition'],
    );
    assert.deepEqual(Object.keys(saved.layout).sort(), ['condition', 'exit', 'send', 'wait'], 'node positions are kept');
  });

  await t.test('when Sara is simulated, then the path lights up on the canvas and the timeline shows the rendered message and the times', async () => {
    await simulateFor('Sara');
    assert.equal(await page.getByTestId('simulation-result').getAttribute('data-outcome'), 'completed');
    for (const id of ['send', 'wait', 'condition', 'exit']) assert.equal(await node(id).getAttribute('data-on-path'), 'true', id);
    const steps = await page.getByTestId('simulation-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step-id')));
    assert.deepEqual(steps, ['send', 'wait', 'condition', 'exit']);
    assert.match(await text(page.getByTestId('simulation-message')), /Hello Sara/);
    await shoot('en-simulated');
  });

  await t.test('when a run is started through the API, then the live counters move: one customer now waits at the wait step', async () => {
    await json(server().api('POST', `/api/v1/journeys/${journeyId}/runs`, { customerId: sara, idempotencyKey: 'e2e-1' }), 201);
    await page.waitForFunction(() => document.querySelector('[data-testid="journey-node-wait"] [data-testid="node-current"]')?.getAttribute('data-value') === '1', undefined, { timeout: 20_000 });
    assert.equal(await node('send').getByTestId('node-reached').getAttribute('data-value'), '1');
    assert.equal(await text(page.getByTestId('total-entered-value')), '1');
    await shoot('en-live');
    const row = page.getByTestId('journey-row');
    await page.getByTestId('segments-back').click();
    await row.first().waitFor();
    assert.equal(await text(row.first().getByTestId('journey-entered')), '1');
    assert.equal(await row.first().getByTestId('journey-status').getAttribute('data-status'), 'active');
  });

  await t.test('in Persian, the canvas reads right to left with its counters; a journey missing its template is refused on its node, fixed, activated and simulated', async () => {
    await switchLanguage(page, 'fa');
    assert.equal(await page.evaluate(() => document.documentElement.dir), 'rtl');
    await page.getByTestId('journey-link').first().click();
    await page.getByTestId('journey-editor').waitFor();
    assert.match(await text(node('send')), /ارسال پیام/);
    assert.match(await text(node('wait').getByTestId('node-current')), /۱/);
    await shoot('fa-live');

    await createJourney('سفر آزمایشی');
    await node('exit').waitFor();
    await select('trigger');
    await addStep('send');
    await page.getByTestId('journey-check').click();
    await page.getByTestId('journey-problem').first().waitFor();
    assert.equal(await page.getByTestId('journey-problem').first().getAttribute('data-field'), 'steps.1.templateId');
    assert.equal(await node('send').getAttribute('data-has-problem'), 'true');
    await shoot('fa-problem');
    await select('send');
    await pick('send-template', 'Welcome');
    await page.getByTestId('journey-check').click();
    await page.getByTestId('journey-valid').waitFor();
    await page.getByTestId('journey-activate').click();
    await page.locator('[data-testid="journey-editor"][data-status="active"]').waitFor();
    await simulateFor('Reza');
    assert.equal(await node('send').getAttribute('data-on-path'), 'true');
    assert.match(await text(page.getByTestId('simulation-outcome')), /کامل/);
    await shoot('fa-simulated');
    assert.deepEqual(pageErrors, []);
  });
});
