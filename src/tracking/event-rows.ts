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
 * The batch's events as one JSON array of rows [message_id, customer_id, type, name, properties,
 * context, anonymous_id, user_id, occurred_at] — the `events` columns after workspace_id and id
 * (PostgreSQL makes the ids), in order. One parameter that PostgreSQL parses once, and one JSON.stringify in
 * Node, rather than ten array literals whose JSON elements the driver would escape character by
 * character and PostgreSQL would parse twice.
 */
export function eventsJson(resolved: Resolved[], warnings: Map<string, string[]>): string {
  const rows = resolved.map(({ message: m, customerId }) => [
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
  sql`(select gen_random_uuid() as id, e->>0 as message_id, (e->>1)::uuid as customer_id, e->>2 as type, e->>3 as name,
              e->4 as properties, e->5 as context, e->>6 as anonymous_id, e->>7 as user_id, (e->>8)::timestamptz as occurred_at
       from jsonb_array_elements(${json}::jsonb) as e) as x`;
