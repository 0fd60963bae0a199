import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { invalid, notFound } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { decodeCursor, page } from '../platform/http/pagination.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { findLiveCustomer } from './service.ts';
import type { TaskPriority, TaskStatus } from './tables.ts';
import { beforeKey, type TimelineSource } from './timeline.ts';

export interface TaskInput {
  title: string;
  description?: string | null | undefined;
  customerId?: string | null | undefined;
  assigneeId?: string | null | undefined;
  dueAt?: string | null | undefined;
  priority?: TaskPriority | undefined;
  /** Which capability created it: manual, journey, survey, support … */
  source?: string | undefined;
}

type TaskRow = {
  id: string;
  customer_id: string | null;
  title: string;
  description: string | null;
  assignee_id: string | null;
  due_at: Date | null;
  status: TaskStatus;
  priority: TaskPriority;
  source: string;
  created_by_label: string | null;
  created_at: Date;
  updated_at: Date;
  completed_at: Date | null;
};

export const taskView = (t: TaskRow) => ({
  id: t.id,
  customerId: t.customer_id,
  title: t.title,
  description: t.description,
  assigneeId: t.assignee_id,
  dueAt: t.due_at?.toISOString() ?? null,
  status: t.status,
  priority: t.priority,
  source: t.source,
  createdBy: t.created_by_label,
  createdAt: t.created_at.toISOString(),
  updatedAt: t.updated_at.toISOString(),
  completedAt: t.completed_at?.toISOString() ?? null,
});
export type TaskView = ReturnType<typeof taskView>;

async function checkAssignee(db: Db, workspaceId: string, assigneeId: string | null | undefined) {
  if (!assigneeId) return;
  const member = await db.selectFrom('memberships').select('user_id').where('workspace_id', '=', workspaceId).where('user_id', '=', assigneeId).executeTakeFirst();
  if (!member) throw invalid('assigneeId', 'is not a member of this workspace');
}

/** Creates a task; other capabilities (journeys, surveys, support) call this too. */
export async function createTask(db: Db, actor: Actor, input: TaskInput): Promise<TaskView> {
  if (input.customerId) {
    await findLiveCustomer(db, actor.workspaceId, input.customerId).catch((e: Error) => {
      throw Object.assign(e, { field: 'customerId' });
    });
  }
  await checkAssignee(db, actor.workspaceId, input.assigneeId);
  const row = await db
    .insertInto('tasks')
    .values({
      workspace_id: actor.workspaceId,
      customer_id: input.customerId ?? null,
      title: input.title,
      description: input.description ?? null,
      assignee_id: input.assigneeId ?? null,
      due_at: input.dueAt ?? null,
      priority: input.priority,
      source: input.source ?? 'manual',
      created_by_label: actor.label,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'task.created', targetType: 'task', targetId: row.id, changes: { title: row.title, customerId: row.customer_id } });
  return taskView(row);
}

export async function updateTask(
  db: Db,
  actor: Actor,
  id: string,
  input: Partial<Omit<TaskInput, 'customerId' | 'source'>> & { status?: TaskStatus | undefined },
): Promise<TaskView> {
  const current = await db.selectFrom('tasks').selectAll().where('workspace_id', '=', actor.workspaceId).where('id', '=', id).forUpdate().executeTakeFirst();
  if (!current) throw notFound('Task');
  await checkAssignee(db, actor.workspaceId, input.assigneeId);
  const finished = input.status === 'done' || input.status === 'cancelled';
  const row = await db
    .updateTable('tasks')
    .set({
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.assigneeId !== undefined ? { assignee_id: input.assigneeId } : {}),
      ...(input.dueAt !== undefined ? { due_at: input.dueAt } : {}),
      ...(input.priority !== undefined ? { priority: input.priority } : {}),
      ...(input.status !== undefined ? { status: input.status, completed_at: finished ? (current.completed_at ?? new Date()) : null } : {}),
      updated_at: sql`clock_timestamp()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(db, actor, { action: 'task.updated', targetType: 'task', targetId: id, changes: input });
  return taskView(row);
}

export async function listTasks(
  db: Db,
  workspaceId: string,
  q: { customerId?: string | undefined; assigneeId?: string | undefined; status?: TaskStatus | undefined; limit: number; cursor?: string | undefined },
) {
  const after = decodeCursor(q.cursor, 2);
  let query = db.selectFrom('tasks').selectAll().select(sql<string>`created_at::text`.as('created_exact')).where('workspace_id', '=', workspaceId);
  if (q.customerId) query = query.where('customer_id', '=', q.customerId);
  if (q.assigneeId) query = query.where('assignee_id', '=', q.assigneeId);
  if (q.status) query = query.where('status', '=', q.status);
  if (after) query = query.where(sql<boolean>`(created_at, id) < (${after[0]}::timestamptz, ${after[1]}::uuid)`);
  const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1).execute();
  const result = page(rows, q.limit, (last) => [last.created_exact, last.id]);
  return { data: result.data.map(taskView), nextCursor: result.nextCursor };
}

export const taskTimeline: TimelineSource = {
  kind: 'task',
  rows: ({ workspaceId, customerId, before, limit }) => sql`
    select 'task'::text as kind, t.id::text as id, t.created_at as occurred_at,
           jsonb_build_object('title', t.title, 'status', t.status, 'priority', t.priority, 'dueAt', t.due_at,
                              'assigneeId', t.assignee_id, 'source', t.source, 'completedAt', t.completed_at) as data
    from tasks t
    where t.workspace_id = ${workspaceId} and t.customer_id = ${customerId}
      and ${beforeKey('task', sql`t.created_at`, sql`t.id::text`, before)}
    order by t.created_at desc, t.id desc limit ${limit}`,
};

export const activityTimeline: TimelineSource = {
  kind: 'activity',
  rows: ({ workspaceId, customerId, before, limit }) => sql`
    select 'activity'::text as kind, a.id::text as id, a.occurred_at,
           a.data || jsonb_build_object('action', a.action, 'actorLabel', a.actor_label) as data
    from customer_activity a
    where a.workspace_id = ${workspaceId} and a.customer_id = ${customerId}
      and ${beforeKey('activity', sql`a.occurred_at`, sql`a.id::text`, before)}
    order by a.occurred_at desc, a.id desc limit ${limit}`,
};
