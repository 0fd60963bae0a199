import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { apiClient, createTestApp } from '../../testing/harness.ts';

/**
 * Whatever a client sends wrong, the answer is a 4xx in the one error shape
 * `{ error: { code, message, field? } }`, naming the field when one is at fault,
 * and nothing at all is written.
 */
const t = await createTestApp({ VAFA_BODY_LIMIT_BYTES: '2048' });
const ws = await t.workspace();
const analyst = await ws.keyFor('analyst');
const support = await ws.keyFor('support');
const marketer = await ws.keyFor('marketer');
const customer = (await ws.api.post('/api/v1/customers', { externalId: 'dup-1', firstName: 'Sara', emails: ['sara@example.com'] })).json();
const other = (await ws.api.post('/api/v1/customers', { externalId: 'other-1', firstName: 'Omid' })).json();
const task = (await ws.api.post('/api/v1/tasks', { title: 'Call Sara', customerId: customer.id })).json();
const spareKey = (await ws.api.post('/api/v1/api-keys', { kind: 'secret', name: 'spare', role: 'analyst' })).json();
assert.ok(customer.id && other.id && task.id && spareKey.id, 'fixtures were created');

/** A fingerprint of every table a request could write to. */
async function footprint() {
  const digest = (table: string) => sql<string>`(select md5(coalesce(string_agg(x::text, ',' order by x::text), '')) from ${sql.table(table)} x)`;
  const { rows } = await sql<Record<string, string>>`
    select ${digest('customers')} as customers, ${digest('customer_consents')} as consents, ${digest('notes')} as notes,
           ${digest('tasks')} as tasks, ${digest('attribute_definitions')} as definitions, ${digest('memberships')} as memberships,
           ${digest('workspaces')} as workspaces, ${digest('users')} as users, ${digest('idempotency_keys')} as idempotency,
           (select count(*) from audit_log) as audit, (select count(*) from customer_activity) as activity,
           (select count(*) || '/' || count(revoked_at) from api_keys) as api_keys, (select count(*) from login_attempts) as logins`.execute(t.db);
  return rows[0];
}

function expectError(res: LightMyRequestResponse, status: number, code: string, field?: string) {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.match(String(res.headers['x-request-id']), /\S/);
  const body = res.json();
  assert.deepEqual(Object.keys(body), ['error'], res.body);
  assert.equal(body.error.code, code, res.body);
  assert.ok(typeof body.error.message === 'string' && body.error.message.length > 0, res.body);
  if (field !== undefined) assert.equal(body.error.field, field, res.body);
}

/** Sends a bad request, checks the error answer, and that no table changed. */
async function refused(send: Promise<LightMyRequestResponse>, status: number, code: string, field?: string) {
  const before = await footprint();
  const res = await send;
  expectError(res, status, code, field);
  assert.deepEqual(await footprint(), before, `${res.statusCode} ${res.body} wrote something`);
  return res;
}

const raw = (method: 'POST' | 'PATCH', url: string, payload: string, contentType = 'application/json') =>
  t.app.inject({ method, url, payload, headers: { authorization: `Bearer ${ws.secretKey}`, 'content-type': contentType } });

