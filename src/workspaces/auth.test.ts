import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { apiClient, createTestApp, type TestWorkspace } from '../testing/harness.ts';
import { loginSession } from '../testing/session.ts';
import { sha256 } from './secrets.ts';
import { LOGIN_LIMIT } from './sessions.ts';
import { createWorkspace } from './team.ts';

const t = await createTestApp();

const login = (email: string, password: string, remoteAddress = '127.0.0.1', extra: Record<string, unknown> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password, ...extra }, remoteAddress });

function errorCode(res: LightMyRequestResponse, status: number): string {
  assert.equal(res.statusCode, status, res.body);
  return res.json().error.code;
}

async function auditOf(ws: TestWorkspace) {
  const res = await ws.api.get('/api/v1/audit-log?limit=200');
  assert.equal(res.statusCode, 200, res.body);
  return res.json().data as { action: string; actorType: string; actorId: string | null; actorLabel: string; targetId: string; changes: Record<string, unknown> }[];
}

describe('console sessions', () => {
  test('given the right password, when logging in, then an HttpOnly SameSite=Lax vafa_session cookie is set, a csrfToken returned, and only a hash of the token stored', async () => {
    const ws = await t.workspace();
    const res = await login(ws.ownerEmail, ws.ownerPassword);
    assert.equal(res.statusCode, 200, res.body);
    const cookie = res.cookies.find((c) => c.name === 'vafa_session');
    assert.ok(cookie?.value && cookie.value.length >= 40);
    const header = String(res.headers['set-cookie']);
    assert.match(header, /^vafa_session=[^;]+;/);
    assert.match(header, /; HttpOnly/);
    assert.match(header, /; SameSite=Lax/);
    assert.match(header, /; Path=\//);
    assert.doesNotMatch(header, /; Secure/, 'plain http must not get a Secure cookie the browser would drop');
    const days = (cookie.expires!.getTime() - Date.now()) / 86_400_000;
    assert.ok(Math.abs(days - t.config.sessionDays) < 0.01, `cookie lives ${days} days`);
    const body = res.json();
    assert.ok(typeof body.csrfToken === 'string' && body.csrfToken.length >= 32);
    assert.equal(body.user.email, ws.ownerEmail);
    assert.equal(body.workspace.id, ws.id);
    assert.equal(body.role, 'owner');
    assert.ok(!res.body.includes(cookie.value), 'the session token is only in the cookie');
    const stored = await t.db.selectFrom('sessions').select('token_hash').where('user_id', '=', ws.ownerId).execute();
    assert.deepEqual(stored.map((s) => s.token_hash), [sha256(cookie.value)]);
  });

  test('given VAFA_TRUST_PROXY and a request that came over HTTPS through the proxy, when logging in, then the cookie is Secure', async () => {
    const proxied = await createTestApp({ VAFA_TRUST_PROXY: 'true' });
    const ws = await proxied.workspace();
    const login = { method: 'POST' as const, url: '/api/auth/login', headers: { 'x-forwarded-proto': 'https' }, payload: { email: ws.ownerEmail, password: ws.ownerPassword } };
    const res = await proxied.app.inject(login);
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['set-cookie']), /; Secure/);
    const direct = await t.workspace();
    const untrusted = await t.app.inject({ ...login, payload: { email: direct.ownerEmail, password: direct.ownerPassword } });
    assert.doesNotMatch(String(untrusted.headers['set-cookie']), /; Secure/, 'without a trusted proxy the header is ignored');
  });

  test('given a wrong password or an unknown email, when logging in, then 401 with the same message and no cookie', async () => {
    const ws = await t.workspace();
    const wrong = await login(ws.ownerEmail, 'not-the-password');
    const unknown = await login('nobody-here@example.com', 'whatever-password');
    assert.equal(errorCode(wrong, 401), 'UNAUTHENTICATED');
    assert.equal(errorCode(unknown, 401), 'UNAUTHENTICATED');
    assert.equal(wrong.json().error.message, unknown.json().error.message, 'the answer must not tell who has an account');
    assert.equal(wrong.headers['set-cookie'], undefined);
    assert.equal(await t.db.selectFrom('sessions').select('id').where('user_id', '=', ws.ownerId).executeTakeFirst(), undefined);
  });

  test('given a session cookie, when asking GET /api/auth/session, then the session is described; without the cookie or with an API key it is 401', async () => {
    const ws = await t.workspace();
    const session = await loginSession(t.app, ws.ownerEmail.toUpperCase(), ws.ownerPassword);
    const res = await session.get('/api/auth/session');
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.json().user.id, ws.ownerId);
    assert.equal(res.json().csrfToken, session.csrfToken);
    assert.equal(errorCode(await t.app.inject({ method: 'GET', url: '/api/auth/session' }), 401), 'UNAUTHENTICATED');
    assert.equal(errorCode(await ws.api.get('/api/auth/session'), 401), 'UNAUTHENTICATED');
  });

  test('given a session cookie, when writing without X-CSRF-Token or with a wrong one, then 403 and nothing is written; with it, the write succeeds', async () => {
    const ws = await t.workspace();
    const session = await loginSession(t.app, ws.ownerEmail, ws.ownerPassword);
    const send = (headers: Record<string, string>) =>
      t.app.inject({ method: 'POST', url: '/api/v1/customers', cookies: { vafa_session: session.cookie }, headers, payload: { firstName: 'Mina' } });
    assert.equal(errorCode(await send({}), 403), 'FORBIDDEN');
    assert.equal(errorCode(await send({ 'x-csrf-token': `${session.csrfToken.slice(0, -1)}x` }), 403), 'FORBIDDEN');
    assert.equal(errorCode(await send({ 'x-csrf-token': '' }), 403), 'FORBIDDEN');
    assert.deepEqual((await session.get('/api/v1/customers')).json().data, [], 'reads need no token; nothing was created');
    const created = await send({ 'x-csrf-token': session.csrfToken });
    assert.equal(created.statusCode, 201, created.body);
    assert.equal((await session.get('/api/v1/customers')).json().data.length, 1);
  });

  test('given a logged-in session, when logging out, then the cookie is cleared and the same cookie is refused everywhere', async () => {
    const ws = await t.workspace();
    const session = await loginSession(t.app, ws.ownerEmail, ws.ownerPassword);
    const noToken = await t.app.inject({ method: 'POST', url: '/api/auth/logout', cookies: { vafa_session: session.cookie } });
    assert.equal(errorCode(noToken, 403), 'FORBIDDEN');
    assert.equal((await session.get('/api/auth/session')).statusCode, 200, 'a refused logout leaves the session alive');
    const out = await session.post('/api/auth/logout', undefined);
    assert.equal(out.statusCode, 204, out.body);
    assert.match(String(out.headers['set-cookie']), /^vafa_session=;.*Max-Age=0/);
    assert.equal(errorCode(await session.get('/api/auth/session'), 401), 'UNAUTHENTICATED');
    assert.equal(errorCode(await session.get('/api/v1/customers'), 401), 'UNAUTHENTICATED');
    assert.equal(errorCode(await session.post('/api/v1/customers', { firstName: 'After logout' }), 401), 'UNAUTHENTICATED');
    assert.equal(await t.db.selectFrom('sessions').select('id').where('user_id', '=', ws.ownerId).executeTakeFirst(), undefined);
  });

  test('given a session past its expiry, when it is used, then 401', async () => {
    const ws = await t.workspace();
    const session = await loginSession(t.app, ws.ownerEmail, ws.ownerPassword);
    await t.db.updateTable('sessions').set({ expires_at: new Date(Date.now() - 1000) }).where('user_id', '=', ws.ownerId).execute();
    assert.equal(errorCode(await session.get('/api/v1/customers'), 401), 'UNAUTHENTICATED');
  });

  test('given a user in two workspaces, when switching, then the session, its role and every /api/v1 answer follow the chosen workspace', async () => {
    const first = await t.workspace('First shop');
    const { workspace: second } = await createWorkspace(t.db, { name: 'Second shop', ownerEmail: first.ownerEmail, ownerPassword: first.ownerPassword });
    const stranger = await t.workspace('Not theirs');
    const session = await loginSession(t.app, first.ownerEmail, first.ownerPassword);
    assert.deepEqual(session.session.workspaces.map((w) => w.id).sort(), [first.id, second.id].sort());
    assert.equal(session.session.workspace.id, first.id);

    const switched = await session.post('/api/auth/switch', { workspaceId: second.id });
    assert.equal(switched.statusCode, 200, switched.body);
    assert.equal(switched.json().workspace.id, second.id);
    assert.equal((await session.get('/api/v1/workspace')).json().id, second.id);
    const created = (await session.post('/api/v1/customers', { firstName: 'In second' })).json();
    assert.equal((await first.api.get(`/api/v1/customers/${created.id}`)).statusCode, 404);

    assert.equal(errorCode(await session.post('/api/auth/switch', { workspaceId: stranger.id }), 403), 'FORBIDDEN');
    assert.equal((await session.get('/api/v1/workspace')).json().id, second.id, 'a refused switch changes nothing');
    assert.equal((await session.post('/api/auth/switch', { workspaceId: first.id })).json().workspace.id, first.id);

    const direct = await login(first.ownerEmail, first.ownerPassword, '127.0.0.1', { workspaceId: second.id });
    assert.equal(direct.json().workspace.id, second.id);
    assert.equal(errorCode(await login(first.ownerEmail, first.ownerPassword, '127.0.0.1', { workspaceId: stranger.id }), 403), 'FORBIDDEN');
  });

  test('given a member with a live session, when an admin removes them, then their session stops working at once', async () => {
    const ws = await t.workspace();
    const added = await ws.api.post('/api/v1/members', { email: `leaver-${Date.now()}@example.com`, password: 'leaver-password', role: 'support' });
    assert.equal(added.statusCode, 201, added.body);
    const session = await loginSession(t.app, added.json().email, 'leaver-password');
    assert.equal((await session.get('/api/v1/customers')).statusCode, 200);
    assert.equal((await ws.api.delete(`/api/v1/members/${added.json().userId}`)).statusCode, 204);
    assert.equal(errorCode(await session.get('/api/v1/customers'), 401), 'UNAUTHENTICATED');
  });
});

