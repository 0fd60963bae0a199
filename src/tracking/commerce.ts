import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { TrackedMessage } from './messages.ts';
import { toMinor } from './money.ts';
import { adjustOrder, recordOrders, type OrderInput, type OrderLineInput } from './orders.ts';

/**
 * Segment e-commerce v2 (https://segment.com/docs/connections/spec/ecommerce/v2/): orders from
 * Order Completed / Refunded / Cancelled, and the product catalog from every event that carries
 * product details. Browsing and cart events are kept as events; abandonment triggers read them.
 */
export const productEvents = new Set([
  'Product Viewed',
  'Product Clicked',
  'Product Added',
  'Product Removed',
  'Product Added to Wishlist',
  'Product Removed from Wishlist',
  'Product Shared',
  'Product Reviewed',
]);

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : null);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && v.trim() && Number.isFinite(Number(v)) ? Number(v) : null);

export interface ProductSighting {
  id: string;
  sku: string | null;
  name: string | null;
  category: string | null;
  priceMinor: number | null;
  currency: string | null;
  url: string | null;
  imageUrl: string | null;
}

function productOf(p: Record<string, unknown>, currency: string | undefined, fallbackCurrency: string): ProductSighting | null {
  const id = text(p.product_id ?? p.productId ?? p.id ?? p.sku);
  if (!id) return null;
  const price = p.price !== undefined ? toMinor(p.price, currency, fallbackCurrency) : null;
  return {
    id,
    sku: text(p.sku),
    name: text(p.name),
    category: text(p.category),
    priceMinor: price?.ok ? price.value.minor : null,
    currency: price?.ok ? price.value.currency : null,
    url: text(p.url),
    imageUrl: text(p.image_url ?? p.imageUrl),
  };
}

export interface CommerceEffects {
  orders: OrderInput[];
  refunds: { externalId: string; amountMinor: number | null }[];
  cancels: string[];
  products: ProductSighting[];
  warnings: Map<string, string[]>;
}

/** What a batch's events mean for orders and the catalog (pure: nothing is written here). */
export function commerceEffects(events: { message: TrackedMessage; customerId: string }[], displayCurrency: string): CommerceEffects {
  const out: CommerceEffects = { orders: [], refunds: [], cancels: [], products: [], warnings: new Map() };
  const warn = (m: TrackedMessage, w: string) => out.warnings.set(m.messageId, [...(out.warnings.get(m.messageId) ?? []), w]);
  for (const { message: m, customerId } of events) {
    if (m.type !== 'track' || !m.name) continue;
    const p = m.properties;
    const currency = text(p.currency) ?? undefined;
    if (m.name === 'Order Completed') {
      const externalId = text(p.order_id ?? p.orderId ?? p.checkout_id);
      const products = Array.isArray(p.products) ? (p.products as Record<string, unknown>[]).filter((x) => x && typeof x === 'object') : [];
      const lines: OrderLineInput[] = products.map((x) => {
        const price = x.price !== undefined ? toMinor(x.price, currency, displayCurrency) : null;
        return {
          productId: text(x.product_id ?? x.productId ?? x.id ?? x.sku),
          sku: text(x.sku),
          name: text(x.name),
          category: text(x.category),
          quantity: num(x.quantity) ?? 1,
          priceMinor: price?.ok ? price.value.minor : null,
        };
      });
      const lineSum = lines.reduce((s, l) => s + (l.priceMinor ?? 0) * (l.quantity ?? 1), 0);
      const amount = p.total ?? p.revenue ?? p.value;
      const total = amount !== undefined ? toMinor(amount, currency, displayCurrency) : null;
      const cur = toMinor(0, currency, displayCurrency);
      if (!externalId) warn(m, 'Order Completed without order_id: no order recorded');
      else if (total && !total.ok) warn(m, `total ${total.error}`);
      else if (!cur.ok) warn(m, `currency ${cur.error}`);
      else {
        const extra = (k: string) => {
          const r = p[k] !== undefined ? toMinor(p[k], currency, displayCurrency) : null;
          return r?.ok ? r.value.minor : null;
        };
        out.orders.push({
          externalId,
          customerId,
          currency: total?.ok ? total.value.currency : cur.value.currency,
          totalMinor: total?.ok ? total.value.minor : lineSum,
          placedAt: m.occurredAt,
          source: 'event',
          discountMinor: extra('discount'),
          shippingMinor: extra('shipping'),
          taxMinor: extra('tax'),
          coupon: text(p.coupon),
          properties: { affiliation: p.affiliation, messageId: m.messageId },
          lines,
        });
      }
      for (const x of products) {
        const sighting = productOf(x, currency, displayCurrency);
        if (sighting) out.products.push(sighting);
      }
    } else if (m.name === 'Order Refunded' || m.name === 'Order Cancelled') {
      const externalId = text(p.order_id ?? p.orderId);
      if (!externalId) warn(m, `${m.name} without order_id`);
      else if (m.name === 'Order Cancelled') out.cancels.push(externalId);
      else {
        const amount = p.total ?? p.revenue ?? p.value;
        const minor = amount !== undefined ? toMinor(amount, currency, displayCurrency) : null;
        out.refunds.push({ externalId, amountMinor: minor?.ok ? minor.value.minor : null });
      }
    } else if (productEvents.has(m.name)) {
      const sighting = productOf(p, currency, displayCurrency);
      if (sighting) out.products.push(sighting);
    }
  }
  return out;
}