describe('bad bodies: POST /api/v1/customers', () => {
  const cases: { given: string; send: () => Promise<LightMyRequestResponse>; status?: number; code?: string; field: string | undefined }[] = [
    { given: 'JSON cut off mid-string', send: () => raw('POST', '/api/v1/customers', '{"firstName": "Sara'), field: 'body' },
    { given: 'an empty body declared as JSON', send: () => raw('POST', '/api/v1/customers', ''), field: 'body' },
    { given: 'a JSON array', send: () => raw('POST', '/api/v1/customers', '[{"firstName":"Sara"}]'), field: 'body' },
    { given: 'JSON null', send: () => raw('POST', '/api/v1/customers', 'null'), field: 'body' },
    { given: 'a __proto__ key', send: () => raw('POST', '/api/v1/customers', '{"firstName":"Sara","__proto__":{"role":"owner"}}'), field: 'body' },
    { given: 'a text/plain body', send: () => raw('POST', '/api/v1/customers', 'firstName=Sara', 'text/plain'), field: 'body' },
    { given: 'an XML body', send: () => raw('POST', '/api/v1/customers', '<customer/>', 'application/xml'), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', field: 'content-type' },
    { given: 'a body over the 2 KB limit', send: () => ws.api.post('/api/v1/customers', { firstName: 'x'.repeat(3000) }), status: 413, code: 'PAYLOAD_TOO_LARGE', field: 'body' },
    { given: 'an unknown field', send: () => ws.api.post('/api/v1/customers', { firstName: 'Sara', nickname: 'S' }), field: 'nickname' },
    { given: 'a number for firstName', send: () => ws.api.post('/api/v1/customers', { firstName: 42 }), field: 'firstName' },
    { given: 'a string for the emails list', send: () => ws.api.post('/api/v1/customers', { firstName: 'Sara', emails: 'sara@example.com' }), field: 'emails' },
    { given: 'a number inside tags', send: () => ws.api.post('/api/v1/customers', { firstName: 'Sara', tags: ['vip', 7] }), field: 'tags.1' },
    { given: 'a birthday in the wrong format', send: () => ws.api.post('/api/v1/customers', { firstName: 'Sara', birthday: '21/03/1990' }), field: 'birthday' },
    { given: 'an unknown gender', send: () => ws.api.post('/api/v1/customers', { firstName: 'Sara', gender: 'robot' }), field: 'gender' },
    { given: 'an unknown time zone', send: () => ws.api.post('/api/v1/customers', { firstName: 'Sara', timezone: 'Mars/Olympus' }), field: 'timezone' },
    { given: 'an invalid email', send: () => ws.api.post('/api/v1/customers', { emails: ['not-an-email'] }), field: 'emails.0' },
    { given: 'a valid then an invalid email', send: () => ws.api.post('/api/v1/customers', { emails: ['ok@example.com', 'sara@'] }), field: 'emails.1' },
    { given: 'an invalid phone', send: () => ws.api.post('/api/v1/customers', { phones: ['12'] }), field: 'phones.0' },
    { given: 'a valid then an invalid phone', send: () => ws.api.post('/api/v1/customers', { phones: ['09121234567', 'call me'] }), field: 'phones.1' },
    { given: 'an attribute nobody defined', send: () => ws.api.post('/api/v1/customers', { firstName: 'Sara', attributes: { shoeSize: 41 } }), field: 'attributes.shoeSize' },
    { given: 'nothing that identifies a person', send: () => ws.api.post('/api/v1/customers', { city: 'Tehran' }), field: 'body' },
  ];
  for (const c of cases) {
    test(`given ${c.given}, when creating a customer, then ${c.status ?? 400} names "${c.field}" and nothing is written`, async () => {
      await refused(c.send(), c.status ?? 400, c.code ?? 'INVALID_INPUT', c.field);
    });
  }

  test('given an externalId already in use, when creating or renaming to it, then 409 names externalId and nothing is written', async () => {
    await refused(ws.api.post('/api/v1/customers', { externalId: 'dup-1', firstName: 'Another Sara' }), 409, 'CONFLICT', 'externalId');
    await refused(ws.api.patch(`/api/v1/customers/${other.id}`, { externalId: 'dup-1', firstName: 'Renamed' }), 409, 'CONFLICT', 'externalId');
    assert.equal((await ws.api.get(`/api/v1/customers/${other.id}`)).json().externalId, 'other-1');
  });
});

describe('bad bodies on the other routes', () => {
  const uuid = randomUUID();
  const cases: [string, () => Promise<LightMyRequestResponse>, string][] = [
    ['PATCH customer with an unknown field', () => ws.api.patch(`/api/v1/customers/${customer.id}`, { firstName: 'S', shoeSize: 41 }), 'shoeSize'],
    ['PATCH customer with an invalid email', () => ws.api.patch(`/api/v1/customers/${customer.id}`, { firstName: 'Changed', emails: ['nope'] }), 'emails.0'],
    ['PATCH customer with an invalid phone', () => ws.api.patch(`/api/v1/customers/${customer.id}`, { firstName: 'Changed', phones: ['abc'] }), 'phones.0'],
    ['PUT consent with an unknown status', () => ws.api.put(`/api/v1/customers/${customer.id}/consents/sms`, { status: 'maybe' }), 'status'],
    ['POST note with a blank body', () => ws.api.post(`/api/v1/customers/${customer.id}/notes`, { body: '   ' }), 'body'],
    ['POST task without a title', () => ws.api.post('/api/v1/tasks', { priority: 'high' }), 'title'],
    ['POST task with a bad dueAt', () => ws.api.post('/api/v1/tasks', { title: 'x', dueAt: 'tomorrow' }), 'dueAt'],
    ['POST task with an unknown priority', () => ws.api.post('/api/v1/tasks', { title: 'x', priority: 'asap' }), 'priority'],
    ['PATCH task with an unknown status', () => ws.api.patch(`/api/v1/tasks/${task.id}`, { status: 'finished' }), 'status'],
    ['POST member with an invalid email', () => ws.api.post('/api/v1/members', { email: 'not-an-email', password: 'long-enough', role: 'support' }), 'email'],
    ['POST member with a short password', () => ws.api.post('/api/v1/members', { email: 'new@example.com', password: 'short', role: 'support' }), 'password'],
    ['POST member with an unknown role', () => ws.api.post('/api/v1/members', { email: 'new@example.com', password: 'long-enough', role: 'god' }), 'role'],
    ['PATCH member with an unknown role', () => ws.api.patch(`/api/v1/members/${ws.ownerId}`, { role: 'god' }), 'role'],
    ['POST api-key: a write key with a role', () => ws.api.post('/api/v1/api-keys', { kind: 'write', name: 'x', role: 'admin' }), 'role'],
    ['POST api-key of an unknown kind', () => ws.api.post('/api/v1/api-keys', { kind: 'public', name: 'x' }), 'kind'],
    ['PATCH workspace with a bad country', () => ws.api.patch('/api/v1/workspace', { settings: { defaultCountry: 'iran' } }), 'settings.defaultCountry'],
    ['PATCH workspace with an unknown setting', () => ws.api.patch('/api/v1/workspace', { settings: { theme: 'dark' } }), 'settings.theme'],
    ['POST attribute definition with a bad key', () => ws.api.post('/api/v1/attribute-definitions', { key: '1st', label: 'x', type: 'string' }), 'key'],
    ['POST enum attribute without options', () => ws.api.post('/api/v1/attribute-definitions', { key: 'tier', label: 'Tier', type: 'enum' }), 'options'],
    ['POST merge with a non-UUID id', () => ws.api.post('/api/v1/customers/merge', { primaryId: 'x', secondaryId: uuid }), 'primaryId'],
    ['POST merge of a customer into itself', () => ws.api.post('/api/v1/customers/merge', { primaryId: customer.id, secondaryId: customer.id }), 'secondaryId'],
    ['POST bulk with a bad phone in the second item', () => ws.api.post('/api/v1/customers/bulk', { customers: [{ firstName: 'A' }, { phones: ['12'] }] }), 'customers.1.phones.0'],
    ['POST login without a password', () => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: ws.ownerEmail } }), 'password'],
  ];
  for (const [given, send, field] of cases) {
    test(`given ${given}, then 400 names "${field}" and nothing is written`, async () => {
      await refused(send(), 400, 'INVALID_INPUT', field);
    });
  }
});

