import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import type { Trigger } from '../../model/schema.ts';
import type { ScanInput, ScanResult } from '../triggers.ts';
import { catalogProducts, HOUR_MS, keyUnused, momentsSince } from './common.ts';

/** What puts a product in a cart (then cart abandonment owns it) and what buys it (Segment's spec names). */
const CART_EVENT = 'Product Added';
const ORDER_EVENT = 'Order Completed';

/**
 * Browse abandonment: a customer viewed one product (`event` with that `product_id`) at least
 * `views` times within `days`, the last view (received after the activation) is `quietHours`
 * old, and since the first of those views they neither put it in a cart (Product Added) nor
 * bought it (an order line of it, or an Order Completed whose `products` hold it). Key
 * `browse:<customer>:<product>:<first view id in window>`: viewing it again within the window
 * keeps the key (one entry per browsing spell). Context: the product (the catalog row, else the
 * last view's properties) and the views.
 */
export async function scanBrowsing(tx: Db, trigger: Trigger, input: ScanInput): Promise<ScanResult> {
  if (trigger.kind !== 'browse_abandonment') return { candidates: [], cursor: input.now };
  const quiet = trigger.quietHours * HOUR_MS;
  const lo = new Date(Math.max(momentsSince(input).getTime() - quiet, input.activatedAt.getTime()));
  const hi = new Date(input.now.getTime() - quiet);
  if (hi <= lo) return { candidates: [], cursor: input.now };
  const key = sql<string>`'browse:' || v.customer_id::text || ':' || v.product_id || ':' || f.first_id::text`;
  const rows = await sql<{ customer_id: string; product_id: string; views: number; first_at: Date; last_at: Date; properties: Record<string, unknown>; key: string }>`
    select v.customer_id::text, v.product_id, f.views, f.first_at, v.occurred_at as last_at, v.properties, ${key} as key
      from (select distinct on (customer_id, properties->>'product_id') customer_id, properties->>'product_id' as product_id, occurred_at, properties
              from events
             where workspace_id = ${input.workspaceId}::uuid and type = 'track' and name = ${trigger.event}
               and received_at > ${lo} and received_at <= ${hi} and properties->>'product_id' is not null
             order by customer_id, properties->>'product_id', occurred_at desc) v
      cross join lateral (
        select count(*)::int as views, min(w.occurred_at) as first_at, (array_agg(w.id order by w.occurred_at, w.id))[1] as first_id
          from events w
         where w.customer_id = v.customer_id and w.occurred_at > v.occurred_at - ${trigger.days}::int * interval '1 day'
           and w.occurred_at <= v.occurred_at and w.type = 'track' and w.name = ${trigger.event} and w.properties->>'product_id' = v.product_id) f
     where f.views >= ${trigger.views}
       and not exists (select 1 from events later
                        where later.customer_id = v.customer_id and later.occurred_at > v.occurred_at and later.type = 'track'
                          and later.name = ${trigger.event} and later.properties->>'product_id' = v.product_id)
       and not exists (select 1 from events a
                        where a.customer_id = v.customer_id and a.occurred_at >= f.first_at and a.type = 'track'
                          and ((a.name = ${CART_EVENT} and a.properties->>'product_id' = v.product_id)
                            or (a.name = ${ORDER_EVENT} and (a.properties->>'product_id' = v.product_id
                                or exists (select 1 from jsonb_array_elements(case when jsonb_typeof(a.properties->'products') = 'array' then a.properties->'products' else '[]' end) x
                                            where x->>'product_id' = v.product_id)))))
       and not exists (select 1 from orders o join order_lines l on l.order_id = o.id
                        where o.customer_id = v.customer_id and o.placed_at >= f.first_at and l.product_id = v.product_id)
       and ${keyUnused(input.journeyId, key)}`.execute(tx);
  const catalog = await catalogProducts(tx, input.workspaceId, rows.rows.map((r) => r.product_id));
  const candidates = rows.rows.map((r) => ({
    customerId: r.customer_id,
    key: r.key,
    context: {
      product: catalog.get(r.product_id) ?? {
        id: r.product_id,
        name: r.properties.name ?? null,
        category: r.properties.category ?? null,
        price: r.properties.price ?? null,
        currency: r.properties.currency ?? null,
        url: r.properties.url ?? null,
        imageUrl: r.properties.image_url ?? null,
        inStock: null,
      },
      views: r.views,
      firstViewedAt: r.first_at.toISOString(),
      lastViewedAt: r.last_at.toISOString(),
    },
  }));
  return { candidates, cursor: input.now };
}
