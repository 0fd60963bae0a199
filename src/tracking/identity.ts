import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { recordActivity } from '../customers/activity.ts';
import type { CustomerDataOwners } from '../customers/hooks.ts';
import { mergeCustomersIn } from '../customers/merge.ts';
import { buildSearchText } from '../customers/profile.ts';
import type { Actor } from '../platform/http/actor.ts';
import type { TrackedMessage } from './messages.ts';

/** A userId the batch's first statement found, in the batch's transaction. */
export interface KnownUser {
  externalId: string;
  customerId: string;
}

/** An anonymousId the batch's first statement found, in the batch's transaction. */
export interface KnownAnonymous {
  anonymousId: string;
  customerId: string;
  /** The customer is still an anonymous visitor's profile. */
  anonymous: boolean;
}

/**
 * Identity resolution: which customer each message is about.
 *
 * Rules (docs/tracking.md):
 * 1. `userId` is the customer's externalId; `anonymousId` is a device/browser id kept in
 *    customer_identities. A message with only an anonymousId makes an anonymous profile.
 * 2. The first message with both ids links them: the anonymous profile becomes the known
 *    customer (promotion), or, when the userId already has a customer, the anonymous profile is
 *    merged into it — its whole browsing history moves along.
 * 3. An anonymousId already linked to a *different known* customer is re-pointed to the new
 *    userId (a shared device changed hands); no profiles are merged.
 * 4. `alias(previousId → userId)` says two ids are one person: their customers are merged, the
 *    userId's customer kept as the primary.
 * Every merge is recorded (customer_merges) and can be undone.
 */
export class IdentityResolver {
  private readonly byUser = new Map<string, string>();
  private readonly byAnon = new Map<string, string>();
  private readonly anonymousCustomers = new Set<string>();
  /** Customers merged away during this batch → where they went. */
  private readonly redirects = new Map<string, string>();
  /** Customers this batch created, promoted, re-pointed an id to or merged into. */
  readonly changed = new Set<string>();
  private readonly actor: Actor;

  constructor(
    private readonly tx: Db,
    private readonly workspaceId: string,
    private readonly owners: CustomerDataOwners,
  ) {
    this.actor = { workspaceId, role: 'owner', type: 'system', id: null, label: 'identity resolution' };
  }

  /** What the caller already read, in the batch's transaction, about the batch's ids. */
  prime(users: KnownUser[], anons: KnownAnonymous[]): void {
    for (const u of users) this.byUser.set(u.externalId, u.customerId);
    for (const a of anons) {
      this.byAnon.set(a.anonymousId, a.customerId);
      if (a.anonymous) this.anonymousCustomers.add(a.customerId);
    }
  }

  /** The ids a batch names, which of them appear with another id, and which need a lock. */
  private plan(messages: TrackedMessage[]) {
    const userIds = new Set<string>();
    const anonIds = new Set<string>();
    /** Ids that appear together with another id: resolved message by message. */
    const paired = new Set<string>();
    const toLock = new Set<string>();
    for (const m of messages) {
      if (m.userId) userIds.add(m.userId);
      if (m.anonymousId) anonIds.add(m.anonymousId);
      if (m.previousId) {
        userIds.add(m.previousId);
        anonIds.add(m.previousId);
      }
      if (m.type === 'alias') {
        for (const id of [m.userId, m.anonymousId, m.previousId]) {
          if (!id) continue;
          paired.add(id);
          toLock.add(id);
        }
      } else if (m.userId && m.anonymousId) {
        paired.add(m.userId).add(m.anonymousId);
        const known = this.byUser.get(m.userId);
        if (!known || this.byAnon.get(m.anonymousId) !== known) toLock.add(m.userId).add(m.anonymousId);
      }
    }
    for (const u of userIds) if (!this.byUser.has(u)) toLock.add(u);
    for (const a of anonIds) if (!this.byAnon.has(a)) toLock.add(a);
    return { userIds: [...userIds], anonIds: [...anonIds], paired, toLock: [...toLock] };
  }

