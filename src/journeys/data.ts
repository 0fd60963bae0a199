import { sql } from 'kysely';
import type { CustomerDataOwner } from '../customers/hooks.ts';
import { beforeKey, type TimelineSource } from '../customers/timeline.ts';

/**
 * A customer's journeys on their timeline (kind `journey`): each entry, each step a run took
 * (with the port it left by) and each exit, from the runs and the step log.
 */
export const journeyTimeline: TimelineSource = {
  kind: 'journey',
  rows: ({ workspaceId, customerId, before, limit }) => sql`
    select kind, id, occurred_at, data from (
      select 'journey'::text as kind, 'e:' || r.id::text as id, r.entered_at as occurred_at,
             jsonb_build_object('action', 'entered', 'journeyId', r.journey_id, 'journeyName', j.name, 'runId', r.id, 'version', r.version, 'holdout', r.holdout) as data
        from journey_runs r join journeys j on j.id = r.journey_id
       where r.workspace_id = ${workspaceId} and r.customer_id = ${customerId}
      union all
      select 'journey', 'x:' || r.id::text, r.finished_at,
             jsonb_build_object('action', 'exited', 'journeyId', r.journey_id, 'journeyName', j.name, 'runId', r.id, 'status', r.status, 'reason', r.exit_reason,
                                'goalAt', r.goal_at, 'goalRevenue', r.goal_revenue, 'goalCurrency', r.goal_currency)
        from journey_runs r join journeys j on j.id = r.journey_id
       where r.workspace_id = ${workspaceId} and r.customer_id = ${customerId} and r.finished_at is not null
      union all
      select 'journey', 's:' || l.run_id::text || ':' || l.step_id || ':' || l.visit, l.occurred_at,
             jsonb_build_object('action', 'step', 'journeyId', l.journey_id, 'journeyName', j.name, 'runId', l.run_id, 'stepId', l.step_id, 'stepKind', l.kind,
                                'visit', l.visit, 'port', l.port, 'detail', l.detail)
        from journey_step_log l join journeys j on j.id = l.journey_id
       where l.workspace_id = ${workspaceId} and l.customer_id = ${customerId}
    ) entries
    where ${beforeKey('journey', sql`occurred_at`, sql`id`, before)}
    order by occurred_at desc, id desc limit ${limit}`,
};

/**
 * Merge: runs and their step log follow the surviving profile (named `r:<run id>` for an
 * unmerge); runs still going continue for it. Erase: live runs exit (`customer-erased`), and the
 * context and step details, which may hold personal data, are cleared; the rows stay for counts.
 */
export const journeysOwner: CustomerDataOwner = {
  name: 'journeys',
  async merge(db, { workspaceId, fromId, intoId }) {
    const moved = await sql<{ id: string }>`
      update journey_runs set customer_id = ${intoId}::uuid, updated_at = now()
       where workspace_id = ${workspaceId}::uuid and customer_id = ${fromId}::uuid returning id::text`.execute(db);
    const ids = moved.rows.map((r) => r.id);
    if (ids.length) await sql`update journey_step_log set customer_id = ${intoId}::uuid where run_id = any(${ids}::uuid[])`.execute(db);
    return ids.map((id) => `r:${id}`);
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    const runs = ids.filter((k) => k.startsWith('r:')).map((k) => k.slice(2));
    if (runs.length === 0) return;
    await sql`update journey_runs set customer_id = ${intoId}::uuid, updated_at = now()
               where workspace_id = ${workspaceId}::uuid and customer_id = ${fromId}::uuid and id = any(${runs}::uuid[])`.execute(db);
    await sql`update journey_step_log set customer_id = ${intoId}::uuid where run_id = any(${runs}::uuid[])`.execute(db);
  },
  async erase(db, { workspaceId, customerId }) {
    await sql`update journey_runs set status = case when status in ('active', 'paused') then 'exited' else status end,
                     exit_reason = case when status in ('active', 'paused') then 'customer-erased' else exit_reason end,
                     finished_at = coalesce(finished_at, now()), wake_at = null, wait_event = null, context = '{}', updated_at = now()
               where workspace_id = ${workspaceId}::uuid and customer_id = ${customerId}::uuid`.execute(db);
    await sql`update journey_step_log set detail = '{}' where workspace_id = ${workspaceId}::uuid and customer_id = ${customerId}::uuid`.execute(db);
  },
  async export(db, { workspaceId, customerId }) {
    const r = await sql`
      select j.name as journey, r.status, r.entered_at, r.finished_at, r.exit_reason, r.goal_at, r.context
        from journey_runs r join journeys j on j.id = r.journey_id
       where r.workspace_id = ${workspaceId}::uuid and r.customer_id = ${customerId}::uuid order by r.entered_at`.execute(db);
    return r.rows;
  },
};
