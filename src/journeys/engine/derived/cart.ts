import { sql } from 'kysely';
import type { Db } from '../../../database.ts';
import type { Trigger } from '../../model/schema.ts';
import type { ScanInput, ScanResult } from '../triggers.ts';
import { DAY_MS, HOUR_MS, keyUnused, momentsSince } from './common.ts';

/** Carts whose last event is older than this are never woken (a first activation must not mail years-old carts). */
const CART_MAX_AGE_MS = 7 * DAY_MS;

export interface CartItem {
  productId: string | null;
  name: string | null;
  price: number | null;
  quantity: number;
  url: string | null;
  imageUrl: string | null;
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null);

function itemOf(p: Record<string, unknown>): CartItem | null {
  const productId = text(p.product_id ?? p.productId ?? p.sku);
  const name = text(p.name);
  if (!productId && !name) return null;
  return { productId, name, price: num(p.price), quantity: num(p.quantity) ?? 1, url: text(p.url), imageUrl: text(p.image_url ?? p.imageUrl) };
}

/**
 * The cart the events since the last order built, in order: an event with a `products` array
 * (Segment's Checkout Started) states the whole cart and replaces it; an event of one product
 * (Product Added) adds it (the same product again adds its quantity). The value is the last
 * event's `value` / `revenue` / `total` when it states one, else the sum of price × quantity.
 */
export function cartOf(events: readonly Record<string, unknown>[]): { products: CartItem[]; value: number | null; currency: string | null } {
  let items = new Map<string, CartItem>();
  let value: number | null = null;
  let currency: string | null = null;
  for (const p of events) {
    if (Array.isArray(p.products)) {
      items = new Map();
      for (const raw of p.products) {
        const item = raw && typeof raw === 'object' ? itemOf(raw as Record<string, unknown>) : null;
        if (item) items.set(item.productId ?? item.name ?? '', item);
      }
    } else {
      const item = itemOf(p);
      if (item) {
        const id = item.productId ?? item.name ?? '';
        const had = items.get(id);
        items.set(id, had ? { ...item, quantity: had.quantity + item.quantity } : item);
      }
    }
    value = num(p.value ?? p.revenue ?? p.total) ?? value;
    currency = text(p.currency) ?? currency;
  }
  const products = [...items.values()];
  const summed = products.every((i) => i.price !== null) && products.length ? products.reduce((s, i) => s + (i.price ?? 0) * i.quantity, 0) : null;
  return { products, value: value ?? summed, currency };
}

/**
 * Cart abandonment: the customer's last cart event (one of `events`) is `hours` old, received
 * after the activation and within the last 7 days, and neither a later cart event nor the
 * `orderEvent` followed it. Key `cart:<last cart event id>`: a cart enters once; adding to it
 * later makes a new last event, a new moment. Context: the cart's products and value.
 */
export async function scanCarts(tx: Db, trigger: Trigger, input: ScanInput): Promise<ScanResult> {
  if (trigger.kind !== 'cart_abandonment') return { candidates: [], cursor: input.now };
  const wait = trigger.hours * HOUR_MS;
  const lo = new Date(Math.max(momentsSince(input).getTime() - wait, input.activatedAt.getTime(), input.now.getTime() - CART_MAX_AGE_MS));
  const hi = new Date(input.now.getTime() - wait);
  if (hi <= lo) return { candidates: [], cursor: input.now };
  const names = [...trigger.events, trigger.orderEvent];
  const key = sql<string>`'cart:' || c.id::text`;
  const rows = await sql<{ id: string; customer_id: string; occurred_at: Date; key: string }>`
    select c.id::text, c.customer_id::text, c.occurred_at, ${key} as key
      from events c
     where c.workspace_id = ${input.workspaceId}::uuid and c.type = 'track' and c.name = any(${trigger.events}::text[])
       and c.received_at > ${lo} and c.received_at <= ${hi}
       and not exists (select 1 from events l
                        where l.customer_id = c.customer_id and l.occurred_at >= c.occurred_at and l.id <> c.id
                          and l.type = 'track' and l.name = any(${names}::text[])
                          and (l.occurred_at > c.occurred_at or l.name = ${trigger.orderEvent} or l.id > c.id))
       and ${keyUnused(input.journeyId, key)}`.execute(tx);
  if (rows.rows.length === 0) return { candidates: [], cursor: input.now };
  // The cart: the customer's cart events after their last order (at most 7 days before the last cart event).
  const history = await sql<{ customer_id: string; name: string; properties: Record<string, unknown> }>`
    select e.customer_id::text, e.name, e.properties from events e
     where e.customer_id = any(${rows.rows.map((r) => r.customer_id)}::uuid[]) and e.type = 'track' and e.name = any(${names}::text[])
       and e.occurred_at > ${new Date(lo.getTime() - CART_MAX_AGE_MS)}
     order by e.occurred_at, e.id`.execute(tx);
  const candidates = rows.rows.map((r) => {
    let since: Record<string, unknown>[] = [];
    for (const e of history.rows) {
      if (e.customer_id !== r.customer_id) continue;
      if (e.name === trigger.orderEvent) since = [];
      else since.push(e.properties);
    }
    return { customerId: r.customer_id, key: r.key, context: { cart: cartOf(since), lastCartEventId: r.id, lastCartEventAt: r.occurred_at.toISOString() } };
  });
  return { candidates, cursor: input.now };
}