  /**
   * Whether resolving the batch writes anything (creates customers, links or merges ids): false
   * when every id is known and each userId/anonymousId pair already points at one customer.
   */
  needsWrites(messages: TrackedMessage[]): boolean {
    return this.plan(messages).toLock.length > 0;
  }

  /** Reads the customers of every id of the batch (when the caller did not `prime`). */
  async readAll(messages: TrackedMessage[]): Promise<void> {
    const { userIds, anonIds } = this.plan(messages);
    await this.read(userIds, anonIds);
  }

  /**
   * Makes sure every id of the batch can be resolved: takes locks only for ids that may be
   * created or linked (unknown ids, a userId and anonymousId not yet pointing at one customer,
   * aliases) — in steady traffic every id is known and consistent and no lock is taken — then
   * creates the customers of new ids that nothing else in the batch links, all in one statement.
   */
  async load(messages: TrackedMessage[]): Promise<void> {
    const { userIds, anonIds, paired, toLock } = this.plan(messages);
    if (toLock.length === 0) return;
    // Serialise creation/linking of the same ids across concurrent batches (sorted: no deadlocks).
    await sql`select pg_advisory_xact_lock(h) from (
                select distinct hashtextextended(${this.workspaceId}::text || ':' || id, 0) as h
                from unnest(${toLock}::text[]) as id order by 1) locks`.execute(this.tx);
    await this.read(userIds, anonIds);
    // What can be done for many ids at once, with the same outcome as message-by-message resolution.
    const pairs = this.pairPlan(messages);
    await this.createCustomers(
      [...userIds.filter((u) => !this.byUser.has(u) && !paired.has(u)), ...pairs.created.map(([, u]) => u)],
      [...anonIds.filter((a) => !this.byAnon.has(a) && !paired.has(a)), ...pairs.anonymousFirst.map(([a]) => a)],
      pairs.created,
    );
    await this.promoteAll([...pairs.promoted, ...pairs.anonymousFirst.map(([a, u]) => [this.byAnon.get(a) as string, u] as const)]);
    await this.linkAll(pairs.linked);
  }

  /**
   * The userId/anonymousId pairs of the batch that resolve alike whatever their order — each id
   * in one pair only, no alias — and what resolving them does:
   * - `created`: neither id is known → a customer for the userId, the anonymousId linked to it;
   * - `anonymousFirst`: the same, but the anonymousId browsed alone first → an anonymous
   *   customer for it, then promoted to the userId (as message order would have it);
   * - `promoted`: the anonymousId is an anonymous customer's, the userId is new → promotion;
   * - `linked`: the userId is known, the anonymousId new (and not seen alone before) → link.
   * The rest (merges, re-pointing) are left to `resolve`, one message at a time.
   */
  private pairPlan(messages: TrackedMessage[]) {
    const partnersOfUser = new Map<string, Set<string>>();
    const partnersOfAnon = new Map<string, Set<string>>();
    const aliased = new Set<string>();
    const aloneFirst = new Set<string>();
    const pairs: [string, string][] = [];
    for (const m of messages) {
      if (m.type === 'alias') {
        for (const id of [m.userId, m.anonymousId, m.previousId]) if (id) aliased.add(id);
      } else if (m.userId && m.anonymousId) {
        const partners = partnersOfUser.get(m.userId) ?? new Set<string>();
        if (!partners.has(m.anonymousId)) pairs.push([m.userId, m.anonymousId]);
        partnersOfUser.set(m.userId, partners.add(m.anonymousId));
        partnersOfAnon.set(m.anonymousId, (partnersOfAnon.get(m.anonymousId) ?? new Set<string>()).add(m.userId));
      } else if (m.anonymousId && !partnersOfAnon.has(m.anonymousId)) aloneFirst.add(m.anonymousId);
    }
    const pairsOfCustomer = new Map<string, number>();
    for (const [, a] of pairs) {
      const x = this.byAnon.get(a);
      if (x) pairsOfCustomer.set(x, (pairsOfCustomer.get(x) ?? 0) + 1);
    }
    const out = { created: [] as [string, string][], anonymousFirst: [] as [string, string][], promoted: [] as (readonly [string, string])[], linked: [] as [string, string][] };
    for (const [u, a] of pairs) {
      if (aliased.has(u) || aliased.has(a) || partnersOfUser.get(u)?.size !== 1 || partnersOfAnon.get(a)?.size !== 1) continue;
      const known = this.byUser.get(u);
      const x = this.byAnon.get(a);
      if (!known && !x) (aloneFirst.has(a) ? out.anonymousFirst : out.created).push([a, u]);
      else if (!known && x && this.anonymousCustomers.has(x) && pairsOfCustomer.get(x) === 1) out.promoted.push([x, u]);
      else if (known && !x && !aloneFirst.has(a)) out.linked.push([a, known]);
    }
    return out;
  }