describe('login rate limiting', () => {
  test(`given ${LOGIN_LIMIT.failures} failed logins for one email, when the right password follows, then 429 (from any address) while other people still log in`, async () => {
    const victim = await t.workspace();
    const bystander = await t.workspace();
    for (let i = 0; i < LOGIN_LIMIT.failures; i++) {
      assert.equal(errorCode(await login(victim.ownerEmail, `guess-${i}`, `10.1.0.${i + 1}`), 401), 'UNAUTHENTICATED');
    }
    const blocked = await login(victim.ownerEmail, victim.ownerPassword, '10.1.0.1');
    assert.equal(errorCode(blocked, 429), 'RATE_LIMITED');
    assert.equal(blocked.headers['set-cookie'], undefined);
    assert.equal(errorCode(await login(victim.ownerEmail.toUpperCase(), victim.ownerPassword, '10.1.9.9'), 429), 'RATE_LIMITED');
    assert.equal((await login(bystander.ownerEmail, bystander.ownerPassword, '10.1.0.1')).statusCode, 200);

    // The window slides: once the failures are older than it, the right password works again.
    await sql`update login_attempts set at = now() - make_interval(mins => ${LOGIN_LIMIT.windowMinutes + 1}) where email = ${victim.ownerEmail}`.execute(t.db);
    assert.equal((await login(victim.ownerEmail, victim.ownerPassword, '10.1.0.1')).statusCode, 200);
  });

  test(`given ${LOGIN_LIMIT.perIpFailures} failed logins from one address across many emails, then that address gets 429 even for a real account`, async () => {
    const ws = await t.workspace();
    for (let i = 0; i < LOGIN_LIMIT.perIpFailures; i++) {
      assert.equal((await login(`sprayed-${i}@example.com`, 'Password1', '10.2.0.1')).statusCode, 401);
    }
    assert.equal(errorCode(await login(ws.ownerEmail, ws.ownerPassword, '10.2.0.1'), 429), 'RATE_LIMITED');
    assert.equal((await login(ws.ownerEmail, ws.ownerPassword, '10.2.0.2')).statusCode, 200);
  });
});

