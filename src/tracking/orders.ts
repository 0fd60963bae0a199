import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { OrderStatus } from './tables.ts';

/** An order as every source (events, API, CSV import) hands it over, money already in minor units. */
export interface OrderInput {
  externalId: string;
  customerId: string;
  currency: string;
  totalMinor: number;
  placedAt: Date;
  source: 'event' | 'api' | 'import';
  status?: OrderStatus;
  discountMinor?: number | null;
  shippingMinor?: number | null;
  taxMinor?: number | null;
  coupon?: string | null;
  properties?: Record<string, unknown>;
  lines?: OrderLineInput[];
}

export interface OrderLineInput {
  productId?: string | null;
  sku?: string | null;
  name?: string | null;
  category?: string | null;
  quantity?: number;
  priceMinor?: number | null;
}

/**
 * Inserts orders, idempotently by (workspace, externalId): an order seen again is left as it
 * was (re-imports and retried events create no duplicates). Returns the ids of new orders.
 */
export async function recordOrders(db: Db, workspaceId: string, orders: OrderInput[]): Promise<Map<string, string>> {
  const created = new Map<string, string>();
  if (orders.length === 0) return created;
  const seen = new Set<string>();
  const unique = orders.filter((o) => !seen.has(o.externalId) && seen.add(o.externalId));
  for (let start = 0; start < unique.length; start += 2000) {
    const chunk = unique.slice(start, start + 2000);
    const rows = await sql<{ id: string; external_id: string }>`
      insert into orders (workspace_id, customer_id, external_id, status, currency, total_minor, refunded_minor,
                          discount_minor, shipping_minor, tax_minor, coupon, placed_at, source, properties)
      -- An order that arrives already refunded (e.g. from an import) has had all its money returned.
      select ${workspaceId}::uuid, c, e, s, cur, t, case when s = 'refunded' then t else 0 end, d, sh, tx, cp, p, src, pr
      from unnest(${chunk.map((o) => o.customerId)}::uuid[], ${chunk.map((o) => o.externalId)}::text[],
                  ${chunk.map((o) => o.status ?? 'completed')}::text[], ${chunk.map((o) => o.currency)}::text[],
                  ${chunk.map((o) => o.totalMinor)}::bigint[], ${chunk.map((o) => o.discountMinor ?? null)}::bigint[],
                  ${chunk.map((o) => o.shippingMinor ?? null)}::bigint[], ${chunk.map((o) => o.taxMinor ?? null)}::bigint[],
                  ${chunk.map((o) => o.coupon ?? null)}::text[], ${chunk.map((o) => o.placedAt.toISOString())}::timestamptz[],
                  ${chunk.map((o) => o.source)}::text[], ${chunk.map((o) => JSON.stringify(o.properties ?? {}))}::jsonb[])
           as x(c, e, s, cur, t, d, sh, tx, cp, p, src, pr)
      on conflict (workspace_id, external_id) do nothing
      returning id, external_id`.execute(db);
    for (const r of rows.rows) created.set(r.external_id, r.id);
  }
  const lines = unique.flatMap((o) => {
    const orderId = created.get(o.externalId);
    return orderId ? (o.lines ?? []).map((l, i) => ({ orderId, lineNo: i + 1, ...l })) : [];
  });
  for (let start = 0; start < lines.length; start += 5000) {
    const chunk = lines.slice(start, start + 5000);
    await sql`
      insert into order_lines (order_id, line_no, workspace_id, product_id, sku, name, category, quantity, price_minor)
      select o, n, ${workspaceId}::uuid, p, s, nm, c, q, pr
      from unnest(${chunk.map((l) => l.orderId)}::uuid[], ${chunk.map((l) => l.lineNo)}::int[],
                  ${chunk.map((l) => l.productId ?? null)}::text[], ${chunk.map((l) => l.sku ?? null)}::text[],
                  ${chunk.map((l) => l.name ?? null)}::text[], ${chunk.map((l) => l.category ?? null)}::text[],
                  ${chunk.map((l) => l.quantity ?? 1)}::numeric[], ${chunk.map((l) => l.priceMinor ?? null)}::bigint[])
           as x(o, n, p, s, nm, c, q, pr)`.execute(db);
  }
  return created;
}

/**
 * A refund (partial when `amountMinor` is less than what is left) or a cancellation.
 * Unknown orders are ignored: a refund event may arrive for an order placed before Vafa.
 */
export async function adjustOrder(
  db: Db,
  workspaceId: string,
  externalId: string,
  change: { kind: 'refund'; amountMinor?: number | null } | { kind: 'cancel' },
): Promise<boolean> {
  const result =
    change.kind === 'cancel'
      ? await sql`update orders set status = 'cancelled', updated_at = now()
                  where workspace_id = ${workspaceId} and external_id = ${externalId}`.execute(db)
      : await sql`update orders set
                    refunded_minor = least(total_minor, refunded_minor + coalesce(${change.amountMinor ?? null}::bigint, total_minor - refunded_minor)),
                    status = case when least(total_minor, refunded_minor + coalesce(${change.amountMinor ?? null}::bigint, total_minor - refunded_minor)) >= total_minor
                                  then 'refunded' else 'partially_refunded' end,
                    updated_at = now()
                  where workspace_id = ${workspaceId} and external_id = ${externalId} and status <> 'cancelled'`.execute(db);
  return Number(result.numAffectedRows ?? 0) > 0;
}