/** Upserts sightings into the catalog; a price change is recorded as a stock/price change. */
export async function upsertProducts(db: Db, workspaceId: string, products: ProductSighting[], source: string): Promise<void> {
  const latest = new Map(products.map((p) => [p.id, p]));
  if (latest.size === 0) return;
  const list = [...latest.values()];
  await sql`
    with incoming as (
      select * from unnest(${list.map((p) => p.id)}::text[], ${list.map((p) => p.sku)}::text[], ${list.map((p) => p.name)}::text[],
                           ${list.map((p) => p.category)}::text[], ${list.map((p) => p.priceMinor)}::bigint[], ${list.map((p) => p.currency)}::text[],
                           ${list.map((p) => p.url)}::text[], ${list.map((p) => p.imageUrl)}::text[])
        as x(id, sku, name, category, price_minor, currency, url, image_url)
    ),
    before as (
      select p.id, p.price_minor from products p join incoming i on i.id = p.id where p.workspace_id = ${workspaceId}
    ),
    upserted as (
      insert into products as p (workspace_id, id, sku, name, category, price_minor, currency, url, image_url)
      select ${workspaceId}::uuid, id, sku, name, category, price_minor, currency, url, image_url from incoming
      on conflict (workspace_id, id) do update set
        sku = coalesce(excluded.sku, p.sku), name = coalesce(excluded.name, p.name),
        category = coalesce(excluded.category, p.category), price_minor = coalesce(excluded.price_minor, p.price_minor),
        currency = coalesce(excluded.currency, p.currency), url = coalesce(excluded.url, p.url),
        image_url = coalesce(excluded.image_url, p.image_url), updated_at = now()
      returning p.id, p.price_minor, p.in_stock
    )
    insert into product_stock_changes (workspace_id, product_id, in_stock, price_minor, previous_in_stock, previous_price_minor, source)
    select ${workspaceId}::uuid, u.id, u.in_stock, u.price_minor, u.in_stock, b.price_minor, ${source}
    from upserted u join before b on b.id = u.id
    where u.price_minor is distinct from b.price_minor`.execute(db);
}

export async function applyCommerce(db: Db, workspaceId: string, effects: CommerceEffects): Promise<void> {
  await upsertProducts(db, workspaceId, effects.products, 'event');
  await recordOrders(db, workspaceId, effects.orders);
  for (const r of effects.refunds) await adjustOrder(db, workspaceId, r.externalId, { kind: 'refund', amountMinor: r.amountMinor });
  for (const c of effects.cancels) await adjustOrder(db, workspaceId, c, { kind: 'cancel' });
}