describe('bad path and query parameters', () => {
  const cases: [string, string, 'GET' | 'PATCH' | 'PUT' | 'DELETE', string][] = [
    ['a customer id that is not a UUID', '/api/v1/customers/not-a-uuid', 'GET', 'id'],
    ['a timeline of a non-UUID customer', '/api/v1/customers/123/timeline', 'GET', 'id'],
    ['a note id that is not a UUID', '/api/v1/notes/xyz', 'PATCH', 'id'],
    ['a task id that is not a UUID', '/api/v1/tasks/1', 'PATCH', 'id'],
    ['a member id that is not a UUID', '/api/v1/members/abc', 'DELETE', 'userId'],
    ['an api key id that is not a UUID', '/api/v1/api-keys/abc', 'DELETE', 'id'],
    ['an unknown consent channel', `/api/v1/customers/${randomUUID()}/consents/fax`, 'PUT', 'channel'],
    ['a limit that is not a number', '/api/v1/customers?limit=abc', 'GET', 'limit'],
    ['a limit of 0', '/api/v1/customers?limit=0', 'GET', 'limit'],
    ['a limit over 200', '/api/v1/customers?limit=201', 'GET', 'limit'],
    ['an unknown query parameter', '/api/v1/customers?color=red', 'GET', 'color'],
    ['an unknown sort', '/api/v1/customers?sort=age', 'GET', 'sort'],
    ['an unknown gender filter', '/api/v1/customers?gender=robot', 'GET', 'gender'],
    ['a createdAfter that is not a date-time', '/api/v1/customers?createdAfter=yesterday', 'GET', 'createdAfter'],
    ['a forged cursor', '/api/v1/customers?cursor=Zm9yZ2Vk', 'GET', 'cursor'],
    ['a task status filter that does not exist', '/api/v1/tasks?status=finished', 'GET', 'status'],
    ['a task customerId that is not a UUID', '/api/v1/tasks?customerId=abc', 'GET', 'customerId'],
    ['a negative audit-log limit', '/api/v1/audit-log?limit=-1', 'GET', 'limit'],
    ['a forged timeline cursor', `/api/v1/customers/${customer.id}/timeline?cursor=bm9wZQ`, 'GET', 'cursor'],
  ];
  for (const [given, url, method, field] of cases) {
    test(`given ${given}, when ${method} ${url.split('?')[0]}, then 400 names "${field}" and nothing is written`, async () => {
      const body = method === 'PUT' ? { status: 'granted' } : method === 'PATCH' ? { body: 'x' } : undefined;
      await refused(t.app.inject({ method, url, headers: { authorization: `Bearer ${ws.secretKey}` }, ...(body ? { payload: body } : {}) }), 400, 'INVALID_INPUT', field);
    });
  }

  test('given a well-formed id that matches nothing, then 404 NOT_FOUND', async () => {
    await refused(ws.api.get(`/api/v1/customers/${randomUUID()}`), 404, 'NOT_FOUND');
    await refused(ws.api.patch(`/api/v1/tasks/${randomUUID()}`, { status: 'done' }), 404, 'NOT_FOUND');
  });
});

