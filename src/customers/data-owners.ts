import { sql } from 'kysely';
import type { CustomerDataOwner } from './hooks.ts';

/** Notes, tasks and profile history belong to the customers capability itself. */
export const notesOwner: CustomerDataOwner = {
  name: 'notes',
  async merge(db, { workspaceId, fromId, intoId }) {
    const rows = await db.updateTable('notes').set({ customer_id: intoId }).where('workspace_id', '=', workspaceId).where('customer_id', '=', fromId).returning('id').execute();
    return rows.map((r) => r.id);
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    if (ids.length) await db.updateTable('notes').set({ customer_id: intoId }).where('workspace_id', '=', workspaceId).where('customer_id', '=', fromId).where('id', 'in', ids).execute();
  },
  async erase(db, { workspaceId, customerId }) {
    await db.deleteFrom('notes').where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).execute();
  },
  async export(db, { workspaceId, customerId }) {
    return db.selectFrom('notes').select(['id', 'body', 'author_label', 'created_at', 'updated_at']).where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).orderBy('created_at').execute();
  },
};

export const tasksOwner: CustomerDataOwner = {
  name: 'tasks',
  async merge(db, { workspaceId, fromId, intoId }) {
    const rows = await db.updateTable('tasks').set({ customer_id: intoId }).where('workspace_id', '=', workspaceId).where('customer_id', '=', fromId).returning('id').execute();
    return rows.map((r) => r.id);
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    if (ids.length) await db.updateTable('tasks').set({ customer_id: intoId }).where('workspace_id', '=', workspaceId).where('customer_id', '=', fromId).where('id', 'in', ids).execute();
  },
  async erase(db, { workspaceId, customerId }) {
    // Tasks stay for workload statistics; their free text may name the person.
    await db
      .updateTable('tasks')
      .set({ title: '[erased]', description: null })
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .execute();
  },
  async export(db, { workspaceId, customerId }) {
    return db
      .selectFrom('tasks')
      .select(['id', 'title', 'description', 'status', 'priority', 'due_at', 'created_at', 'completed_at'])
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .orderBy('created_at')
      .execute();
  },
};

export const activityOwner: CustomerDataOwner = {
  name: 'activity',
  async merge(db, { workspaceId, fromId, intoId }) {
    const rows = await db.updateTable('customer_activity').set({ customer_id: intoId }).where('workspace_id', '=', workspaceId).where('customer_id', '=', fromId).returning('id').execute();
    return rows.map((r) => r.id);
  },
  async unmerge(db, { workspaceId, ids, fromId, intoId }) {
    if (ids.length) await db.updateTable('customer_activity').set({ customer_id: intoId }).where('workspace_id', '=', workspaceId).where('customer_id', '=', fromId).where('id', 'in', ids).execute();
  },
  async erase(db, { workspaceId, customerId }) {
    // Field diffs carry old names and numbers: keep only which action happened, when.
    await db
      .updateTable('customer_activity')
      .set({ data: JSON.stringify({}), actor_label: null })
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .execute();
  },
  async export(db, { workspaceId, customerId }) {
    return db.selectFrom('customer_activity').select(['action', 'data', 'actor_label', 'occurred_at']).where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).orderBy('occurred_at').execute();
  },
};

export const consentsOwner: CustomerDataOwner = {
  name: 'consents',
  async merge(db, { workspaceId, fromId, intoId }) {
    // The most recent decision per channel wins: it is the customer's latest word.
    await sql`
      insert into customer_consents (workspace_id, customer_id, channel, status, source, changed_at)
      select workspace_id, ${intoId}::uuid, channel, status, source, changed_at
      from customer_consents where workspace_id = ${workspaceId} and customer_id = ${fromId}
      on conflict (customer_id, channel) do update
        set status = excluded.status, source = excluded.source, changed_at = excluded.changed_at
        where customer_consents.changed_at < excluded.changed_at`.execute(db);
    await db.deleteFrom('customer_consents').where('customer_id', '=', fromId).execute();
    return [];
  },
  async unmerge(db, { workspaceId, fromId, intoId }) {
    // Both people get the merged profile's latest decisions: an opt-out must survive the split.
    await sql`
      insert into customer_consents (workspace_id, customer_id, channel, status, source, changed_at)
      select workspace_id, ${intoId}::uuid, channel, status, source, changed_at
      from customer_consents where workspace_id = ${workspaceId} and customer_id = ${fromId}
      on conflict (customer_id, channel) do nothing`.execute(db);
  },
  async erase(db, { workspaceId, customerId }) {
    // A revoked consent is kept (without source detail) so the person is never contacted again.
    await db.deleteFrom('customer_consents').where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).where('status', '=', 'granted').execute();
    await db.updateTable('customer_consents').set({ source: 'erased' }).where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).execute();
  },
  async export(db, { workspaceId, customerId }) {
    return db.selectFrom('customer_consents').select(['channel', 'status', 'source', 'changed_at']).where('workspace_id', '=', workspaceId).where('customer_id', '=', customerId).execute();
  },
};
