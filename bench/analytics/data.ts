/**
 * Synthetic shop history for bench/analytics, generated inside PostgreSQL (generate_series and a
 * seeded random()) straight into the workspace's tables: no HTTP, no client-side rows.
 *
 * Shape (BG/NBD-like, per customer):
 *   acquisition — day b in the last `days` days, density growing with time (b = days · u^(2/3):
 *                 a growing shop acquires more customers lately); the first order is at b;
 *   buying      — while alive, repeat orders arrive as a Poisson process of rate λ, λ lognormal
 *                 across customers (median 0.1 a day, σ 1.2: the frequency of a grocery-like shop,
 *                 which 10 orders per customer over ~1.2 years of average tenure require);
 *   dropping out — after each order the customer leaves for good with probability p, p
 *                 logit-normal across customers (median 0.35, σ 3): ≈ 45 % buy once, a few stay
 *                 for years (at most 1,000 repeat candidates each).
 * Candidate repeat orders are thinned uniformly to reach the requested order count (a thinned
 * Poisson process is still Poisson). Totals are lognormal around a per-customer mean (median
 * ≈ 40.00 USD); 3 % of orders are cancelled, 2 % refunded, 3 % partially refunded. 15 % of
 * orders have 1–3 lines over a 2,000-product catalog with skewed popularity, and a second line
 * is often a "neighbour" of the first (so pairs have real structure).
 *
 * Bulk-load technique (not a Vafa figure): the plain indexes of customers, orders and
 * order_lines are dropped and rebuilt afterwards, and foreign-key triggers are skipped
 * (session_replication_role = replica, when allowed) — rows are consistent by construction.
 */
import type pg from 'pg';

export interface GenerateOptions {
  workspaceId: string;
  customers: number;
  orders: number;
  days: number;
  seed: number;
  products: number;
  log: (line: string) => void;
}

export interface Generated {
  customers: number;
  orders: number;
  orderLines: number;
  products: number;
  candidates: number;
  keepShare: number;
  /** seconds per generation step */
  seconds: Record<string, number>;
  firstDay: string;
  lastDay: string;
  foreignKeyChecks: boolean;
}

/** Box–Muller: one standard normal from two uniforms (random_normal() needs PostgreSQL 16). */
const normal = 'sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())';

