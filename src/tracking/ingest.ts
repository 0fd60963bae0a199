import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { CustomerDataOwners } from '../customers/hooks.ts';
import type { Actor } from '../platform/http/actor.ts';
import { applyCommerce, commerceEffects, type ProductSighting } from './commerce.ts';
import { eventRows, eventsJson, propertiesOf, type Resolved } from './event-rows.ts';
import { changesProduct, definitionsFingerprint, storeIfPredictable } from './fast-path.ts';
import { IdentityResolver, type KnownAnonymous, type KnownUser } from './identity.ts';
import { IntakeCache, type AppliedTraitsEntry, type CachedProduct } from './intake-cache.ts';
import type { IntakeListeners } from './intake-listeners.ts';
import type { TrackedMessage } from './messages.ts';
import type { EventPartitions } from './partitions.ts';
import type { SchemaRecorder } from './schema-recorder.ts';
import { applyTraits } from './traits.ts';

export interface IngestDeps {
  db: Db;
  owners: CustomerDataOwners;
  partitions: EventPartitions;
  schema: SchemaRecorder;
  defaultCountry: string;
  /** Predictions that let steady traffic take one statement per batch (see IntakeCache); none: always the full path. */
  cache?: IntakeCache;
  /** Told after each commit (journeys start on the new events at once, not at their next tick). */
  intake?: IntakeListeners;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
}

const RETRYABLE = new Set(['40001', '40P01']); // serialization failure, deadlock

/** Runs `work` again when PostgreSQL asks for a retry. */
async function retrying<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (attempt >= 5 || !RETRYABLE.has((e as { code?: string }).code ?? '')) throw e;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 20));
    }
  }
}

const inTransaction = <T>(db: Db, work: (tx: Db) => Promise<T>) => retrying(() => db.transaction().execute(work));

/** Thrown inside the batch transaction when its ids need creating or linking first (see ingestBatch). */
class IdentitiesFirst extends Error {}

/**
 * Stores one batch, all or nothing: messages already seen (same messageId) are skipped, every
 * other one is resolved to a customer, appended to the event store, applied to the profile
 * (identify traits) and to orders and the catalog (e-commerce events). When this returns, the
 * batch is durably committed.
 *
 * Three ways, cheapest first:
 * 1. Steady traffic — known ids, traits and products as already applied — is one verified
 *    statement (fast-path.ts).
 * 2. Otherwise one transaction: a statement that claims the messageIds and reads the batch's
 *    ids and settings, the identify traits, the catalog and orders, the insert.
 * 3. New or newly linked ids are first resolved in a short transaction of their own that holds
 *    the identity locks (creating customers, promoting, linking and merging, as
 *    `IdentityResolver` does); the batch transaction then finds every id in place. So identity
 *    locks are held for milliseconds, not for a whole batch, and concurrent batches that share
 *    a new visitor do not queue behind each other. If the batch transaction then fails, the ids
 *    stay resolved: a retry finds them, as a later batch would.
 */
export async function ingestBatch(deps: IngestDeps, workspaceId: string, messages: TrackedMessage[]): Promise<IngestResult> {
  if (messages.length === 0) return { stored: 0, duplicates: 0 };
  await deps.partitions.ensure(messages.map((m) => m.occurredAt));
  const { cache } = deps;
  const fast =
    cache?.predicting &&
    (await retrying(() => storeIfPredictable(deps.db, cache, workspaceId, messages)).catch((e: unknown) => {
      // A database migrated by an earlier build of 0003 (unreleased) lacks the function: full path only.
      if ((e as { code?: string }).code !== '42883') throw e;
      cache.predicting = false;
      return undefined;
    }));
  if (fast) {
    observe(deps, workspaceId, fast.stored);
    return { stored: fast.stored.length, duplicates: fast.duplicates };
  }
  let resolvedFirst: Map<string, string> | undefined;
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await inTransaction(deps.db, (tx) => storeBatch(tx, deps, workspaceId, messages, resolvedFirst, attempt > 1));
      if (cache) learn(cache, workspaceId, result.learned);
      observe(deps, workspaceId, result.todo);
      return { stored: result.todo.length, duplicates: messages.length - result.todo.length };
    } catch (e) {
      if (!(e instanceof IdentitiesFirst) || attempt > 1) throw e;
      resolvedFirst = await inTransaction(deps.db, async (tx) => {
        const resolver = new IdentityResolver(tx, workspaceId, deps.owners);
        await resolver.readAll(messages);
        await resolver.load(messages);
        const customers = new Map<string, string>();
        for (const m of messages) if (!customers.has(m.messageId)) customers.set(m.messageId, await resolver.resolve(m));
        for (const [id, customerId] of customers) customers.set(id, resolver.current(customerId));
        return customers;
      });
    }
  }
}

