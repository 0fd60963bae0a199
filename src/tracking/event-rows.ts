import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { TrackedMessage } from './messages.ts';

/** A message and the customer it was resolved to. */
export interface Resolved {
  message: TrackedMessage;
  customerId: string;
}

/** identify and group keep their traits where other calls keep properties. */
export const propertiesOf = (m: TrackedMessage) =>
  m.type === 'identify' ? m.traits : m.type === 'group' ? { ...m.traits, groupId: m.groupId } : m.type === 'alias' ? { previousId: m.previousId } : m.properties;

export const contextOf = (m: TrackedMessage, warnings: string[] | undefined) => (warnings?.length ? { ...m.context, vafaWarnings: warnings } : m.context);

/**
 * The batch's events as one JSON array of rows [id, message_id, customer_id, type, name,
 * properties, context, anonymous_id, user_id, occurred_at] — the `events` columns after
 * workspace_id, in order. One parameter that PostgreSQL parses once, and one JSON.stringify in
 * Node, rather than ten array literals whose JSON elements the driver would escape character by
 * character and PostgreSQL would parse twice.
 */
export function eventsJson(resolved: Resolved[], warnings: Map<string, string[]>): string {
  const rows = resolved.map(({ message: m, customerId }) => [
    randomUUID(),
    m.messageId,
    customerId,
    m.type,
    m.name,
    propertiesOf(m),
    contextOf(m, warnings.get(m.messageId)),
    m.anonymousId,
    m.userId,
    m.occurredAt.toISOString(),
  ]);
  return JSON.stringify(rows);
}

/** `eventsJson` rows as a table `x` with the `events` columns after workspace_id. */
export const eventRows = (json: string): RawBuilder<unknown> =>
  sql`(select (e->>0)::uuid as id, e->>1 as message_id, (e->>2)::uuid as customer_id, e->>3 as type, e->>4 as name,
              e->5 as properties, e->6 as context, e->>7 as anonymous_id, e->>8 as user_id, (e->>9)::timestamptz as occurred_at
       from jsonb_array_elements(${json}::jsonb) as e) as x`;