describe('secrets at rest', () => {
  test('given owners and members, then their passwords are stored as argon2id hashes', async () => {
    const ws = await t.workspace();
    const added = await ws.api.post('/api/v1/members', { email: `hashed-${Date.now()}@example.com`, password: 'member-password', role: 'analyst' });
    assert.equal(added.statusCode, 201, added.body);
    const rows = await t.db.selectFrom('users').select(['id', 'password_hash']).where('id', 'in', [ws.ownerId, added.json().userId]).execute();
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.match(row.password_hash, /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/);
      assert.ok(!row.password_hash.includes('password'));
    }
  });

  test('given a new API key, then only its hash is stored, the raw key is shown once and never listed or logged', async () => {
    const ws = await t.workspace();
    const res = await ws.api.post('/api/v1/api-keys', { kind: 'secret', name: 'CRM sync', role: 'marketer' });
    assert.equal(res.statusCode, 201, res.body);
    const created = res.json();
    assert.match(created.key, /^vafa_sk_[\w-]{32}$/);
    const row = await t.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    assert.notEqual(row.key_hash, created.key);
    assert.equal(row.key_hash, sha256(created.key));
    assert.equal(row.key_prefix, created.key.slice(0, 12));
    const everywhere = await sql<{ text: string }>`
      select string_agg(x::text, ' ') as text from (
        select row_to_json(k)::text as x from api_keys k union all select row_to_json(a)::text from audit_log a) rows`.execute(t.db);
    assert.ok(!everywhere.rows[0]?.text.includes(created.key), 'the raw key is stored somewhere');
    const listed = await ws.api.get('/api/v1/api-keys');
    assert.equal(listed.statusCode, 200);
    assert.ok(!listed.body.includes(created.key));
    for (const key of listed.json().data) assert.equal('key' in key, false);
    assert.equal((await apiClient(t.app, created.key).get('/api/v1/customers')).statusCode, 200, 'the shown key works');
  });

  test('given a key in use, when it is revoked, then it is refused at once; revoking again keeps the first revocation', async () => {
    const ws = await t.workspace();
    const created = (await ws.api.post('/api/v1/api-keys', { kind: 'secret', name: 'to revoke', role: 'admin' })).json();
    const client = apiClient(t.app, created.key);
    assert.equal((await client.get('/api/v1/customers')).statusCode, 200);
    const revoked = await ws.api.delete(`/api/v1/api-keys/${created.id}`);
    assert.equal(revoked.statusCode, 200, revoked.body);
    assert.ok(revoked.json().revokedAt);
    assert.equal(errorCode(await client.get('/api/v1/customers'), 401), 'UNAUTHENTICATED');
    const again = await ws.api.delete(`/api/v1/api-keys/${created.id}`);
    assert.equal(again.statusCode, 200, again.body);
    assert.equal(again.json().revokedAt, revoked.json().revokedAt);
    assert.equal((await auditOf(ws)).filter((e) => e.action === 'api_key.revoked' && e.targetId === created.id).length, 1);
  });
});