/** After commit: the schema recorder's sample, and the intake's listeners. */
function observe(deps: IngestDeps, workspaceId: string, stored: TrackedMessage[]) {
  deps.schema.observe(workspaceId, stored.map((m) => ({ type: m.type, name: m.name, properties: propertiesOf(m) })));
  deps.intake?.notify(workspaceId, stored.length);
}

/** What the full path read and wrote, for the next batches' predictions (after commit only). */
interface Learned {
  ids: { users: Map<string, string>; anons: Map<string, string> };
  workspace: { displayCurrency: string | null; definitions: string | null | undefined };
  traits: Map<string, AppliedTraitsEntry>;
  products: Map<string, CachedProduct>;
}

function learn(cache: IntakeCache, workspaceId: string, learned: Learned | undefined) {
  if (!learned) return;
  cache.rememberIds(workspaceId, learned.ids.users, learned.ids.anons);
  cache.rememberWorkspace(workspaceId, learned.workspace);
  for (const [customerId, entry] of learned.traits) cache.rememberTraits(customerId, entry);
  for (const [id, row] of learned.products) cache.rememberProduct(workspaceId, id, row);
}

/** The batch transaction; `resolvedFirst` is the identity transaction's answer, when there was one. */
async function storeBatch(tx: Db, deps: IngestDeps, workspaceId: string, messages: TrackedMessage[], resolvedFirst: Map<string, string> | undefined, inline: boolean) {
  const opened = await openBatch(tx, workspaceId, messages, Boolean(deps.cache), resolvedFirst);
  const todo = messages.filter((m) => opened.claimed.delete(m.messageId)); // first occurrence of each new id
  if (todo.length === 0) return { todo, learned: undefined };

  const resolver = new IdentityResolver(tx, workspaceId, deps.owners);
  resolver.prime(opened.users, opened.anons);
  const resolved: Resolved[] = [];
  if (resolvedFirst && !opened.mergedMeanwhile) {
    for (const message of todo) resolved.push({ message, customerId: resolvedFirst.get(message.messageId) as string });
  } else {
    // Without an identity transaction (or when a concurrent batch merged in between): resolve here.
    if (!inline && resolver.needsWrites(todo)) throw new IdentitiesFirst();
    await resolver.load(todo);
    for (const message of todo) resolved.push({ message, customerId: await resolver.resolve(message) });
    for (const r of resolved) r.customerId = resolver.current(r.customerId);
  }

  const { warnings, traits, definitions } = await identifyTraits(tx, deps, workspaceId, resolved, resolver.changed, opened);
  const effects = commerceEffects(resolved, opened.displayCurrency ?? 'USD');
  for (const [id, list] of effects.warnings) warnings.set(id, [...(warnings.get(id) ?? []), ...list]);
  const catalog = await productsToWrite(tx, workspaceId, effects.products);
  await applyCommerce(tx, workspaceId, { ...effects, products: catalog.write });
  if (deps.cache && catalog.write.length) {
    for (const [id, row] of await readProducts(tx, workspaceId, catalog.write.map((p) => p.id))) catalog.unchanged.set(id, row);
  }
  await sql`
    insert into events (workspace_id, id, message_id, customer_id, type, name, properties, context, anonymous_id, user_id, occurred_at)
    select ${workspaceId}::uuid, x.* from ${eventRows(eventsJson(resolved, warnings))}`.execute(tx);
  const learned: Learned = {
    ids: resolver.knownIds(),
    workspace: { displayCurrency: opened.displayCurrency, definitions: definitions ?? undefined },
    traits,
    products: catalog.unchanged,
  };
  return { todo, learned };
}

