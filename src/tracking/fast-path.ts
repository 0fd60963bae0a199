import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { buildSearchText } from '../customers/profile.ts';
import type { Db } from '../database.ts';
import { applyCommerce, commerceEffects, type ProductSighting } from './commerce.ts';
import { eventsJson, type Resolved } from './event-rows.ts';
import { IntakeCache } from './intake-cache.ts';
import type { TrackedMessage } from './messages.ts';

/** Product fields a sighting may set (null: the sighting says nothing about it). */
export const productFields = ['sku', 'name', 'category', 'priceMinor', 'currency', 'url', 'imageUrl'] as const;

/** Whether a sighting would change the product row as last read. */
export const changesProduct = (s: ProductSighting, row: Record<(typeof productFields)[number], unknown>) =>
  productFields.some((f) => s[f] !== null && s[f] !== row[f]);

/** Attribute definitions as one md5, to notice that a remembered traits application is stale. */
export const definitionsFingerprint = (workspaceId: unknown) => sql<string>`(
  select md5(coalesce(string_agg(d.key || ':' || d.type || ':' || d.options::text, ',' order by d.key), ''))
  from attribute_definitions d where d.workspace_id = ${workspaceId}::uuid)`;

/** SQLSTATE raised by vafa_store_predicted_batch when a concurrent batch created one of its new ids first. */
const CREATED_CONCURRENTLY = 'VF001';

const newCustomer = (created: Map<string, string>, id: string) => {
  let customerId = created.get(id);
  if (!customerId) {
    customerId = randomUUID();
    created.set(id, customerId);
  }
  return customerId;
};

const searchTextOfNew = (externalId: string | null) => buildSearchText({ first_name: null, last_name: null, emails: [], phones: [], external_id: externalId });

export interface FastResult {
  stored: TrackedMessage[];
  duplicates: number;
}

/**
 * The steady-traffic path: when the cache can predict everything the batch would read (every
 * id's customer, unchanged traits, unchanged products, the settings), the batch is stored by one
 * statement (vafa_store_predicted_batch in 0003_tracking.sql) that verifies those predictions in
 * its own snapshot and, only if all hold, creates the customers of new lone ids (first page
 * views), claims the messageIds and appends the events. Autocommit makes it atomic and durable
 * by itself: one round trip instead of a transaction of five or more. Orders, refunds and
 * cancellations add their writes around it in a transaction.
 *
 * Returns undefined when the batch needs the full path: something unpredictable (an id paired
 * with an unknown one, an alias, new traits, a product change) or a prediction that did not hold
 * (then nothing was written and the stale entries are forgotten).
 */
