import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Actor } from '../platform/http/actor.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { recordActivity } from './activity.ts';
import type { CustomerDataOwners } from './hooks.ts';
import { consentsOf, findCustomer, findLiveCustomer } from './service.ts';
import { toView } from './profile.ts';

/**
 * The right to be forgotten: personal data goes, the anonymous record stays so that counts,
 * revenue and retention figures do not change. Rows merged into this customer go too.
 */
export async function eraseCustomer(db: Db, owners: CustomerDataOwners, actor: Actor, id: string) {
  return db.transaction().execute(async (tx) => {
    await findLiveCustomer(tx, actor.workspaceId, id, { forUpdate: true });
    const mergedAway = await tx.selectFrom('customers').select('id').where('merged_into', '=', id).execute();
    for (const customerId of [id, ...mergedAway.map((r) => r.id)]) {
      await tx
        .updateTable('customers')
        .set({
          external_id: null,
          first_name: null,
          last_name: null,
          emails: [],
          phones: [],
          birthday: null,
          city: null,
          timezone: null,
          job: null,
          income_band: null,
          interests: [],
          challenges: [],
          attributes: JSON.stringify({}),
          search_text: '',
          erased_at: sql`now()`,
          updated_at: sql`now()`,
        })
        .where('id', '=', customerId)
        .execute();
      for (const owner of owners.all()) await owner.erase(tx, { workspaceId: actor.workspaceId, customerId });
      await tx
        .updateTable('customer_merges')
        .set({ secondary_snapshot: JSON.stringify({ erased: true }) })
        .where('workspace_id', '=', actor.workspaceId)
        .where((eb) => eb.or([eb('secondary_id', '=', customerId), eb('primary_id', '=', customerId)]))
        .execute();
    }
    await recordActivity(tx, { ...actor, label: actor.label }, id, 'erased', {});
    await recordAudit(tx, actor, { action: 'customer.erased', targetType: 'customer', targetId: id });
    return toView(await findCustomer(tx, actor.workspaceId, id), await consentsOf(tx, id));
  });
}

/** Everything Vafa holds about one customer, as JSON (data-subject access request). */
export async function exportCustomer(db: Db, owners: CustomerDataOwners, workspaceId: string, id: string) {
  const customer = await findCustomer(db, workspaceId, id);
  const sections: Record<string, unknown> = {};
  for (const owner of owners.all()) sections[owner.name] = await owner.export(db, { workspaceId, customerId: id });
  const merges = await db
    .selectFrom('customer_merges')
    .select(['secondary_id', 'secondary_snapshot', 'merged_at', 'merged_by'])
    .where('workspace_id', '=', workspaceId)
    .where('primary_id', '=', id)
    .execute();
  return {
    exportedAt: new Date().toISOString(),
    customer: toView(customer, await consentsOf(db, id)),
    ...sections,
    merges,
  };
}
