import { sql } from 'kysely';
import type { Db } from '../../database.ts';

/** Pairs seen in fewer orders than this are noise, not a pattern. */
export const MIN_PAIR_ORDERS = 2;
/** Neighbours kept per product: enough for rules and recommendations, bounded for big catalogs. */
export const PAIRS_PER_PRODUCT = 30;

/**
 * "Bought together" rules A → B over the baskets of counted orders: support = orders with both /
 * all orders with products; confidence = orders with both / orders with A; lift = confidence /
 * share of orders with B. The same table is the item-item neighbourhood recommendations read.
 */
export async function buildProductPairs(tx: Db, workspaceId: string): Promise<number> {
  await sql`delete from analytics_product_pairs where workspace_id = ${workspaceId}`.execute(tx);
  const inserted = await sql`
    insert into analytics_product_pairs (workspace_id, product_a, product_b, orders, support, confidence, lift)
    with baskets as (
      select distinct l.order_id, l.product_id
        from order_lines l join orders o on o.id = l.order_id
       where l.workspace_id = ${workspaceId} and o.workspace_id = ${workspaceId}
         and o.status not in ('cancelled', 'refunded') and l.product_id is not null
    ), total as (
      select count(distinct order_id)::float8 as n from baskets
    ), items as (
      select product_id, count(*)::float8 as n from baskets group by 1
    ), pairs as (
      select a.product_id as pa, b.product_id as pb, count(*)::int as both_n
        from baskets a join baskets b on a.order_id = b.order_id and a.product_id <> b.product_id
       group by 1, 2 having count(*) >= ${MIN_PAIR_ORDERS}
    ), ranked as (
      select p.pa, p.pb, p.both_n, p.both_n / t.n as support, p.both_n / ia.n as confidence,
             (p.both_n / ia.n) / (ib.n / t.n) as lift,
             row_number() over (partition by p.pa order by p.both_n / ia.n desc, (p.both_n / ia.n) / (ib.n / t.n) desc, p.pb) as rank
        from pairs p cross join total t join items ia on ia.product_id = p.pa join items ib on ib.product_id = p.pb
    )
    select ${workspaceId}::uuid, pa, pb, both_n, support, confidence, lift from ranked where rank <= ${PAIRS_PER_PRODUCT}`.execute(tx);
  return Number(inserted.numAffectedRows ?? 0);
}
