import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Test databases. The test runner (scripts/test.ts) migrates one template database per run and
 * exports VAFA_TEST_ADMIN_URL + VAFA_TEST_TEMPLATE_DB; each test file clones its own database
 * from it, so files run in parallel without seeing each other's rows.
 */
export function testAdminUrl(): string {
  const url = process.env.VAFA_TEST_ADMIN_URL;
  if (!url) throw new Error('VAFA_TEST_ADMIN_URL is not set: run the tests with `npm test` (scripts/test.ts)');
  return url;
}

export function databaseUrl(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testAdminUrl() });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database for one test file; returns its URL and a drop function. */
export async function cloneTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const template = process.env.VAFA_TEST_TEMPLATE_DB;
  if (!template) throw new Error('VAFA_TEST_TEMPLATE_DB is not set: run the tests with `npm test`');
  // Named after the run (the template's suffix), so a run only ever cleans up its own databases.
  const name = `vafa_t_${template.replace(/^vafa_tpl_/, '')}_${randomBytes(5).toString('hex')}`;
  await withAdmin(async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`create database ${name} template ${template}`);
        return;
      } catch (e) {
        // Two files cloning the same template at the same instant: wait and retry.
        if (!/being accessed by other users/.test((e as Error).message) || attempt > 50) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  });
  return {
    name,
    url: databaseUrl(testAdminUrl(), name),
    drop: () => withAdmin(async (client) => void (await client.query(`drop database if exists ${name} with (force)`))),
  };
}
