import { sql } from 'kysely';
import type { Db } from '../../database.ts';

/** "Bought together" rules, strongest first (lift, then confidence). */
export async function associationRules(db: Db, workspaceId: string, limit: number) {
  const rows = await sql<{ product_a: string; product_b: string; name_a: string | null; name_b: string | null; orders: number; support: number; confidence: number; lift: number }>`
    select p.product_a, p.product_b, pa.name as name_a, pb.name as name_b, p.orders, p.support, p.confidence, p.lift
      from analytics_product_pairs p
      left join products pa on pa.workspace_id = p.workspace_id and pa.id = p.product_a
      left join products pb on pb.workspace_id = p.workspace_id and pb.id = p.product_b
     where p.workspace_id = ${workspaceId}
     order by p.lift desc, p.confidence desc, p.support desc, p.product_a, p.product_b
     limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    antecedent: { id: r.product_a, name: r.name_a },
    consequent: { id: r.product_b, name: r.name_b },
    support: round(r.support),
    confidence: round(r.confidence),
    lift: round(r.lift),
    orders: r.orders,
  }));
}

const round = (n: number) => Math.round(n * 10000) / 10000;

/**
 * Item-item recommendations from purchase history: every product bought together with what the
 * customer bought scores the sum of those rules' confidences; products the customer already
 * bought are left out. The reasons are the customer's products that led to it, strongest first.
 */
export async function recommendationsFor(db: Db, workspaceId: string, customerId: string, limit: number) {
  const rows = await sql<{ product_id: string; name: string | null; score: number; because: string[]; because_names: (string | null)[] }>`
    with bought as (
      select distinct l.product_id
        from order_lines l join orders o on o.id = l.order_id
       where o.workspace_id = ${workspaceId} and o.customer_id = ${customerId} and l.product_id is not null
    ), scored as (
      select p.product_b as product_id, sum(p.confidence) as score,
             array_agg(p.product_a order by p.confidence desc, p.product_a) as because
        from analytics_product_pairs p
       where p.workspace_id = ${workspaceId} and p.product_a in (select product_id from bought)
         and p.product_b not in (select product_id from bought)
       group by p.product_b
    )
    select s.product_id, pr.name, s.score, s.because[1:3] as because,
           array(select coalesce(pb.name, null) from unnest(s.because[1:3]) with ordinality as u(id, i)
                  left join products pb on pb.workspace_id = ${workspaceId} and pb.id = u.id order by u.i) as because_names
      from scored s left join products pr on pr.workspace_id = ${workspaceId} and pr.id = s.product_id
     order by s.score desc, s.product_id
     limit ${limit}`.execute(db);
  return rows.rows.map((r) => ({
    productId: r.product_id,
    name: r.name,
    score: round(r.score),
    because: r.because.map((id, i) => ({ id, name: r.because_names[i] ?? null })),
  }));
}