  /**
   * New customers in one statement: one per userId, one anonymous one per anonymousId (linked
   * to it), with their `created` activity; `linkedToUser` anonymousIds are linked to the new
   * customer of their userId.
   */
  private async createCustomers(userIds: string[], anonIds: string[], linkedToUser: [string, string][]): Promise<void> {
    if (userIds.length === 0 && anonIds.length === 0) return;
    const ids = [...userIds, ...anonIds].map(() => randomUUID());
    const externalIds = [...userIds, ...anonIds.map(() => null)];
    const anonSearch = buildSearchText({ first_name: null, last_name: null, emails: [], phones: [], external_id: null });
    const search = [...userIds.map((u) => buildSearchText({ first_name: null, last_name: null, emails: [], phones: [], external_id: u })), ...anonIds.map(() => anonSearch)];
    for (const [i, u] of userIds.entries()) this.byUser.set(u, ids[i] as string);
    for (const [i, a] of anonIds.entries()) {
      const id = ids[userIds.length + i] as string;
      this.byAnon.set(a, id);
      this.anonymousCustomers.add(id);
    }
    for (const [a, u] of linkedToUser) this.byAnon.set(a, this.byUser.get(u) as string);
    const links = [...anonIds, ...linkedToUser.map(([a]) => a)];
    await sql`
      with created as (
        insert into customers (id, workspace_id, external_id, anonymous, search_text)
        select id, ${this.workspaceId}::uuid, e, e is null, s from unnest(${ids}::uuid[], ${externalIds}::text[], ${search}::text[]) as x(id, e, s)
        returning id, external_id
      ), activity as (
        insert into customer_activity (workspace_id, customer_id, action, data, actor_label)
        select ${this.workspaceId}::uuid, id, 'created',
               case when external_id is null then '{"source": "tracking", "anonymous": true}'::jsonb
                    else jsonb_build_object('source', 'tracking', 'userId', external_id) end,
               ${this.actor.label}
        from created
      )
      insert into customer_identities (workspace_id, anonymous_id, customer_id)
      select ${this.workspaceId}::uuid, a, c from unnest(${links}::text[], ${links.map((a) => this.byAnon.get(a) as string)}::uuid[]) as y(a, c)
      on conflict (workspace_id, anonymous_id) do update set customer_id = excluded.customer_id`.execute(this.tx);
    for (const id of ids) this.changed.add(id);
  }

