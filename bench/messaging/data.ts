import type pg from 'pg';

/**
 * Bench customers, generated in PostgreSQL: a first name, one email and one Iranian mobile each,
 * email and SMS consent granted, and one completed order in rial (so `last_order.total_minor |
 * toman` and `last_order.placed_at | jalali` have something to show). Returns the customer ids.
 */
export async function generateCustomers(client: pg.Client, workspaceId: string, n: number, log: (s: string) => void): Promise<string[]> {
  const t0 = performance.now();
  await client.query('begin');
  const ids = await client.query<{ id: string }>(
    `insert into customers (workspace_id, external_id, first_name, last_name, emails, phones, language, search_text)
     select $1, 'm' || n, (array['Sara','Ali','Maryam','Reza','Zahra','Mohammad','Neda','Amir'])[1 + n % 8], 'Bench',
            array['m' || n || '@example.com'], array['+98912' || lpad(n::text, 7, '0')], 'fa', 'm' || n
       from generate_series(1, $2::int) n
     returning id`,
    [workspaceId, n],
  );
  await client.query(
    `insert into customer_consents (workspace_id, customer_id, channel, status, source, changed_at)
     select $1::uuid, c.id, k.channel, 'granted', 'bench', now() - interval '30 days'
       from customers c cross join (values ('email'), ('sms')) k(channel)
      where c.workspace_id = $1`,
    [workspaceId],
  );
  await client.query(
    `insert into orders (workspace_id, customer_id, external_id, status, currency, total_minor, refunded_minor, placed_at, source, created_at, updated_at)
     select $1, c.id, 'o-' || c.external_id, 'completed', 'IRR', (10000 + floor(random() * 50000000))::bigint, 0, at, 'api', at, at
       from (select id, external_id, now() - random() * interval '300 days' as at from customers where workspace_id = $1) c`,
    [workspaceId],
  );
  await client.query('commit');
  await client.query('analyze customers; analyze customer_consents; analyze orders');
  log(`  ${n.toLocaleString()} customers with consents and an order each: ${Math.round(performance.now() - t0)} ms`);
  return ids.rows.map((r) => r.id);
}
