import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * Versioned SQL migrations. Each capability keeps its own in `src/<capability>/migrations/`,
 * named `NNNN_description.sql`; the number is global across capabilities so the order is total.
 * Applied in order, each in its own transaction, under an advisory lock so that several
 * processes starting at once apply each migration exactly once.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const srcRoot = path.resolve(import.meta.dirname, '../..');
const MIGRATION_LOCK = 0x7afa_0001;

export function discoverMigrations(root = srcRoot): Migration[] {
  const found: Migration[] = [];
  for (const capability of fs.readdirSync(root, { withFileTypes: true })) {
    if (!capability.isDirectory()) continue;
    const dir = path.join(root, capability.name, 'migrations');
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      const match = /^(\d{4})_([\w-]+)\.sql$/.exec(file);
      if (!match) continue;
      found.push({
        version: Number(match[1]),
        name: `${capability.name}/${match[2]}`,
        sql: fs.readFileSync(path.join(dir, file), 'utf8'),
      });
    }
  }
  found.sort((a, b) => a.version - b.version);
  for (let i = 1; i < found.length; i++) {
    if (found[i]?.version === found[i - 1]?.version) {
      throw new Error(`Two migrations share version ${found[i]?.version}: ${found[i - 1]?.name}, ${found[i]?.name}`);
    }
  }
  return found;
}

export async function migrate(databaseUrl: string, migrations = discoverMigrations()): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query(`create table if not exists schema_migrations (
      version integer primary key, name text not null, applied_at timestamptz not null default now())`);
    const done = new Set(
      (await client.query<{ version: number }>('select version from schema_migrations')).rows.map((r) => r.version),
    );
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await client.query('begin');
      try {
        await client.query(m.sql);
        await client.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
        await client.query('commit');
        applied.push(m.name);
      } catch (e) {
        await client.query('rollback');
        throw new Error(`Migration ${m.version} ${m.name} failed: ${(e as Error).message}`, { cause: e });
      }
    }
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
  return applied;
}
