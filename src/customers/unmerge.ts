import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { conflict, notFound } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { recordActivity } from './activity.ts';
import type { CustomerDataOwners } from './hooks.ts';
import { buildSearchText, type Customer } from './profile.ts';
import { getCustomer } from './service.ts';

const lists = ['emails', 'phones', 'interests', 'challenges', 'tags'] as const;
const scalars = ['external_id', 'first_name', 'last_name', 'birthday', 'gender', 'city', 'language', 'timezone', 'job', 'income_band'] as const;

/**
 * Undoes a merge: the secondary comes back as it was, with every row that moved to the primary;
 * the primary loses what only the secondary had brought (identifiers, list items, fields it
 * filled). Changes made to the primary since the merge stay.
 */
export async function unmergeCustomers(db: Db, owners: CustomerDataOwners, actor: Actor, mergeId: string) {
  return db.transaction().execute(async (tx) => {
    const merge = await tx.selectFrom('customer_merges').selectAll().where('workspace_id', '=', actor.workspaceId).where('id', '=', mergeId).forUpdate().executeTakeFirst();
    if (!merge) throw notFound('Merge');
    if (merge.undone_at) throw conflict('This merge was already undone');
    if (!merge.primary_snapshot) throw conflict('This merge was recorded before unmerge existed and cannot be undone');
    const [primary, secondary] = await Promise.all(
      [merge.primary_id, merge.secondary_id].map((id) => tx.selectFrom('customers').selectAll().where('id', '=', id).forUpdate().executeTakeFirstOrThrow()),
    ) as [Customer, Customer];
    if (secondary.merged_into !== primary.id) throw conflict('The secondary customer is no longer merged into this primary (a later merge or erasure)');
    if (primary.merged_into || primary.erased_at) throw conflict('The primary customer was merged or erased since; undo that first');

    const before = merge.primary_snapshot as unknown as Customer;
    const was = merge.secondary_snapshot as unknown as Customer;
    const next: Record<string, unknown> = {};
    for (const key of lists) {
      const brought = new Set(was[key].filter((v) => !before[key].includes(v)));
      next[key] = primary[key].filter((v) => !brought.has(v));
    }
    for (const key of scalars) {
      if (before[key] === null && was[key] !== null && primary[key] === was[key]) next[key] = null;
    }
    const attributes = { ...primary.attributes };
    for (const [k, v] of Object.entries(was.attributes)) {
      if (!(k in before.attributes) && JSON.stringify(attributes[k]) === JSON.stringify(v)) delete attributes[k];
    }
    const restoredPrimary = { ...primary, ...next } as Customer;
    await tx
      .updateTable('customers')
      .set({ ...next, attributes: JSON.stringify(attributes), search_text: buildSearchText(restoredPrimary), updated_at: sql`now()` })
      .where('id', '=', primary.id)
      .execute();
    await tx
      .updateTable('customers')
      .set({
        ...Object.fromEntries([...scalars, ...lists].map((k) => [k, was[k]])),
        attributes: JSON.stringify(was.attributes),
        search_text: buildSearchText(was),
        anonymous: Boolean(was.anonymous),
        merged_into: null,
        updated_at: sql`now()`,
      })
      .where('id', '=', secondary.id)
      .execute();
    const moved = merge.moved as Record<string, string[]>;
    for (const owner of owners.all()) {
      await owner.unmerge(tx, { workspaceId: actor.workspaceId, ids: moved[owner.name] ?? [], fromId: primary.id, intoId: secondary.id });
    }
    await tx.updateTable('customer_merges').set({ undone_at: new Date() }).where('id', '=', mergeId).execute();
    await recordActivity(tx, actor, primary.id, 'unmerged', { secondaryId: secondary.id, mergeId });
    await recordActivity(tx, actor, secondary.id, 'unmerged', { primaryId: primary.id, mergeId });
    await recordAudit(tx, actor, { action: 'customer.unmerged', targetType: 'customer', targetId: primary.id, changes: { secondaryId: secondary.id, mergeId } });
    return { primary: await getCustomer(tx, actor.workspaceId, primary.id), secondary: await getCustomer(tx, actor.workspaceId, secondary.id) };
  });
}

export async function listMerges(db: Db, workspaceId: string, customerId: string) {
  const rows = await db
    .selectFrom('customer_merges')
    .select(['id', 'primary_id', 'secondary_id', 'merged_by', 'merged_at', 'undone_at', 'moved'])
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb.or([eb('primary_id', '=', customerId), eb('secondary_id', '=', customerId)]))
    .orderBy('merged_at', 'desc')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    primaryId: r.primary_id,
    secondaryId: r.secondary_id,
    mergedBy: r.merged_by,
    mergedAt: r.merged_at.toISOString(),
    undoneAt: r.undone_at?.toISOString() ?? null,
    moved: Object.fromEntries(Object.entries(r.moved as Record<string, string[]>).map(([k, ids]) => [k, ids.length])),
  }));
}
