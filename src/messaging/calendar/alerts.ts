import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { invalid } from '../../platform/errors.ts';
import type { Actor } from '../../platform/http/actor.ts';
import { recordAudit } from '../../workspaces/audit.ts';
import type { ContactChannel } from './contacts.ts';
import { lastContactPerCustomer } from './contacts.ts';
import { assertSegment } from './queries.ts';
import type { ContactAlertInput } from './schemas.ts';
import type { ContactAlertRow } from './tables.ts';

/** An alert runs at most this often per workspace (a silence of days does not need minutes). */
export const alertRunEveryMs = 3_600_000;

type AlertRow = Omit<ContactAlertRow, 'enabled' | 'last_run_at' | 'updated_at'> & { enabled: boolean; last_run_at: Date | null; updated_at: Date };

const alertView = (r: AlertRow) => ({
  enabled: r.enabled,
  days: r.days,
  channel: r.channel,
  segmentId: r.segment_id,
  assigneeId: r.assignee_id,
  lastRunAt: r.last_run_at?.toISOString() ?? null,
  updatedAt: r.updated_at.toISOString(),
});

/** The workspace's alert, or null when none was configured. */
export async function getAlert(db: Db, workspaceId: string) {
  const row = await db.selectFrom('contact_alerts').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
  return row ? alertView(row) : null;
}

export async function saveAlert(db: Db, actor: Actor, input: ContactAlertInput) {
  if (input.segmentId) await assertSegment(db, actor.workspaceId, input.segmentId);
  if (input.assigneeId) {
    const member = await db.selectFrom('memberships').select('user_id').where('workspace_id', '=', actor.workspaceId).where('user_id', '=', input.assigneeId).executeTakeFirst();
    if (!member) throw invalid('assigneeId', 'is not a member of this workspace');
  }
  const values = { enabled: input.enabled, days: input.days, channel: input.channel, segment_id: input.segmentId, assignee_id: input.assigneeId, updated_at: new Date() };
  const row = await db
    .insertInto('contact_alerts')
    .values({ workspace_id: actor.workspaceId, ...values })
    .onConflict((oc) => oc.column('workspace_id').doUpdateSet(values))
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'contacts.alert_changed', targetType: 'workspace', targetId: actor.workspaceId, changes: input });
  return alertView(row);
}

/**
 * Turns every customer whose silence crossed the alert's threshold into one task (source
 * 'contact-alert'). Idempotent: a crossing is keyed by (customer, start of the silence), so a
 * second run — or a concurrent one in another process — creates nothing for the same silence;
 * a customer with an open alert task gets no second one either. Runs inside the caller's
 * transaction; returns how many tasks it created.
 */
export async function runAlertIn(tx: Db, workspaceId: string): Promise<number> {
  // The row lock serialises runs of one workspace (the crossing key would hold without it too).
  const alert = await tx.selectFrom('contact_alerts').selectAll().where('workspace_id', '=', workspaceId).forUpdate().executeTakeFirst();
  if (!alert?.enabled) return 0;
  const channel = (alert.channel ?? undefined) as ContactChannel | undefined;
  const where = alert.channel ? ` on ${alert.channel}` : '';
  const created = await sql<{ id: string }>`
    with last as (${lastContactPerCustomer(workspaceId, channel)}),
    due as (
      select c.id as customer_id, coalesce(last.at, c.created_at) as silent_since, last.at as last_at
      from customers c left join last on last.customer_id = c.id
      where c.workspace_id = ${workspaceId}::uuid and c.merged_into is null and c.erased_at is null
        and coalesce(last.at, c.created_at) <= now() - make_interval(days => ${alert.days}::int)
        ${alert.segment_id ? sql`and exists (select 1 from segment_members sm where sm.segment_id = ${alert.segment_id}::uuid and sm.customer_id = c.id)` : sql``}
        and not exists (select 1 from tasks t where t.customer_id = c.id and t.source = 'contact-alert' and t.status in ('open', 'in_progress'))
    ),
    -- The task id is chosen here so that the crossing row carries it (sibling CTEs cannot see
    -- each other's rows); the foreign key is checked at the end of the statement.
    crossed as (
      insert into contact_alert_crossings (workspace_id, customer_id, silent_since, task_id)
      select ${workspaceId}::uuid, customer_id, silent_since, gen_random_uuid() from due
      on conflict do nothing
      returning customer_id, silent_since, task_id
    )
    insert into tasks (id, workspace_id, customer_id, title, description, assignee_id, source, created_by_label)
    select crossed.task_id, ${workspaceId}::uuid, crossed.customer_id,
           ${`No contact for ${alert.days} days${where}`},
           case when due.last_at is null then 'Never contacted since becoming a customer on ' || to_char(crossed.silent_since, 'YYYY-MM-DD')
                else 'Last contact on ' || to_char(due.last_at, 'YYYY-MM-DD') end,
           ${alert.assignee_id}::uuid, 'contact-alert', 'Contact alert'
    from crossed join due using (customer_id)
    returning id`.execute(tx);
  await tx.updateTable('contact_alerts').set({ last_run_at: new Date() }).where('workspace_id', '=', workspaceId).execute();
  return created.rows.length;
}

/**
 * The scheduler's step: claims one workspace whose enabled alert has not run for
 * `alertRunEveryMs` (SKIP LOCKED: processes never wait for each other or run one alert twice at
 * once) and runs it. Returns false when none is due.
 */
export async function runDueAlert(db: Db, everyMs = alertRunEveryMs): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const due = await sql<{ workspace_id: string }>`
      select workspace_id from contact_alerts
      where enabled and (last_run_at is null or last_run_at <= now() - make_interval(secs => ${everyMs / 1000}::float8))
      order by last_run_at nulls first limit 1
      for update skip locked`.execute(tx);
    const row = due.rows[0];
    if (!row) return false;
    await runAlertIn(tx, row.workspace_id);
    return true;
  });
}
