/**
 * Synthetic customers, events, consents, orders and analytics scores for bench/segments,
 * generated inside PostgreSQL (generate_series, seeded random()) straight into the workspace's
 * tables: no HTTP, no client-side rows.
 *
 * Shape: customers signed up uniformly over 2 years, 10 cities, 3 plans, a score 0–99, 10 % tagged
 * vip, birthdays 1960–2005; sms consent granted for a third and revoked for a third, email granted
 * for half; events (10 per customer on average) over the last 365 days, 8 names with skewed
 * popularity and a category/price property; orders 2 per customer on average over two thirds of
 * the customers; analytics scores for every buyer. Everything is dated in the past (received_at =
 * occurred_at, updated_at = created_at) so the incremental pass has nothing to catch up on.
 *
 * Bulk-load technique (not a Vafa figure): the plain indexes of the loaded tables are dropped and
 * rebuilt afterwards; foreign-key triggers are skipped (session_replication_role = replica).
 */
import type pg from 'pg';

export const EVENT_NAMES = ['Product Viewed', 'Searched', 'Added to Cart', 'Signed In', 'Order Completed', 'Wishlist Added', 'Review Written', 'Page Shared'];
export const CITIES = ['Tehran', 'Mashhad', 'Isfahan', 'Shiraz', 'Tabriz', 'Karaj', 'Qom', 'Ahvaz', 'Rasht', 'Yazd'];

export interface Generated {
  customers: number;
  events: number;
  orders: number;
  seconds: Record<string, number>;
}