describe('audit log', () => {
  test('given key, member and customer changes by a key and by a console user, then each is recorded with who did it', async () => {
    const ws = await t.workspace();
    const [ownerKey] = await t.db.selectFrom('api_keys').select('id').where('workspace_id', '=', ws.id).where('name', '=', 'test').where('kind', '=', 'secret').execute();
    const session = await loginSession(t.app, ws.ownerEmail, ws.ownerPassword);

    const key = (await ws.api.post('/api/v1/api-keys', { kind: 'write', name: 'website' })).json();
    await ws.api.delete(`/api/v1/api-keys/${key.id}`);
    const member = (await session.post('/api/v1/members', { email: `audited-${Date.now()}@example.com`, password: 'member-password', role: 'support' })).json();
    await session.patch(`/api/v1/members/${member.userId}`, { role: 'marketer' });
    await ws.api.delete(`/api/v1/members/${member.userId}`);
    const byKey = (await ws.api.post('/api/v1/customers', { firstName: 'By key' })).json();
    const byUser = (await session.post('/api/v1/customers', { firstName: 'By user' })).json();

    const entries = await auditOf(ws);
    const find = (action: string, targetId: string) => {
      const found = entries.find((e) => e.action === action && e.targetId === targetId);
      assert.ok(found, `no ${action} for ${targetId}`);
      return found;
    };
    const asKey = { actorType: 'api_key', actorId: ownerKey?.id, actorLabel: 'key:test' };
    const asUser = { actorType: 'user', actorId: ws.ownerId, actorLabel: ws.ownerEmail };
    const who = (e: { actorType: string; actorId: string | null; actorLabel: string }) => ({ actorType: e.actorType, actorId: e.actorId, actorLabel: e.actorLabel });

    const keyCreated = find('api_key.created', key.id);
    assert.deepEqual(who(keyCreated), asKey);
    assert.deepEqual(keyCreated.changes, { kind: 'write', name: 'website', role: null });
    assert.deepEqual(who(find('api_key.revoked', key.id)), asKey);
    const added = find('member.added', member.userId);
    assert.deepEqual(who(added), asUser);
    assert.deepEqual(added.changes, { email: member.email, role: 'support' });
    const changed = find('member.role_changed', member.userId);
    assert.deepEqual(who(changed), asUser);
    assert.deepEqual(changed.changes, { role: { from: 'support', to: 'marketer' } });
    assert.deepEqual(who(find('member.removed', member.userId)), asKey);
    assert.deepEqual(who(find('customer.created', byKey.id)), asKey);
    assert.deepEqual(who(find('customer.created', byUser.id)), asUser);
  });
});

