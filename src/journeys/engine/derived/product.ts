import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import { toMajor } from '../../../tracking/money.ts';
import type { Trigger } from '../../model/schema.ts';
import type { EntryCandidate, ScanInput, ScanResult } from '../triggers.ts';
import { catalogProducts, keyUnused, OVERLAP_MS } from './common.ts';

type ProductTrigger = Extract<Trigger, { kind: 'product' }>;

export interface StockChange {
  id: string;
  product_id: string;
  in_stock: boolean | null;
  stock_quantity: number | null;
  previous_quantity: number | null;
  price_minor: string | null;
  previous_in_stock: boolean | null;
  previous_price_minor: string | null;
  changed_at: Date;
}

/**
 * Whether a catalog change is the trigger's: back in stock — available again (in_stock from
 * false or unknown to true, or the quantity from 0 to more, while not marked out of stock);
 * price drop — cheaper than before by at least `minDropPercent` (a rise or an equal price is not).
 */
export function isTriggerChange(trigger: ProductTrigger, c: StockChange): boolean {
  if (trigger.change === 'back_in_stock') {
    const flag = c.in_stock === true && c.previous_in_stock !== true;
    const quantity = c.in_stock !== false && (c.stock_quantity ?? 0) > 0 && c.previous_quantity !== null && c.previous_quantity <= 0;
    return flag || quantity;
  }
  if (c.price_minor === null || c.previous_price_minor === null) return false;
  const [now, before] = [Number(c.price_minor), Number(c.previous_price_minor)];
  return before > 0 && now < before && ((before - now) * 100) / before >= trigger.minDropPercent;
}

const audienceEvents = { viewed: ['Product Viewed'], wishlisted: ['Product Added to Wishlist'], either: ['Product Viewed', 'Product Added to Wishlist'] } as const;

/**
 * Back in stock / price drop: the catalog's changes (product_stock_changes, written by
 * PUT /api/v1/products/{id}) since the scan's cursor and after the activation that are the
 * trigger's; the audience of each is who viewed the product and/or added it to a wishlist within
 * `lookbackDays` before the change. Key `product:<change id>:<customer>`. Context: the product,
 * the change, the old and new price.
 */
export async function scanProducts(tx: Db, trigger: Trigger, input: ScanInput): Promise<ScanResult> {
  if (trigger.kind !== 'product') return { candidates: [], cursor: input.cursor ?? input.activatedAt };
  const from = new Date(Math.max((input.cursor?.getTime() ?? 0) - OVERLAP_MS, input.activatedAt.getTime()));
  const changes = await sql<StockChange>`
    select ch.id::text, ch.product_id, ch.in_stock, ch.stock_quantity, prev.stock_quantity as previous_quantity, ch.price_minor::text,
           ch.previous_in_stock, ch.previous_price_minor::text, ch.changed_at
      from product_stock_changes ch
      left join lateral (select p.stock_quantity from product_stock_changes p
                          where p.workspace_id = ch.workspace_id and p.product_id = ch.product_id and (p.changed_at, p.id) < (ch.changed_at, ch.id)
                          order by p.changed_at desc, p.id desc limit 1) prev on true
     where ch.workspace_id = ${input.workspaceId}::uuid and ch.changed_at >= ${from}
     order by ch.changed_at, ch.id`.execute(tx);
  // The next scan reads from here (the database's clock, as changed_at): this transaction's start.
  const dbNow = (await sql<{ now: Date }>`select now()`.execute(tx)).rows[0]?.now ?? from;
  const hits = changes.rows.filter((c) => isTriggerChange(trigger, c));
  if (hits.length === 0) return { candidates: [], cursor: dbNow };
  const key = sql<string>`'product:' || ch.id::text || ':' || e.customer_id::text`;
  // One pass over the audience events of the lookback window for all the scan's changes together.
  const audience = await sql<{ change_id: string; customer_id: string; key: string }>`
    select distinct ch.id::text as change_id, e.customer_id::text, ${key} as key
      from unnest(${hits.map((h) => h.id)}::bigint[], ${hits.map((h) => h.product_id)}::text[], ${hits.map((h) => h.changed_at)}::timestamptz[]) as ch(id, product_id, changed_at)
      join events e on e.workspace_id = ${input.workspaceId}::uuid and e.type = 'track' and e.name = any(${[...audienceEvents[trigger.audience]]}::text[])
                   and e.occurred_at > ch.changed_at - ${trigger.lookbackDays}::int * interval '1 day' and e.occurred_at <= ch.changed_at
                   and e.properties->>'product_id' = ch.product_id
     where ${keyUnused(input.journeyId, key)}`.execute(tx);
  const catalog = await catalogProducts(tx, input.workspaceId, hits.map((h) => h.product_id));
  const byId = new Map(hits.map((h) => [h.id, h]));
  const candidates: EntryCandidate[] = [];
  for (const a of audience.rows) {
    const c = byId.get(a.change_id);
    if (!c) continue;
    const product = catalog.get(c.product_id) ?? { id: c.product_id };
    const currency = 'currency' in product ? product.currency : null;
    const price = (minor: string | null) => (minor === null ? null : currency ? toMajor(Number(minor), currency) : Number(minor));
    candidates.push({
      customerId: a.customer_id,
      key: a.key,
      context: {
        change: trigger.change,
        changeId: c.id,
        changedAt: c.changed_at.toISOString(),
        product,
        oldPrice: price(c.previous_price_minor),
        newPrice: price(c.price_minor),
        currency,
        inStock: c.in_stock,
        stockQuantity: c.stock_quantity,
      },
    });
  }
  return { candidates, cursor: dbNow };
}