interface OpenedBatch {
  claimed: Set<string>;
  users: KnownUser[];
  anons: KnownAnonymous[];
  displayCurrency: string | null;
  /** md5 of the rows of customers that identify calls of the batch name (see IntakeCache) */
  fingerprints: Map<string, string>;
  /** md5 of the workspace's attribute definitions, when identify calls carry traits */
  definitions: string | null;
  /** A customer the identity transaction resolved to has been merged away since. */
  mergedMeanwhile: boolean;
}

/**
 * The batch's first statement: claims every messageId (those already claimed by an earlier
 * batch come back missing) and reads, in the same snapshot, the customers of its userIds and
 * anonymousIds and the workspace settings — one round trip.
 */
async function openBatch(tx: Db, workspaceId: string, messages: TrackedMessage[], withFingerprints: boolean, resolvedFirst?: Map<string, string>): Promise<OpenedBatch> {
  const users = new Set<string>();
  const anons = new Set<string>();
  const traitUsers = new Set<string>();
  const traitAnons = new Set<string>();
  for (const m of messages) {
    if (m.userId) users.add(m.userId);
    if (m.anonymousId) anons.add(m.anonymousId);
    if (m.previousId) {
      users.add(m.previousId);
      anons.add(m.previousId);
    }
    if (withFingerprints && m.type === 'identify') {
      if (m.userId) traitUsers.add(m.userId);
      else if (m.anonymousId) traitAnons.add(m.anonymousId);
    }
  }
  const wantDefinitions = traitUsers.size + traitAnons.size > 0;
  const resolvedIds = resolvedFirst ? [...new Set(resolvedFirst.values())] : [];
  const rows = await sql<{ k: 'm' | 'u' | 'a' | 'w' | 'x'; key: string | null; id: string | null; anonymous: boolean | null; fp: string | null }>`
    with claimed as (
      insert into event_ids (workspace_id, message_id)
      select ${workspaceId}::uuid, unnest(${messages.map((m) => m.messageId)}::text[])
      on conflict do nothing returning message_id
    )
    select 'm' as k, message_id as key, null::uuid as id, null::boolean as anonymous, null::text as fp from claimed
    union all
    select 'u', c.external_id, c.id, c.anonymous, case when c.external_id = any(${[...traitUsers]}::text[]) then md5(c::text) end
    from customers c
    where c.workspace_id = ${workspaceId} and c.external_id = any(${[...users]}::text[]) and c.merged_into is null
    union all
    select 'a', i.anonymous_id, c.id, c.anonymous, case when i.anonymous_id = any(${[...traitAnons]}::text[]) then md5(c::text) end
    from customer_identities i join customers c on c.id = i.customer_id
    where i.workspace_id = ${workspaceId} and i.anonymous_id = any(${[...anons]}::text[])
    union all
    select 'w', w.settings->>'displayCurrency', null, null, case when ${wantDefinitions} then ${definitionsFingerprint(workspaceId)} end
    from workspaces w where w.id = ${workspaceId}
    union all
    select 'x', null, null, null, null where exists (select 1 from customers where id = any(${resolvedIds}::uuid[]) and merged_into is not null)`.execute(tx);
  const out: OpenedBatch = { claimed: new Set(), users: [], anons: [], displayCurrency: null, fingerprints: new Map(), definitions: null, mergedMeanwhile: false };
  for (const r of rows.rows) {
    if (r.k === 'm') out.claimed.add(r.key as string);
    else if (r.k === 'x') out.mergedMeanwhile = true;
    else if (r.k === 'w') {
      out.displayCurrency = r.key;
      out.definitions = r.fp;
    } else {
      const customerId = r.id as string;
      if (r.k === 'u') out.users.push({ externalId: r.key as string, customerId });
      else out.anons.push({ anonymousId: r.key as string, customerId, anonymous: r.anonymous === true });
      if (r.fp) out.fingerprints.set(customerId, r.fp);
    }
  }
  return out;
}

/**
 * Applies identify traits to profiles, in message order. A call whose traits this process
 * already applied to the unchanged row is skipped (IntakeCache). Returns the warnings per
 * messageId and what to remember once the transaction commits.
 */