export async function generateShop(client: pg.Client, o: GenerateOptions): Promise<Generated> {
  const seconds: Record<string, number> = {};
  const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const value = await work();
    seconds[name] = Math.round(performance.now() - t0) / 1000;
    o.log(`  generate: ${name} ${seconds[name]} s`);
    return value;
  };
  const q = (text: string, values?: unknown[]) => client.query(text, values);
  const ws = o.workspaceId;
  const D = o.days;

  // One backend, no parallel workers: random() after setseed() is then repeatable.
  await q(`set max_parallel_workers_per_gather = 0`);
  await q(`set work_mem = '1GB'`);
  await q(`set maintenance_work_mem = '1GB'`);
  let foreignKeyChecks = true;
  try {
    await q(`set session_replication_role = replica`);
    foreignKeyChecks = false;
  } catch {
    o.log('  generate: not allowed to skip foreign-key triggers; loading with them (slower)');
  }
  await q(`select setseed($1)`, [((o.seed % 10000) / 10000) * 2 - 1]);
  const start = (await q(`select (current_date - $1::int)::text as d, (current_date - 1)::text as last`, [D])).rows[0] as { d: string; last: string };
  const startTs = `'${start.d}'::timestamp at time zone 'UTC'`;

  await step('customers (simulated)', () =>
    q(`
      create unlogged table bench_gen_customers as
      select n, id, b, lam, mu, least(j, ceil(lam * (${D} - b) * 2 + 5), 1000)::int as jcap
        from (
          select n, gen_random_uuid() as id, b, lam, mu,
                 floor(ln(1 - u) / ln(1 - least(p, 0.999999))) as j
            from (
              select n, ${D} * power(random(), 2.0 / 3) as b,
                     0.1 * exp(1.2 * ${normal}) as lam,
                     1 / (1 + exp(-(ln(0.35 / 0.65) + 3 * ${normal}))) as p,
                     random() as u,
                     ln(4000) + 0.5 * ${normal} as mu
                from generate_series(1, ${o.customers}) n
            ) s
        ) t`),
  );
  // Repeat orders: exponential gaps from the first order, cut at today and at death.
  await step('repeat orders (simulated)', () =>
    q(`
      create unlogged table bench_gen_repeats as
      select n, t from (
        select c.n, c.b + sum(-ln(1 - random()) / c.lam) over (partition by c.n order by k) as t
          from bench_gen_customers c, generate_series(1, c.jcap) k
      ) s where t < ${D}`),
  );
  const candidates = Number((await q(`select count(*) as n from bench_gen_repeats`)).rows[0].n);
  const keepShare = Math.min(1, (o.orders - o.customers) / Math.max(1, candidates));
  if (keepShare >= 1) o.log(`  generate: only ${candidates} candidate repeat orders for ${o.orders - o.customers}: keeping all`);

  // Plain indexes are rebuilt after the load (constraint indexes stay).
  const dropped = await step('drop plain indexes', async () => {
    const defs = (
      await q(`
        select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
          from pg_index i
         where i.indrelid in ('customers'::regclass, 'orders'::regclass, 'order_lines'::regclass)
           and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`)
    ).rows as { name: string; def: string }[];
    for (const d of defs) await q(`drop index ${d.name}`);
    return defs;
  });

  await step('insert customers', () =>
    q(
      `
      insert into customers (id, workspace_id, external_id, first_name, last_name, emails, search_text, created_at, updated_at)
      select id, $1, 'c' || lpad(n::text, 8, '0'), fn, ln, array['c' || n || '@example.com'],
             lower(fn || ' ' || ln || ' c' || n || '@example.com'), ts, ts
        from (
          select id, n, (array['Sara','Ali','Maryam','Reza','Zahra','Mohammad','Fatemeh','Hossein','Neda','Amir'])[1 + n % 10] as fn,
                 (array['Ahmadi','Karimi','Hosseini','Rezaei','Moradi','Jafari','Kiani','Mohammadi','Sadeghi','Rahimi','Smith','Haddad'])[1 + (n / 10) % 12] as ln,
                 ${startTs} + b * interval '1 day' as ts
            from bench_gen_customers
        ) c
       order by n`,
      [ws],
    ),
  );

  const orders = await step('insert orders', async () =>
    (
      await q(
        `
      insert into orders (workspace_id, customer_id, external_id, status, currency, total_minor, refunded_minor, placed_at, source, created_at, updated_at)
      select $1, id, 'o' || lpad((row_number() over (order by t))::text, 9, '0'), status, 'USD', total,
             case status when 'refunded' then total when 'partially_refunded' then (total * (0.1 + 0.5 * r))::bigint else 0 end,
             at, 'api', at, at
        from (
          select c.id, a.t, ${startTs} + a.t * interval '1 day' as at,
                 case when u < 0.03 then 'cancelled' when u < 0.05 then 'refunded' when u < 0.08 then 'partially_refunded' else 'completed' end as status,
                 greatest(100, round(exp(c.mu + 0.6 * z)))::bigint as total, r
            from (
              select n, t, random() as u, random() as r, ${normal} as z
                from (select n, b as t from bench_gen_customers
                      union all
                      select n, t from bench_gen_repeats where random() < ${keepShare}) u
            ) a join bench_gen_customers c using (n)
        ) o
       order by t`,
        [ws],
      )
    ).rowCount ?? 0,
  );

  const P = o.products;
  const orderLines = await step('insert order lines', async () =>
    (
      await q(
        `
      insert into order_lines (order_id, line_no, workspace_id, product_id, quantity, price_minor)
      select o.id, k, $1,
             'p' || lpad((case when k = 1 then o.base
                               when random() < 0.6 then (o.base + 1 + floor(random() * 5)::int) % ${P}
                               else floor(${P} * power(random(), 3))::int end)::text, 4, '0'),
             1, o.total_minor / o.lines
        from (
          select id, total_minor, floor(${P} * power(random(), 3))::int as base,
                 case when u < 0.5 then 1 when u < 0.8 then 2 else 3 end as lines
            from (select id, total_minor, random() as u, random() as pick from orders where workspace_id = $1) x
           where pick < 0.15
        ) o, generate_series(1, o.lines) k`,
        [ws],
      )
    ).rowCount ?? 0,
  );
  await step('insert products', () =>
    q(
      `insert into products (workspace_id, id, name, price_minor, currency)
       select $1, 'p' || lpad(i::text, 4, '0'), 'Product ' || i, 500 + (i * 7919) % 20000, 'USD' from generate_series(0, ${P - 1}) i`,
      [ws],
    ),
  );
  await q(`reset session_replication_role`).catch(() => {});
  await step('rebuild indexes', async () => {
    for (const d of dropped) await q(d.def);
  });
  await q(`drop table bench_gen_customers, bench_gen_repeats`);
  await step('vacuum analyze + checkpoint', async () => {
    await q(`vacuum (analyze) customers, orders, order_lines, products`);
    await q(`checkpoint`);
  });
  await q(`reset all`);
  return { customers: o.customers, orders, orderLines, products: P, candidates, keepShare, seconds, firstDay: start.d, lastDay: start.last, foreignKeyChecks };
}
