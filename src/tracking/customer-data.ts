import { sql } from 'kysely';
import type { CustomerDataOwner } from '../customers/hooks.ts';
import { beforeKey, type TimelineSource } from '../customers/timeline.ts';

/** Events on the customer's timeline: track, page, screen, identify, group, alias. */
export const eventTimeline: TimelineSource = {
  kind: 'event',
  rows: ({ workspaceId, customerId, before, limit }) => sql`
    select 'event'::text as kind, e.id::text as id, e.occurred_at,
           jsonb_build_object('type', e.type, 'name', e.name, 'properties', e.properties,
                              'page', e.context->'page', 'receivedAt', e.received_at) as data
    from events e
    where e.workspace_id = ${workspaceId} and e.customer_id = ${customerId}
      and ${beforeKey('event', sql`e.occurred_at`, sql`e.id::text`, before)}
    order by e.occurred_at desc, e.id desc limit ${limit}`,
};

/** Orders with their lines, money in minor units plus currency. */
export const orderTimeline: TimelineSource = {
  kind: 'order',
  rows: ({ workspaceId, customerId, before, limit }) => sql`
    select 'order'::text as kind, o.id::text as id, o.placed_at as occurred_at,
           jsonb_build_object('orderId', o.external_id, 'status', o.status, 'currency', o.currency,
                              'totalMinor', o.total_minor, 'refundedMinor', o.refunded_minor, 'source', o.source,
                              'lines', coalesce((select jsonb_agg(jsonb_build_object('productId', l.product_id, 'name', l.name,
                                                  'quantity', l.quantity, 'priceMinor', l.price_minor) order by l.line_no)
                                                 from order_lines l where l.order_id = o.id), '[]'::jsonb)) as data
    from orders o
    where o.workspace_id = ${workspaceId} and o.customer_id = ${customerId}
      and ${beforeKey('order', sql`o.placed_at`, sql`o.id::text`, before)}
    order by o.placed_at desc, o.id desc limit ${limit}`,
};

const moved = (r: { rows: { k: string }[] }) => r.rows.map((row) => row.k);

export const eventsOwner: CustomerDataOwner = {
  name: 'events',
  async merge(db, { workspaceId, fromId, intoId }) {
    return moved(await sql<{ k: string }>`update events set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} returning id::text as k`.execute(db));
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    if (ids.length) await sql`update events set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} and id::text = any(${ids}::text[])`.execute(db);
  },
  async erase(db, { workspaceId, customerId }) {
    // Counts by name and time stay (aggregates); what the events said about the person goes.
    await sql`update events set properties = '{}', context = '{}', anonymous_id = null, user_id = null
              where workspace_id = ${workspaceId} and customer_id = ${customerId}`.execute(db);
  },
  async export(db, { workspaceId, customerId }) {
    const r = await sql`select type, name, properties, context, anonymous_id, user_id, occurred_at, received_at
                        from events where workspace_id = ${workspaceId} and customer_id = ${customerId} order by occurred_at`.execute(db);
    return r.rows;
  },
};

export const identitiesOwner: CustomerDataOwner = {
  name: 'identities',
  async merge(db, { workspaceId, fromId, intoId }) {
    return moved(await sql<{ k: string }>`update customer_identities set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} returning anonymous_id::text as k`.execute(db));
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    if (ids.length) await sql`update customer_identities set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} and anonymous_id::text = any(${ids}::text[])`.execute(db);
  },
  async erase(db, { workspaceId, customerId }) {
    await sql`delete from customer_identities where workspace_id = ${workspaceId} and customer_id = ${customerId}`.execute(db);
  },
  async export(db, { workspaceId, customerId }) {
    const r = await sql`select anonymous_id, created_at from customer_identities where workspace_id = ${workspaceId} and customer_id = ${customerId}`.execute(db);
    return r.rows;
  },
};

export const ordersOwner: CustomerDataOwner = {
  name: 'orders',
  async merge(db, { workspaceId, fromId, intoId }) {
    return moved(await sql<{ k: string }>`update orders set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} returning id::text as k`.execute(db));
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    if (ids.length) await sql`update orders set customer_id = ${intoId} where workspace_id = ${workspaceId} and customer_id = ${fromId} and id::text = any(${ids}::text[])`.execute(db);
  },
  async erase(db, { workspaceId, customerId }) {
    // Revenue and dates stay for the shop's figures; free-form properties may name the person.
    await sql`update orders set properties = '{}' where workspace_id = ${workspaceId} and customer_id = ${customerId}`.execute(db);
  },
  async export(db, { workspaceId, customerId }) {
    const r = await sql`select o.external_id, o.status, o.currency, o.total_minor, o.refunded_minor, o.placed_at,
                               (select jsonb_agg(l order by l.line_no) from order_lines l where l.order_id = o.id) as lines
                        from orders o where o.workspace_id = ${workspaceId} and o.customer_id = ${customerId} order by o.placed_at`.execute(db);
    return r.rows;
  },
};