async function identifyTraits(tx: Db, deps: IngestDeps, workspaceId: string, resolved: Resolved[], changed: Set<string>, opened: OpenedBatch) {
  const warnings = new Map<string, string[]>();
  const traits = new Map<string, AppliedTraitsEntry>();
  const calls = resolved.filter((r) => r.message.type === 'identify' && Object.keys(r.message.traits).length > 0);
  if (calls.length === 0) return { warnings, traits, definitions: opened.definitions };
  const keyOf = (m: TrackedMessage) => IntakeCache.traitsKey(m.traits, m.context, opened.definitions);
  const applying = new Set<string>(); // customers whose row this batch writes: no skipping after that
  const plan = calls.map((r) => {
    const entry = deps.cache?.appliedTraits(r.customerId);
    const unchanged = !changed.has(r.customerId) && !applying.has(r.customerId) && entry !== undefined && opened.fingerprints.get(r.customerId) === entry.fingerprint;
    const skip = unchanged && entry.key === keyOf(r.message) ? entry : undefined;
    if (!skip) applying.add(r.customerId);
    return { ...r, skip };
  });
  if (applying.size > 1) {
    // applyTraits locks each row; taking them in one sorted statement first avoids deadlocks between batches.
    await sql`select id from customers where id = any(${[...applying].sort()}::uuid[]) order by id for update`.execute(tx);
  }
  const actor: Actor = { workspaceId, role: 'owner', type: 'system', id: null, label: 'tracking' };
  const lastApplied = new Map<string, { key: string; skipped: string[] }>();
  for (const { message: m, customerId, skip } of plan) {
    const skipped = skip ? skip.skipped : await applyTraits(tx, actor, customerId, m.traits, m.context, deps.defaultCountry);
    if (!skip) lastApplied.set(customerId, { key: keyOf(m), skipped });
    if (skipped.length) warnings.set(m.messageId, skipped.map((s) => `trait ${s} skipped: invalid value`));
  }
  let definitions = opened.definitions;
  if (deps.cache && lastApplied.size) {
    // The rows as applied, and the definitions as they are now (applying may have defined attributes).
    const rows = await sql<{ id: string; fp: string; definitions: string }>`
      select c.id, md5(c::text) as fp, ${definitionsFingerprint(workspaceId)} as definitions
      from customers c where c.id = any(${[...lastApplied.keys()]}::uuid[])`.execute(tx);
    for (const r of rows.rows) {
      const applied = lastApplied.get(r.id);
      definitions = r.definitions;
      if (applied) traits.set(r.id, { ...applied, fingerprint: r.fp });
    }
    if (definitions !== opened.definitions) {
      for (const [id, entry] of traits) {
        const call = plan.findLast((p) => p.customerId === id && !p.skip);
        if (call) traits.set(id, { ...entry, key: IntakeCache.traitsKey(call.message.traits, call.message.context, definitions) });
      }
    }
  }
  return { warnings, traits, definitions };
}

/**
 * The sightings that would change the catalog (new products, or a field with another value),
 * the last sighting of each product winning, sorted by id; and the rows left unchanged, for the
 * cache. Popular products are seen in most batches: upserting them unchanged would lock the same
 * rows in every concurrent transaction.
 */
async function productsToWrite(tx: Db, workspaceId: string, sightings: ProductSighting[]) {
  const unchanged = new Map<string, CachedProduct>();
  if (sightings.length === 0) return { write: sightings, unchanged };
  const latest = new Map(sightings.map((p) => [p.id, p]));
  const byId = await readProducts(tx, workspaceId, [...latest.keys()]);
  const write: ProductSighting[] = [];
  for (const s of latest.values()) {
    const row = byId.get(s.id);
    if (!row || changesProduct(s, row)) write.push(s);
    else unchanged.set(s.id, row);
  }
  return { write: write.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)), unchanged };
}

/** Catalog rows as the cache keeps them, with their fingerprint. */
async function readProducts(tx: Db, workspaceId: string, ids: string[]): Promise<Map<string, CachedProduct>> {
  const rows = await sql<CachedProduct & { id: string }>`
    select id, sku, name, category, price_minor as "priceMinor", currency, url, image_url as "imageUrl", md5(p::text) as fingerprint
    from products p where workspace_id = ${workspaceId} and id = any(${ids}::text[])`.execute(tx);
  return new Map(rows.rows.map(({ id, ...row }) => [id, row]));
}
