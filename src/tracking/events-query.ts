import { sql, type Expression, type SqlBool } from 'kysely';
import { displayName } from '../customers/profile.ts';
import type { Db } from '../database.ts';
import { invalid } from '../platform/errors.ts';
import { decodeCursor, encodeCursor } from '../platform/http/pagination.ts';
import type { EventType } from './tables.ts';

export interface EventListQuery {
  name?: string | undefined;
  customerId?: string | undefined;
  type?: EventType | undefined;
  /** Only events that happened at or after this time (ISO date-time). */
  occurredFrom?: string | undefined;
  /** Only events that happened before this time (ISO date-time). */
  occurredTo?: string | undefined;
  limit: number;
  cursor?: string | undefined;
}

export interface EventView {
  id: string;
  type: EventType;
  name: string | null;
  customerId: string;
  /** null for an anonymous visitor without a name or contact. */
  customerName: string | null;
  properties: Record<string, unknown>;
  /** context.page.url, when the event came from a web page. */
  pageUrl: string | null;
  occurredAt: string;
  receivedAt: string;
}

/** received_at to the microsecond, in UTC: the cursor must be exact or rows are skipped or repeated. */
const EXACT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The workspace's latest events, newest received first (index events_received), keyset-paged. */
export async function listEvents(db: Db, workspaceId: string, query: EventListQuery): Promise<{ data: EventView[]; nextCursor: string | null }> {
  const conditions: Expression<SqlBool>[] = [sql<SqlBool>`e.workspace_id = ${workspaceId}`];
  if (query.name) conditions.push(sql<SqlBool>`e.name = ${query.name}`);
  if (query.type) conditions.push(sql<SqlBool>`e.type = ${query.type}`);
  if (query.customerId) conditions.push(sql<SqlBool>`e.customer_id = ${query.customerId}`);
  // A time range on occurred_at also lets PostgreSQL skip the monthly partitions outside it.
  if (query.occurredFrom) conditions.push(sql<SqlBool>`e.occurred_at >= ${query.occurredFrom}::timestamptz`);
  if (query.occurredTo) conditions.push(sql<SqlBool>`e.occurred_at < ${query.occurredTo}::timestamptz`);
  const after = decodeCursor(query.cursor, 2);
  if (after) {
    const [at, id] = after;
    if (typeof at !== 'string' || !EXACT.test(at) || typeof id !== 'string' || !UUID.test(id)) throw invalid('cursor', 'cursor is not one this API issued');
    conditions.push(sql<SqlBool>`e.received_at <= ${at}::timestamptz and (e.received_at, e.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  // One row = one stored event with the name of the customer it belongs to now (after merges).
  const rows = (
    await sql<{
      id: string;
      type: EventType;
      name: string | null;
      customer_id: string;
      properties: Record<string, unknown>;
      page_url: string | null;
      occurred_at: Date;
      received_at: Date;
      received_exact: string;
      first_name: string | null;
      last_name: string | null;
      emails: string[] | null;
      phones: string[] | null;
      external_id: string | null;
    }>`
      select e.id, e.type, e.name, e.customer_id, e.properties, e.context->'page'->>'url' as page_url,
             e.occurred_at, e.received_at,
             to_char(e.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as received_exact,
             c.first_name, c.last_name, c.emails, c.phones, c.external_id
      from events e
      left join customers c on c.id = e.customer_id and c.workspace_id = e.workspace_id
      where ${sql.join(conditions, sql` and `)}
      order by e.received_at desc, e.id desc
      limit ${query.limit + 1}`.execute(db)
  ).rows;
  const hasMore = rows.length > query.limit;
  const page = hasMore ? rows.slice(0, query.limit) : rows;
  const last = page.at(-1);
  return {
    data: page.map((r) => {
      const name = displayName({ first_name: r.first_name, last_name: r.last_name, emails: r.emails ?? [], phones: r.phones ?? [], external_id: r.external_id });
      return {
        id: r.id,
        type: r.type,
        name: r.name,
        customerId: r.customer_id,
        customerName: name === '—' ? null : name,
        properties: r.properties,
        pageUrl: typeof r.page_url === 'string' ? r.page_url : null,
        occurredAt: r.occurred_at.toISOString(),
        receivedAt: r.received_at.toISOString(),
      };
    }),
    nextCursor: hasMore && last ? encodeCursor([last.received_exact, last.id]) : null,
  };
}

export interface EventSchemaView {
  type: string;
  /** The event name (track) or page name (page/screen); null for identify, group, alias. */
  name: string | null;
  lastSeen: string;
  properties: { name: string; types: { type: string; count: number }[]; lastSeen: string }[];
}

/**
 * The observed schema: per (type, name), each property with the JSON types it arrived as and
 * how often. Counts are written by SchemaRecorder a few seconds after ingest; an event that
 * never carried a property has no row.
 */
export async function eventSchemas(db: Db, workspaceId: string): Promise<EventSchemaView[]> {
  const rows = await db
    .selectFrom('event_properties')
    .select(['event_type', 'event_name', 'property', 'json_type', 'seen', 'last_seen'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('event_type')
    .orderBy('event_name')
    .orderBy('property')
    .orderBy('seen', 'desc')
    .execute();
  const events = new Map<string, EventSchemaView & { props: Map<string, EventSchemaView['properties'][number]> }>();
  for (const r of rows) {
    const key = `${r.event_type}\u0000${r.event_name}`;
    let event = events.get(key);
    if (!event) {
      event = { type: r.event_type, name: r.event_name || null, lastSeen: '', properties: [], props: new Map() };
      events.set(key, event);
    }
    const seen = r.last_seen.toISOString();
    if (seen > event.lastSeen) event.lastSeen = seen;
    let property = event.props.get(r.property);
    if (!property) {
      property = { name: r.property, types: [], lastSeen: seen };
      event.props.set(r.property, property);
      event.properties.push(property);
    }
    property.types.push({ type: r.json_type, count: Number(r.seen) });
    if (seen > property.lastSeen) property.lastSeen = seen;
  }
  return [...events.values()].map(({ props: _, ...event }) => event);
}