export async function generateData(client: pg.Client, o: { workspaceId: string; customers: number; events: number; seed: number; log: (line: string) => void }): Promise<Generated> {
  const seconds: Record<string, number> = {};
  const q = (text: string, values?: unknown[]) => client.query(text, values);
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const value = await work();
    seconds[name] = Math.round(performance.now() - t0) / 1000;
    o.log(`  generate: ${name} ${seconds[name]} s`);
    return value;
  };
  const N = o.customers;
  const ws = o.workspaceId;
  await q(`set max_parallel_workers_per_gather = 0`);
  await q(`set work_mem = '512MB'`);
  await q(`set maintenance_work_mem = '512MB'`);
  await q(`set session_replication_role = replica`).catch(() => o.log('  generate: foreign-key triggers stay on (slower)'));
  await q(`select setseed($1)`, [((o.seed % 10000) / 10000) * 2 - 1]);
  for (let m = 0; m <= 13; m++) await q(`select vafa_ensure_events_partition((date_trunc('month', now()) - make_interval(months => $1))::date)`, [m]);

  const tables = ['customers', 'customer_consents', 'events', 'orders', 'analytics_customers'];
  const dropped = await step('drop plain indexes', async () => {
    const defs = (
      await q(
        `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
           from pg_index i join pg_class c on c.oid = i.indrelid
          where c.relname = any($1) and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)`,
        [tables],
      )
    ).rows as { name: string; def: string }[];
    // Partitioned indexes: dropping the parent's drops the partitions'.
    const parents = defs.filter((d) => !/^events_\d{4}_\d{2}/.test(d.name));
    for (const d of parents) await q(`drop index ${d.name}`);
    return parents;
  });

  await step('customers', async () => {
    await q(`create unlogged table bench_seg_customers as select n, gen_random_uuid() as id from generate_series(1, $1) n`, [N]);
    await q(
      `insert into customers (id, workspace_id, external_id, first_name, last_name, emails, phones, birthday, gender, city, tags, attributes, search_text, created_at, updated_at)
       select id, $1, 'c' || n, (array['Sara','Ali','Maryam','Reza','Zahra','Mohammad','Neda','Amir'])[1 + n % 8], 'Bench',
              array['c' || n || '@example.com'], array['+98912' || lpad((n % 10000000)::text, 7, '0')],
              date '1960-01-01' + floor(random() * 16800)::int,
              (array['female','male','other','unknown'])[1 + floor(random() * 4)::int],
              (array['${CITIES.join("','")}'])[1 + floor(power(random(), 2) * 10)::int],
              case when random() < 0.1 then array['vip'] else '{}' end,
              jsonb_build_object('plan', (array['free','pro','gold'])[1 + floor(random() * 3)::int], 'score', floor(random() * 100)::int),
              'c' || n, ts, ts
         from (select n, id, now() - random() * interval '730 days' as ts from bench_seg_customers) c`,
      [ws],
    );
  });
  await step('consents', () =>
    q(
      `insert into customer_consents (workspace_id, customer_id, channel, status, source, changed_at)
       select $1::uuid, id, 'sms', case when n % 3 = 0 then 'granted' else 'revoked' end, 'bench', now() - interval '800 days' from bench_seg_customers where n % 3 <> 2
       union all
       select $1::uuid, id, 'email', 'granted', 'bench', now() - interval '800 days' from bench_seg_customers where n % 2 = 0`,
      [ws],
    ),
  );
  const events = await step('events', async () =>
    (
      await q(
        `insert into events (workspace_id, id, message_id, customer_id, type, name, properties, user_id, occurred_at, received_at)
         select $1, gen_random_uuid(), 'g' || g, c.id, 'track', (array['${EVENT_NAMES.join("','")}'])[1 + floor(power(u, 2) * 8)::int],
                jsonb_build_object('category', (array['shoes','bags','hats','books'])[1 + g % 4], 'price', (g * 37) % 500),
                'c' || c.n, at, at
           from (select g, 1 + floor(random() * $2)::int as n, random() as u, now() - random() * interval '365 days' as at
                   from generate_series(1, $3) g) x
           join bench_seg_customers c using (n)`,
        [ws, N, o.events],
      )
    ).rowCount ?? 0,
  );
  const orders = await step('orders', async () =>
    (
      await q(
        `insert into orders (workspace_id, customer_id, external_id, status, currency, total_minor, refunded_minor, placed_at, source, created_at, updated_at)
         select $1, c.id, 'o' || g, case when random() < 0.04 then 'cancelled' else 'completed' end, 'USD',
                (1000 + floor(random() * 200000))::bigint, 0, at, 'api', at, at
           from (select g, 1 + floor(random() * $2 * 1.5)::int as n, now() - random() * interval '730 days' as at
                   from generate_series(1, $2 * 2) g) x
           join bench_seg_customers c using (n)`,
        [ws, N],
      )
    ).rowCount ?? 0,
  );
  await step('analytics scores', () =>
    q(
      `insert into analytics_customers (workspace_id, customer_id, first_day, last_day, orders, purchase_days, revenue_minor, repeat_revenue_minor,
                                        r, f, m, segment, p_alive, expected_purchases, clv, risk, churn_probability)
       select $1, customer_id, min(placed_at)::date, max(placed_at)::date, count(*), count(*), sum(total_minor), 0,
              1 + floor(random() * 5)::int, 1 + floor(random() * 5)::int, 1 + floor(random() * 5)::int,
              (array['champions','loyal','potential_loyalists','new','promising','need_attention','about_to_sleep','at_risk','cant_lose_them','hibernating','lost'])[1 + floor(random() * 11)::int],
              random(), random() * 3, random() * 300000, (array['low','medium','high'])[1 + floor(random() * 3)::int], random()
         from orders where workspace_id = $1 group by customer_id`,
      [ws],
    ),
  );
  await q(`reset session_replication_role`).catch(() => {});
  await step('rebuild indexes', async () => {
    // A partitioned index's definition reads "ON ONLY events": without ONLY it is built on every partition too.
    for (const d of dropped) await q(d.def.replace(' ON ONLY ', ' ON '));
  });
  await q(`drop table bench_seg_customers`);
  await step('vacuum analyze', () => q(`vacuum (analyze) customers, customer_consents, events, orders, analytics_customers`));
  await q(`reset all`);
  return { customers: N, events, orders, seconds };
}
