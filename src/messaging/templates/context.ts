import { sql } from 'kysely';
import { recommendationsFor } from '../../analytics/reports/recommendations.ts';
import type { Db } from '../../database.ts';
import { toMajor } from '../../tracking/money.ts';

/**
 * What a template can read about its recipient. Names are snake_case as Liquid users expect
 * (`customer.first_name`). Custom attributes stay under `customer.attributes` so that a workspace
 * attribute can never shadow a profile field.
 */
export interface CustomerScope {
  id: string;
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  full_name: string;
  email: string | null;
  phone: string | null;
  emails: string[];
  phones: string[];
  birthday: string | null;
  gender: string | null;
  city: string | null;
  language: string | null;
  timezone: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  created_at: string;
}

export interface RecipientData {
  customer: CustomerScope;
  last_order?: Record<string, unknown> | null;
  recommendations?: Record<string, unknown>[];
}

type CustomerRow = {
  id: string;
  external_id: string | null;
  first_name: string | null;
  last_name: string | null;
  emails: string[];
  phones: string[];
  birthday: string | null;
  gender: string | null;
  city: string | null;
  language: string | null;
  timezone: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  created_at: Date;
};

type OrderJson = {
  id: string;
  status: string;
  currency: string;
  total_minor: string;
  coupon: string | null;
  placed_at: string;
  items: { name: string | null; sku: string | null; product_id: string | null; quantity: string; price_minor: string | null }[];
};

const customerColumns = sql`c.id, c.external_id, c.first_name, c.last_name, c.emails, c.phones, c.birthday, c.gender, c.city, c.language, c.timezone, c.tags, c.attributes, c.created_at`;

/** The customer's most recent order with its lines, as one JSON value (a correlated subquery on `c`). */
const lastOrderJson = (workspaceId: string) => sql`(
  select json_build_object('id', o.external_id, 'status', o.status, 'currency', o.currency, 'total_minor', o.total_minor::text, 'coupon', o.coupon, 'placed_at', o.placed_at,
           'items', coalesce((select json_agg(json_build_object('name', l.name, 'sku', l.sku, 'product_id', l.product_id, 'quantity', l.quantity::text, 'price_minor', l.price_minor::text) order by l.line_no)
                                from order_lines l where l.order_id = o.id), '[]'))
    from orders o
   where o.workspace_id = ${workspaceId} and o.customer_id = c.id
   order by o.placed_at desc, o.id desc
   limit 1)`;

const toCustomer = (c: CustomerRow): CustomerScope => ({
  id: c.id,
  external_id: c.external_id,
  first_name: c.first_name,
  last_name: c.last_name,
  full_name: [c.first_name, c.last_name].filter(Boolean).join(' '),
  email: c.emails[0] ?? null,
  phone: c.phones[0] ?? null,
  emails: c.emails,
  phones: c.phones,
  birthday: c.birthday,
  gender: c.gender,
  city: c.city,
  language: c.language,
  timezone: c.timezone,
  tags: c.tags,
  attributes: c.attributes,
  created_at: c.created_at.toISOString(),
});

/** Amounts in major units (`total`) and as stored (`total_minor`: rials for IRR, so `| toman` works). */
const toOrder = (o: OrderJson): Record<string, unknown> => {
  const total = Number(o.total_minor);
  return {
    id: o.id,
    status: o.status,
    currency: o.currency,
    total: toMajor(total, o.currency),
    total_minor: total,
    coupon: o.coupon,
    placed_at: new Date(o.placed_at).toISOString(),
    items: o.items.map((l) => ({
      name: l.name,
      sku: l.sku,
      product_id: l.product_id,
      quantity: Number(l.quantity),
      price: l.price_minor === null ? null : toMajor(Number(l.price_minor), o.currency),
    })),
  };
};

/** Up to 5 products bought together with what the customer bought (the analytics recommender). */
export async function loadRecommendations(db: Db, workspaceId: string, customerId: string): Promise<Record<string, unknown>[]> {
  const recs = await recommendationsFor(db, workspaceId, customerId, 5);
  return recs.map((r) => ({ product_id: r.productId, name: r.name, score: r.score }));
}

type Recipient = RecipientData & { templateVersion: number | null };

/**
 * A live (not erased, not merged away) customer of the workspace with what the template reads,
 * in one round trip: most templates never touch orders or recommendations, so those are loaded
 * only when mentioned. With `templateId`, the template's current version comes along (null when
 * the workspace has no such template), so a renderer can check its cache without another query.
 */
export async function loadRecipient(
  db: Db,
  workspaceId: string,
  customerId: string,
  needs: { lastOrder: boolean; recommendations: boolean },
  templateId?: string,
): Promise<Recipient | undefined> {
  return (await loadRecipients(db, workspaceId, [customerId], needs, templateId)).get(customerId.toLowerCase());
}

/**
 * `loadRecipient` for many customers in one round trip (a broadcast renders a whole batch at
 * once): keyed by lower-case id; customers gone or unknown are absent.
 */
export async function loadRecipients(
  db: Db,
  workspaceId: string,
  customerIds: readonly string[],
  needs: { lastOrder: boolean; recommendations: boolean },
  templateId?: string,
): Promise<Map<string, Recipient>> {
  // Keys as PostgreSQL prints uuids (lower case), whatever the caller's spelling.
  const ids = [...new Set(customerIds.filter((id) => UUID.test(id)).map((id) => id.toLowerCase()))];
  const found = new Map<string, Recipient>();
  if (ids.length === 0) return found;
  const [rows, recommendations] = await Promise.all([
    sql<CustomerRow & { last_order: OrderJson | null; template_version: number | null }>`
      select ${customerColumns},
             ${needs.lastOrder ? lastOrderJson(workspaceId) : sql`null`} as last_order,
             ${templateId && UUID.test(templateId) ? sql`(select t.version from message_templates t where t.workspace_id = ${workspaceId} and t.id = ${templateId})` : sql`null`} as template_version
        from customers c
       where c.workspace_id = ${workspaceId} and c.id = any(${ids}::uuid[]) and c.erased_at is null and c.merged_into is null`.execute(db),
    needs.recommendations ? Promise.all(ids.map((id) => loadRecommendations(db, workspaceId, id))) : undefined,
  ]);
  const recommendationsOf = new Map(recommendations?.map((r, i) => [ids[i] as string, r]));
  for (const row of rows.rows) {
    const recs = recommendationsOf.get(row.id);
    found.set(row.id, {
      customer: toCustomer(row),
      ...(needs.lastOrder ? { last_order: row.last_order ? toOrder(row.last_order) : null } : {}),
      ...(recs ? { recommendations: recs } : {}),
      templateVersion: row.template_version,
    });
  }
  return found;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