  /** `promote` for many anonymous customers: two statements whatever their number. */
  private async promoteAll(promotions: (readonly [string, string])[]): Promise<void> {
    if (promotions.length === 0) return;
    const userOf = new Map(promotions);
    const rows = await sql<{ id: string; first_name: string | null; last_name: string | null; emails: string[]; phones: string[] }>`
      select id, first_name, last_name, emails, phones from customers where id = any(${[...userOf.keys()]}::uuid[]) order by id for update`.execute(this.tx);
    const ids = rows.rows.map((c) => c.id);
    const users = ids.map((id) => userOf.get(id) as string);
    const search = rows.rows.map((c, i) => buildSearchText({ ...c, external_id: users[i] as string }));
    await sql`
      with updated as (
        update customers c set external_id = x.u, anonymous = false, updated_at = now(), search_text = x.s
        from unnest(${ids}::uuid[], ${users}::text[], ${search}::text[]) as x(id, u, s)
        where c.id = x.id returning c.id, x.u
      )
      insert into customer_activity (workspace_id, customer_id, action, data, actor_label)
      select ${this.workspaceId}::uuid, id, 'updated',
             jsonb_build_object('changes', jsonb_build_object('externalId', jsonb_build_object('from', null, 'to', u)), 'identified', true),
             ${this.actor.label}
      from updated`.execute(this.tx);
    for (const [i, id] of ids.entries()) {
      this.anonymousCustomers.delete(id);
      this.byUser.set(users[i] as string, id);
      this.changed.add(id);
    }
  }

  /** Links new anonymousIds to known customers, in one statement. */
  private async linkAll(links: [string, string][]): Promise<void> {
    if (links.length === 0) return;
    await sql`insert into customer_identities (workspace_id, anonymous_id, customer_id)
              select ${this.workspaceId}::uuid, a, c from unnest(${links.map(([a]) => a)}::text[], ${links.map(([, c]) => c)}::uuid[]) as x(a, c)
              on conflict (workspace_id, anonymous_id) do update set customer_id = excluded.customer_id`.execute(this.tx);
    for (const [a, c] of links) {
      this.byAnon.set(a, c);
      this.changed.add(c);
    }
  }

  private async read(userIds: string[], anonIds: string[]) {
    if (userIds.length) {
      const rows = await sql<{ id: string; external_id: string }>`
        select id, external_id from customers
        where workspace_id = ${this.workspaceId} and external_id = any(${userIds}::text[]) and merged_into is null`.execute(this.tx);
      for (const r of rows.rows) this.byUser.set(r.external_id, r.id);
    }
    if (anonIds.length) {
      const rows = await sql<{ anonymous_id: string; customer_id: string; anonymous: boolean }>`
        select i.anonymous_id, c.id as customer_id, c.anonymous
        from customer_identities i join customers c on c.id = i.customer_id
        where i.workspace_id = ${this.workspaceId} and i.anonymous_id = any(${anonIds}::text[])`.execute(this.tx);
      for (const r of rows.rows) {
        this.byAnon.set(r.anonymous_id, r.customer_id);
        if (r.anonymous) this.anonymousCustomers.add(r.customer_id);
      }
    }
  }

  /** The customer a message is about, creating, promoting, linking or merging as the rules say. */
  async resolve(m: TrackedMessage): Promise<string> {
    if (m.type === 'alias' && m.previousId) return this.alias(m.previousId, m.userId ?? (m.anonymousId as string), Boolean(m.userId));
    if (m.userId) return this.known(m.userId, m.anonymousId);
    return this.anonymous(m.anonymousId as string);
  }

  /** Every id this resolver knows, as it now stands: userId → customer, anonymousId → customer. */
  knownIds(): { users: Map<string, string>; anons: Map<string, string> } {
    return { users: this.byUser, anons: this.byAnon };
  }

  /** Final customer ids after merges that happened later in the batch. */
  current(customerId: string): string {
    let id = customerId;
    for (let next = this.redirects.get(id); next; next = this.redirects.get(id)) id = next;
    return id;
  }