describe('team guard rails', () => {
  test('given an admin, when they try to create, promote to, demote or remove an owner, or mint an owner key, then 403 and nothing changes', async () => {
    const ws = await t.workspace();
    const admin = await ws.keyFor('admin');
    const support = (await ws.api.post('/api/v1/members', { email: `sup-${Date.now()}@example.com`, password: 'member-password', role: 'support' })).json();
    const before = await ws.api.get('/api/v1/members');

    assert.equal(errorCode(await admin.post('/api/v1/members', { email: `boss-${Date.now()}@example.com`, password: 'boss-password', role: 'owner' }), 403), 'FORBIDDEN');
    assert.equal(errorCode(await admin.patch(`/api/v1/members/${support.userId}`, { role: 'owner' }), 403), 'FORBIDDEN');
    assert.equal(errorCode(await admin.patch(`/api/v1/members/${ws.ownerId}`, { role: 'analyst' }), 403), 'FORBIDDEN');
    assert.equal(errorCode(await admin.delete(`/api/v1/members/${ws.ownerId}`), 403), 'FORBIDDEN');
    const ownerKey = await admin.post('/api/v1/api-keys', { kind: 'secret', name: 'escalate', role: 'owner' });
    assert.equal(errorCode(ownerKey, 403), 'FORBIDDEN');
    assert.equal(ownerKey.json().error.field, 'role');

    assert.deepEqual((await ws.api.get('/api/v1/members')).json(), before.json());
    assert.equal(await t.db.selectFrom('api_keys').select('id').where('workspace_id', '=', ws.id).where('name', '=', 'escalate').executeTakeFirst(), undefined);
    assert.equal((await admin.patch(`/api/v1/members/${support.userId}`, { role: 'marketer' })).statusCode, 200, 'admins do manage non-owners');
  });

  test('given the last owner, when they demote or remove themselves, then 409; with a second owner the demotion works', async () => {
    const ws = await t.workspace();
    assert.equal(errorCode(await ws.api.patch(`/api/v1/members/${ws.ownerId}`, { role: 'admin' }), 409), 'CONFLICT');
    assert.equal(errorCode(await ws.api.delete(`/api/v1/members/${ws.ownerId}`), 409), 'CONFLICT');
    const second = (await ws.api.post('/api/v1/members', { email: `co-owner-${Date.now()}@example.com`, password: 'owner2-password', role: 'owner' })).json();
    const demoted = await ws.api.patch(`/api/v1/members/${ws.ownerId}`, { role: 'admin' });
    assert.equal(demoted.statusCode, 200, demoted.body);
    assert.equal(demoted.json().role, 'admin');
    assert.equal(errorCode(await ws.api.patch(`/api/v1/members/${second.userId}`, { role: 'admin' }), 409), 'CONFLICT');
    const owners = (await ws.api.get('/api/v1/members')).json().data.filter((m: { role: string }) => m.role === 'owner');
    assert.deepEqual(owners.map((m: { userId: string }) => m.userId), [second.userId]);
  });
});