describe('unknown routes', () => {
  const cases: ['GET' | 'POST' | 'PUT' | 'DELETE', string][] = [
    ['GET', '/api/v1/nope'],
    ['POST', '/api/v1/nope'],
    ['GET', '/api/nope'],
    ['GET', '/v1/anything'],
    ['POST', '/nope'],
    ['PUT', '/api/v1/customers'],
    ['DELETE', '/api/v1/customers'],
    ['GET', `/api/v1/customers/${randomUUID()}/nope?x=1`],
  ];
  for (const [method, url] of cases) {
    for (const auth of [true, false]) {
      test(`given ${method} ${url} ${auth ? 'with' : 'without'} a key, then 404 NOT_FOUND in the JSON error shape`, async () => {
        const res = await refused(t.app.inject({ method, url, headers: auth ? { authorization: `Bearer ${ws.secretKey}` } : {} }), 404, 'NOT_FOUND');
        assert.equal(res.json().error.message, `No route ${method} ${url.split('?')[0]}`);
      });
    }
  }

  test('given GET of a path outside the API, then the console answers (HTML), not a JSON 404', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/customers/some-page' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html/);
  });
});

describe('authentication and roles', () => {
  const create = (headers: Record<string, string>, cookies?: Record<string, string>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/customers', headers, payload: { firstName: 'Intruder' }, ...(cookies ? { cookies } : {}) });
  const unauthenticated: [string, Record<string, string>, Record<string, string>?][] = [
    ['no credentials at all', {}],
    ['an unknown secret key', { authorization: 'Bearer vafa_sk_thisKeyDoesNotExist000000000000' }],
    ['Basic instead of Bearer', { authorization: `Basic ${Buffer.from('owner:owner-password').toString('base64')}` }],
    ['"Bearer" without a key', { authorization: 'Bearer' }],
    ['two words after Bearer', { authorization: `Bearer ${ws.secretKey} extra` }],
    ['the key without the Bearer scheme', { authorization: ws.secretKey }],
    ['a write key (tracking only)', { authorization: `Bearer ${ws.writeKey}` }],
    ['a session cookie nobody issued', {}, { vafa_session: 'forged-session-token' }],
  ];
  for (const [given, headers, cookies] of unauthenticated) {
    test(`given ${given}, when creating a customer, then 401 UNAUTHENTICATED and nothing is written`, async () => {
      await refused(create(headers, cookies), 401, 'UNAUTHENTICATED');
    });
  }

  test('given a write key, when reading customers, then 401 (write keys never open /api/v1)', async () => {
    await refused(apiClient(t.app, ws.writeKey).get('/api/v1/customers'), 401, 'UNAUTHENTICATED');
  });

  test('given a key that was revoked, when it is used, then 401', async () => {
    const key = (await ws.api.post('/api/v1/api-keys', { kind: 'secret', name: 'short-lived', role: 'admin' })).json();
    const client = apiClient(t.app, key.key);
    assert.equal((await client.get('/api/v1/customers')).statusCode, 200);
    assert.equal((await ws.api.delete(`/api/v1/api-keys/${key.id}`)).statusCode, 200);
    await refused(client.get('/api/v1/customers'), 401, 'UNAUTHENTICATED');
    await refused(client.post('/api/v1/customers', { firstName: 'After revoke' }), 401, 'UNAUTHENTICATED');
  });

  const forbidden: [string, () => Promise<LightMyRequestResponse>][] = [
    ['analyst creates a customer', () => analyst.post('/api/v1/customers', { firstName: 'Nope' })],
    ['analyst edits a customer', () => analyst.patch(`/api/v1/customers/${customer.id}`, { firstName: 'Nope' })],
    ['analyst adds a note', () => analyst.post(`/api/v1/customers/${customer.id}/notes`, { body: 'Nope' })],
    ['support erases a customer', () => support.delete(`/api/v1/customers/${customer.id}`)],
    ['support merges customers', () => support.post('/api/v1/customers/merge', { primaryId: customer.id, secondaryId: other.id })],
    ['support lists keys', () => support.get('/api/v1/api-keys')],
    ['support creates a key', () => support.post('/api/v1/api-keys', { kind: 'secret', name: 'mine', role: 'owner' })],
    ['support revokes a key', () => support.delete(`/api/v1/api-keys/${spareKey.id}`)],
    ['support reads the audit log', () => support.get('/api/v1/audit-log')],
    ['marketer adds a member', () => marketer.post('/api/v1/members', { email: 'friend@example.com', password: 'long-enough', role: 'admin' })],
    ['marketer changes a role', () => marketer.patch(`/api/v1/members/${ws.ownerId}`, { role: 'analyst' })],
    ['marketer removes a member', () => marketer.delete(`/api/v1/members/${ws.ownerId}`)],
    ['marketer renames the workspace', () => marketer.patch('/api/v1/workspace', { name: 'Mine now' })],
  ];
  for (const [given, send] of forbidden) {
    test(`given the right key but the wrong role (${given}), then 403 FORBIDDEN and nothing is written`, async () => {
      await refused(send(), 403, 'FORBIDDEN');
    });
  }
});

describe('request ids', () => {
  const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

  test('given answers of every kind (200, 201, 204, 400, 401, 403, 404, 413), then each carries its own x-request-id', async () => {
    const answers = [
      await ws.api.get('/api/v1/customers'),
      await ws.api.post('/api/v1/tasks', { title: 'request id probe' }),
      await ws.api.post('/api/v1/attribute-definitions', { key: 'probe', label: 'Probe', type: 'string' }),
      await ws.api.delete('/api/v1/attribute-definitions/probe'),
      await ws.api.get('/api/v1/customers?limit=abc'),
      await apiClient(t.app, 'vafa_sk_nope').get('/api/v1/customers'),
      await analyst.post('/api/v1/customers', { firstName: 'x' }),
      await t.app.inject({ method: 'POST', url: '/api/v1/nope' }),
      await ws.api.post('/api/v1/customers', { firstName: 'x'.repeat(3000) }),
      await t.app.inject({ method: 'GET', url: '/health' }),
    ];
    assert.deepEqual(answers.map((r) => r.statusCode), [200, 201, 201, 204, 400, 401, 403, 404, 413, 200]);
    const ids = answers.map((r) => String(r.headers['x-request-id']));
    for (const id of ids) assert.match(id, uuidRe);
    assert.equal(new Set(ids).size, ids.length, 'request ids repeat');
  });

  test('given a client X-Request-Id, then it is echoed, on errors too, and recorded in the audit log of a write', async () => {
    const given = `client-${Date.now()}.retry:1`;
    const error = await t.app.inject({ method: 'GET', url: '/api/v1/nope', headers: { 'x-request-id': given } });
    assert.equal(error.headers['x-request-id'], given);
    const created = await ws.api.post('/api/v1/customers', { firstName: 'Traced' }, { 'x-request-id': given });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal(created.headers['x-request-id'], given);
    const entry = await t.db.selectFrom('audit_log').select(['request_id', 'target_id']).where('action', '=', 'customer.created').where('target_id', '=', created.json().id).executeTakeFirstOrThrow();
    assert.equal(entry.request_id, given);
  });

  test('given an X-Request-Id with spaces or over 128 characters, then a fresh UUID is used instead', async () => {
    for (const bad of ['has spaces in it', 'x'.repeat(129), '<script>']) {
      const res = await t.app.inject({ method: 'GET', url: '/health', headers: { 'x-request-id': bad } });
      assert.match(String(res.headers['x-request-id']), uuidRe, bad);
    }
  });
});