  private async known(userId: string, anonymousId: string | null): Promise<string> {
    let customerId = this.byUser.get(userId);
    const anonCustomer = anonymousId ? this.byAnon.get(anonymousId) : undefined;
    if (!customerId && anonCustomer && this.anonymousCustomers.has(anonCustomer)) {
      customerId = await this.promote(anonCustomer, userId);
    }
    customerId ??= await this.create(userId);
    if (anonymousId) {
      if (!anonCustomer) await this.link(anonymousId, customerId);
      else if (anonCustomer !== customerId) {
        if (this.anonymousCustomers.has(anonCustomer)) await this.merge(customerId, anonCustomer);
        else await this.link(anonymousId, customerId, true);
      }
    }
    return customerId;
  }

  private async anonymous(anonymousId: string): Promise<string> {
    const existing = this.byAnon.get(anonymousId);
    if (existing) return existing;
    const id = await this.create(null);
    this.anonymousCustomers.add(id);
    await this.link(anonymousId, id);
    return id;
  }

  private async alias(previousId: string, newId: string, newIsUser: boolean): Promise<string> {
    const target = newIsUser ? await this.known(newId, null) : await this.anonymous(newId);
    const previous = this.byUser.get(previousId) ?? this.byAnon.get(previousId);
    if (!previous) await this.link(previousId, target);
    else if (previous !== target) await this.merge(target, previous);
    return target;
  }

  private async create(externalId: string | null): Promise<string> {
    const row = await sql<{ id: string }>`
      insert into customers (workspace_id, external_id, anonymous, search_text)
      values (${this.workspaceId}, ${externalId}, ${externalId === null}, ${buildSearchText({ first_name: null, last_name: null, emails: [], phones: [], external_id: externalId })})
      returning id`.execute(this.tx);
    const id = (row.rows[0] as { id: string }).id;
    if (externalId) this.byUser.set(externalId, id);
    this.changed.add(id);
    await recordActivity(this.tx, this.actor, id, 'created', { source: 'tracking', ...(externalId ? { userId: externalId } : { anonymous: true }) });
    return id;
  }

  private async promote(customerId: string, userId: string): Promise<string> {
    const row = await sql<{ first_name: string | null; last_name: string | null; emails: string[]; phones: string[] }>`
      select first_name, last_name, emails, phones from customers where id = ${customerId} for update`.execute(this.tx);
    const c = row.rows[0] as { first_name: string | null; last_name: string | null; emails: string[]; phones: string[] };
    await sql`update customers set external_id = ${userId}, anonymous = false, updated_at = now(),
                search_text = ${buildSearchText({ ...c, external_id: userId })}
              where id = ${customerId}`.execute(this.tx);
    this.anonymousCustomers.delete(customerId);
    this.byUser.set(userId, customerId);
    this.changed.add(customerId);
    await recordActivity(this.tx, this.actor, customerId, 'updated', { changes: { externalId: { from: null, to: userId } }, identified: true });
    return customerId;
  }

  private async link(anonymousId: string, customerId: string, repoint = false): Promise<void> {
    await sql`insert into customer_identities (workspace_id, anonymous_id, customer_id)
              values (${this.workspaceId}, ${anonymousId}, ${customerId})
              on conflict (workspace_id, anonymous_id) do update set customer_id = excluded.customer_id`.execute(this.tx);
    this.byAnon.set(anonymousId, customerId);
    this.changed.add(customerId);
    if (repoint) await recordActivity(this.tx, this.actor, customerId, 'updated', { anonymousIdRepointed: anonymousId });
  }

  private async merge(primaryId: string, secondaryId: string): Promise<void> {
    await mergeCustomersIn(this.tx, this.owners, this.actor, primaryId, secondaryId);
    this.redirects.set(secondaryId, primaryId);
    this.changed.add(primaryId);
    this.anonymousCustomers.delete(secondaryId);
    for (const [anon, c] of this.byAnon) if (c === secondaryId) this.byAnon.set(anon, primaryId);
    for (const [user, c] of this.byUser) if (c === secondaryId) this.byUser.delete(user);
  }
}
