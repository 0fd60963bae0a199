import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sql } from 'kysely';
import { createTestApp } from '../testing/harness.ts';
import { sweepExpired } from './housekeeping.ts';

const t = await createTestApp();

test('given expired sessions and old login attempts, when swept, then only those are deleted', async () => {
  const ws = await t.workspace();
  const base = { user_id: ws.ownerId, workspace_id: ws.id, csrf_token: 'x' };
  await t.db.insertInto('sessions').values([
    { ...base, token_hash: 'expired', expires_at: new Date(Date.now() - 1000) },
    { ...base, token_hash: 'live', expires_at: new Date(Date.now() + 3_600_000) },
  ]).execute();
  await t.db.insertInto('login_attempts').values([
    { email: 'a@example.com', ip: '1.1.1.1', succeeded: false, at: sql<Date>`now() - interval '2 days'` as unknown as Date },
    { email: 'a@example.com', ip: '1.1.1.1', succeeded: false },
  ]).execute();
  const swept = await sweepExpired(t.db);
  assert.deepEqual(swept, { sessions: 1, loginAttempts: 1, idempotencyKeys: 0 });
  const left = await t.db.selectFrom('sessions').select('token_hash').execute();
  assert.deepEqual(left.map((s) => s.token_hash), ['live']);
});
