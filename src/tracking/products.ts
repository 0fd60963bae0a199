import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { invalid, notFound } from '../platform/errors.ts';
import { decodeCursor, page } from '../platform/http/pagination.ts';
import { toMajor, toMinor } from './money.ts';

export interface ProductInput {
  sku?: string | null | undefined;
  name?: string | null | undefined;
  category?: string | null | undefined;
  price?: number | string | null | undefined;
  currency?: string | null | undefined;
  inStock?: boolean | null | undefined;
  stockQuantity?: number | null | undefined;
  url?: string | null | undefined;
  imageUrl?: string | null | undefined;
  properties?: Record<string, unknown> | undefined;
}

type ProductRow = {
  id: string;
  sku: string | null;
  name: string | null;
  category: string | null;
  price_minor: number | null;
  currency: string | null;
  in_stock: boolean | null;
  stock_quantity: number | null;
  url: string | null;
  image_url: string | null;
  properties: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
};

export const productView = (p: ProductRow) => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  category: p.category,
  priceMinor: p.price_minor === null ? null : Number(p.price_minor),
  price: p.price_minor === null || !p.currency ? null : toMajor(Number(p.price_minor), p.currency),
  currency: p.currency,
  inStock: p.in_stock,
  stockQuantity: p.stock_quantity,
  url: p.url,
  imageUrl: p.image_url,
  properties: p.properties,
  createdAt: p.created_at.toISOString(),
  updatedAt: p.updated_at.toISOString(),
});

/**
 * Creates or updates a catalog product. A change of availability, quantity or price is
 * recorded in product_stock_changes (back-in-stock and price-drop journeys read it).
 */
export async function upsertProduct(db: Db, workspaceId: string, id: string, input: ProductInput, displayCurrency: string) {
  let priceMinor: number | null | undefined;
  let currency: string | null | undefined;
  if (input.price !== undefined && input.price !== null) {
    const money = toMinor(input.price, input.currency ?? undefined, displayCurrency);
    if (!money.ok) throw invalid(money.error.includes('currency') ? 'currency' : 'price', money.error);
    priceMinor = money.value.minor;
    currency = money.value.currency;
  } else if (input.price === null) priceMinor = null;
  const before = await db.selectFrom('products').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).forUpdate().executeTakeFirst();
  const values = {
    sku: input.sku,
    name: input.name,
    category: input.category,
    price_minor: priceMinor,
    currency,
    in_stock: input.inStock,
    stock_quantity: input.stockQuantity,
    url: input.url,
    image_url: input.imageUrl,
    ...(input.properties ? { properties: JSON.stringify(input.properties) } : {}),
  };
  const defined = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined));
  const row = before
    ? await db.updateTable('products').set({ ...defined, updated_at: sql`now()` }).where('workspace_id', '=', workspaceId).where('id', '=', id).returningAll().executeTakeFirstOrThrow()
    : await db.insertInto('products').values({ workspace_id: workspaceId, id, ...defined }).returningAll().executeTakeFirstOrThrow();
  const changed =
    !before ||
    before.in_stock !== row.in_stock ||
    before.stock_quantity !== row.stock_quantity ||
    Number(before.price_minor ?? -1) !== Number(row.price_minor ?? -1);
  if (changed && (row.in_stock !== null || row.stock_quantity !== null || row.price_minor !== null)) {
    await db
      .insertInto('product_stock_changes')
      .values({
        workspace_id: workspaceId,
        product_id: id,
        in_stock: row.in_stock,
        stock_quantity: row.stock_quantity,
        price_minor: row.price_minor,
        previous_in_stock: before?.in_stock ?? null,
        previous_price_minor: before?.price_minor ?? null,
        source: 'api',
      })
      .execute();
  }
  return { product: productView(row), created: !before };
}

export async function getProduct(db: Db, workspaceId: string, id: string) {
  const row = await db.selectFrom('products').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('Product');
  return productView(row);
}

export async function listProducts(
  db: Db,
  workspaceId: string,
  q: { q?: string | undefined; category?: string | undefined; inStock?: boolean | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, 1);
  let query = db.selectFrom('products').selectAll().where('workspace_id', '=', workspaceId);
  if (q.q) {
    const like = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('name', 'ilike', like), eb('sku', 'ilike', like), eb('id', 'ilike', like)]));
  }
  if (q.category) query = query.where('category', '=', q.category);
  if (q.inStock !== undefined) query = query.where('in_stock', '=', q.inStock);
  if (after) query = query.where('id', '>', String(after[0]));
  const rows = await query.orderBy('id').limit(q.limit + 1).execute();
  const result = page(rows, q.limit, (last) => [last.id]);
  return { data: result.data.map(productView), nextCursor: result.nextCursor };
}

export async function stockHistory(db: Db, workspaceId: string, id: string) {
  await getProduct(db, workspaceId, id);
  const rows = await db
    .selectFrom('product_stock_changes')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('product_id', '=', id)
    .orderBy('changed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    inStock: r.in_stock,
    stockQuantity: r.stock_quantity,
    priceMinor: r.price_minor === null ? null : Number(r.price_minor),
    previousInStock: r.previous_in_stock,
    previousPriceMinor: r.previous_price_minor === null ? null : Number(r.previous_price_minor),
    source: r.source,
    changedAt: r.changed_at.toISOString(),
  }));
}
