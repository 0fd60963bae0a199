import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { invalid } from '../platform/errors.ts';
import type { Actor } from '../platform/http/actor.ts';
import { recordAudit } from '../workspaces/audit.ts';
import { recordActivity } from './activity.ts';
import type { CustomerDataOwners } from './hooks.ts';
import { buildSearchText, displayName, type Customer } from './profile.ts';
import { findLiveCustomer, getCustomer } from './service.ts';

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

/**
 * Folds `secondary` into `primary`: the primary's values win, the secondary fills the gaps,
 * lists are united, and everything recorded about the secondary (notes, tasks, history,
 * consents and whatever later capabilities registered) moves to the primary. The secondary
 * row stays as a pointer (merged_into) and the merge is recorded with a snapshot.
 */
export async function mergeCustomers(db: Db, owners: CustomerDataOwners, actor: Actor, primaryId: string, secondaryId: string) {
  return db.transaction().execute((tx) => mergeCustomersIn(tx, owners, actor, primaryId, secondaryId));
}

/** `mergeCustomers` inside a transaction the caller holds (identity resolution merges mid-ingest). */
export async function mergeCustomersIn(tx: Db, owners: CustomerDataOwners, actor: Actor, primaryId: string, secondaryId: string) {
  if (primaryId === secondaryId) throw invalid('secondaryId', 'cannot merge a customer into itself');
  // Lock both rows in a fixed order so two concurrent merges cannot deadlock.
  const [first, second] = [primaryId, secondaryId].sort();
  const locked = new Map<string, Customer>();
  for (const id of [first, second] as string[]) {
    try {
      locked.set(id, await findLiveCustomer(tx, actor.workspaceId, id, { forUpdate: true }));
    } catch (e) {
      throw Object.assign(e as Error, { field: id === primaryId ? 'primaryId' : 'secondaryId' });
    }
  }
  const p = locked.get(primaryId) as Customer;
  const s = locked.get(secondaryId) as Customer;

  const merged = {
    external_id: p.external_id ?? s.external_id,
    first_name: p.first_name ?? s.first_name,
    last_name: p.last_name ?? s.last_name,
    emails: union(p.emails, s.emails),
    phones: union(p.phones, s.phones),
    birthday: p.birthday ?? s.birthday,
    gender: p.gender ?? s.gender,
    city: p.city ?? s.city,
    language: p.language ?? s.language,
    timezone: p.timezone ?? s.timezone,
    job: p.job ?? s.job,
    income_band: p.income_band ?? s.income_band,
    interests: union(p.interests, s.interests),
    challenges: union(p.challenges, s.challenges),
    tags: union(p.tags, s.tags),
    attributes: JSON.stringify({ ...s.attributes, ...p.attributes }),
  };
  // The external id is unique: free it on the secondary before the primary takes it.
  await tx.updateTable('customers').set({ merged_into: primaryId, external_id: null, updated_at: sql`now()` }).where('id', '=', secondaryId).execute();
  await tx
    .updateTable('customers')
    .set({ ...merged, search_text: buildSearchText(merged), updated_at: sql`now()` })
    .where('id', '=', primaryId)
    .execute();
  // Earlier merges into the secondary now point at the primary.
  await tx.updateTable('customers').set({ merged_into: primaryId }).where('merged_into', '=', secondaryId).execute();
  if (s.created_at < p.created_at) {
    await tx.updateTable('customers').set({ created_at: s.created_at } as never).where('id', '=', primaryId).execute();
  }

  const moved: Record<string, string[]> = {};
  for (const owner of owners.all()) {
    moved[owner.name] = await owner.merge(tx, { workspaceId: actor.workspaceId, fromId: secondaryId, intoId: primaryId });
  }
  const counts = Object.fromEntries(Object.entries(moved).map(([name, ids]) => [name, ids.length]));
  await tx
    .insertInto('customer_merges')
    .values({
      workspace_id: actor.workspaceId,
      primary_id: primaryId,
      secondary_id: secondaryId,
      secondary_snapshot: JSON.stringify(s),
      primary_snapshot: JSON.stringify(p),
      moved: JSON.stringify(moved),
      merged_by: actor.label,
    })
    .execute();
  await recordActivity(tx, actor, primaryId, 'merged', { secondaryId, secondaryName: displayName(s), moved: counts });
  await recordAudit(tx, actor, { action: 'customer.merged', targetType: 'customer', targetId: primaryId, changes: { secondaryId, moved: counts } });
  return getCustomer(tx, actor.workspaceId, primaryId);
}
