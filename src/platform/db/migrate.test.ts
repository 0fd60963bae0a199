import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { cloneTestDatabase } from '../../testing/database.ts';
import { discoverMigrations, migrate } from './migrate.ts';

test('given migrations from every capability, then versions are unique and ordered', () => {
  const versions = discoverMigrations().map((m) => m.version);
  assert.ok(versions.length >= 3);
  assert.deepEqual(versions, [...new Set(versions)].sort((a, b) => a - b));
});

test('given a migrated database, when several processes migrate at once, then nothing is applied twice', async () => {
  const database = await cloneTestDatabase();
  after(() => database.drop());
  const extra = [...discoverMigrations(), { version: 9999, name: 'test/extra', sql: 'create table migrate_probe (id int)' }];
  const results = await Promise.all([migrate(database.url, extra), migrate(database.url, extra), migrate(database.url, extra)]);
  assert.deepEqual(results.flat(), ['test/extra']);
  const client = new pg.Client(database.url);
  await client.connect();
  const rows = await client.query('select count(*)::int as n from schema_migrations where version = 9999');
  await client.end();
  assert.equal(rows.rows[0].n, 1);
});

test('given a failing migration, then it is rolled back and named in the error', async () => {
  const database = await cloneTestDatabase();
  after(() => database.drop());
  const bad = [...discoverMigrations(), { version: 9998, name: 'test/bad', sql: 'create table half_done (id int); select 1/0;' }];
  await assert.rejects(migrate(database.url, bad), /9998 test\/bad/);
  const client = new pg.Client(database.url);
  await client.connect();
  const exists = await client.query(`select to_regclass('half_done') as t`);
  await client.end();
  assert.equal(exists.rows[0].t, null);
});
