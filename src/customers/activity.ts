import type { Db } from '../database.ts';
import type { Actor } from '../platform/http/actor.ts';

export type ActivityAction = 'created' | 'updated' | 'consent_changed' | 'tagged' | 'untagged' | 'merged' | 'unmerged' | 'erased';

/** A line in the customer's own history (shown on the timeline as kind "activity"). */
export async function recordActivity(
  db: Db,
  actor: Actor,
  customerId: string,
  action: ActivityAction,
  data: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto('customer_activity')
    .values({ workspace_id: actor.workspaceId, customer_id: customerId, action, data: JSON.stringify(data), actor_label: actor.label })
    .execute();
}