export async function storeIfPredictable(db: Db, cache: IntakeCache, workspaceId: string, messages: TrackedMessage[]): Promise<FastResult | undefined> {
  const workspace = cache.workspace(workspaceId);
  if (!workspace) return undefined;
  // Ids that appear with another id (or in an alias) are resolved message by message: the full path.
  const paired = new Set<string>();
  for (const m of messages) {
    if (m.type === 'alias') return undefined;
    if (m.userId && m.anonymousId) paired.add(m.userId).add(m.anonymousId);
  }
  const seen = new Set<string>();
  const users = new Map<string, string>();
  const anons = new Map<string, string>();
  const newUsers = new Map<string, string>();
  const newAnons = new Map<string, string>();
  const resolved: Resolved[] = [];
  for (const m of messages) {
    if (seen.has(m.messageId)) continue;
    seen.add(m.messageId);
    const byUser = m.userId ? cache.user(workspaceId, m.userId) : undefined;
    const byAnon = m.anonymousId ? cache.anonymous(workspaceId, m.anonymousId) : undefined;
    let customerId: string | undefined;
    if (m.userId && m.anonymousId) {
      if (!byUser || byUser !== byAnon) return undefined;
      customerId = byUser;
    } else if (m.userId) {
      customerId = byUser ?? (paired.has(m.userId) ? undefined : newCustomer(newUsers, m.userId));
    } else if (m.anonymousId) {
      customerId = byAnon ?? (paired.has(m.anonymousId) ? undefined : newCustomer(newAnons, m.anonymousId));
    }
    if (!customerId) return undefined;
    if (m.userId && byUser) users.set(m.userId, byUser);
    if (m.anonymousId && byAnon) anons.set(m.anonymousId, byAnon);
    resolved.push({ message: m, customerId });
  }

  const warnings = new Map<string, string[]>();
  const fingerprints = new Map<string, string>();
  let needsDefinitions = false;
  for (const { message: m, customerId } of resolved) {
    if (m.type !== 'identify' || Object.keys(m.traits).length === 0) continue;
    const applied = cache.appliedTraits(customerId); // none for a new customer: the full path applies its traits
    if (workspace.definitions === undefined || applied?.key !== IntakeCache.traitsKey(m.traits, m.context, workspace.definitions)) return undefined;
    needsDefinitions = true;
    fingerprints.set(customerId, applied.fingerprint);
    if (applied.skipped.length) warnings.set(m.messageId, applied.skipped.map((s) => `trait ${s} skipped: invalid value`));
  }

  const effects = commerceEffects(resolved, workspace.displayCurrency ?? 'USD');
  const products = new Map<string, string>();
  for (const s of effects.products) {
    const row = cache.product(workspaceId, s.id);
    if (!row || changesProduct(s, row)) return undefined;
    products.set(s.id, row.fingerprint);
  }
  for (const [id, list] of effects.warnings) warnings.set(id, [...(warnings.get(id) ?? []), ...list]);
  const hasOrders = effects.orders.length + effects.refunds.length + effects.cancels.length > 0;

  // New ids in key order, so that two batches creating the same ones cannot deadlock.
  const createdUsers = [...newUsers].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const createdAnons = [...newAnons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const statement = sql<{ ok: boolean; claimed: string[] | null }>`
    select ok, claimed from vafa_store_predicted_batch(
      ${workspaceId}::uuid, ${[...users.keys()]}::text[], ${[...users.values()]}::uuid[], ${[...anons.keys()]}::text[], ${[...anons.values()]}::uuid[],
      ${[...fingerprints.keys()]}::uuid[], ${[...fingerprints.values()]}::text[], ${[...products.keys()]}::text[], ${[...products.values()]}::text[],
      ${workspace.displayCurrency}::text, ${needsDefinitions ? (workspace.definitions ?? null) : null}::text,
      ${createdUsers.map(([u]) => u)}::text[], ${createdUsers.map(([, c]) => c)}::uuid[], ${createdUsers.map(([u]) => searchTextOfNew(u))}::text[],
      ${createdAnons.map(([a]) => a)}::text[], ${createdAnons.map(([, c]) => c)}::uuid[], ${searchTextOfNew(null)},
      ${eventsJson(resolved, warnings)}::jsonb)`;

  const run = async (conn: Db) => {
    const row = (await statement.execute(conn)).rows[0];
    if (!row?.ok) return undefined;
    const fresh = row.claimed ? new Set(row.claimed) : undefined;
    return fresh ? resolved.filter((r) => fresh.has(r.message.messageId)) : resolved;
  };
  const stale = new Error('stale prediction');
  const attempt = async () => {
    if (!hasOrders) return run(db);
    return db.transaction().execute(async (tx) => {
      const fresh = await run(tx);
      if (!fresh) throw stale;
      const mine = fresh.length === resolved.length ? effects : commerceEffects(fresh, workspace.displayCurrency ?? 'USD');
      await applyCommerce(tx, workspaceId, { ...mine, products: [] });
      return fresh;
    });
  };
  const stored = await attempt().catch((e: unknown) => {
    if (e === stale || (e as { code?: string }).code === CREATED_CONCURRENTLY) return undefined;
    throw e;
  });
  if (!stored) {
    cache.forget(workspaceId, { users: [...users.keys(), ...newUsers.keys()], anons: [...anons.keys(), ...newAnons.keys()], products: products.keys(), customers: fingerprints.keys() });
    return undefined;
  }
  cache.rememberIds(workspaceId, newUsers, newAnons);
  return { stored: stored.map((r) => r.message), duplicates: messages.length - stored.length };
}
