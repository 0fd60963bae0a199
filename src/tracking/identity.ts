import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { recordActivity } from '../customers/activity.ts';
import type { CustomerDataOwners } from '../customers/hooks.ts';
import { mergeCustomersIn } from '../customers/merge.ts';
import { buildSearchText } from '../customers/profile.ts';
import type { Actor } from '../platform/http/actor.ts';
import type { TrackedMessage } from './messages.ts';

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
  private readonly actor: Actor;

  constructor(
    private readonly tx: Db,
    private readonly workspaceId: string,
    private readonly owners: CustomerDataOwners,
  ) {
    this.actor = { workspaceId, role: 'owner', type: 'system', id: null, label: 'identity resolution' };
  }

  /** Reads every id of the batch at once; locks ids that may be created or linked. */
  async load(messages: TrackedMessage[]): Promise<void> {
    const userIds = new Set<string>();
    const anonIds = new Set<string>();
    const linking = new Set<string>();
    for (const m of messages) {
      if (m.userId) userIds.add(m.userId);
      if (m.anonymousId) anonIds.add(m.anonymousId);
      if (m.previousId) {
        userIds.add(m.previousId);
        anonIds.add(m.previousId);
      }
      if ((m.userId && m.anonymousId) || m.type === 'alias') {
        for (const id of [m.userId, m.anonymousId, m.previousId]) if (id) linking.add(id);
      }
    }
    await this.read([...userIds], [...anonIds]);
    const unknown = [...userIds].filter((u) => !this.byUser.has(u)).concat([...anonIds].filter((a) => !this.byAnon.has(a)));
    const toLock = [...new Set([...unknown, ...linking])];
    if (toLock.length === 0) return;
    // Serialise creation/linking of the same ids across concurrent batches (sorted: no deadlocks).
    await sql`select pg_advisory_xact_lock(h) from (
                select distinct hashtextextended(${this.workspaceId}::text || ':' || id, 0) as h
                from unnest(${toLock}::text[]) as id order by 1) locks`.execute(this.tx);
    await this.read([...userIds], [...anonIds]);
  }

  private async read(userIds: string[], anonIds: string[]) {
    if (userIds.length) {
      const rows = await sql<{ id: string; external_id: string; anonymous: boolean }>`
        select id, external_id, anonymous from customers
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
    await recordActivity(this.tx, this.actor, customerId, 'updated', { changes: { externalId: { from: null, to: userId } }, identified: true });
    return customerId;
  }

  private async link(anonymousId: string, customerId: string, repoint = false): Promise<void> {
    await sql`insert into customer_identities (workspace_id, anonymous_id, customer_id)
              values (${this.workspaceId}, ${anonymousId}, ${customerId})
              on conflict (workspace_id, anonymous_id) do update set customer_id = excluded.customer_id`.execute(this.tx);
    this.byAnon.set(anonymousId, customerId);
    if (repoint) await recordActivity(this.tx, this.actor, customerId, 'updated', { anonymousIdRepointed: anonymousId });
  }

  private async merge(primaryId: string, secondaryId: string): Promise<void> {
    await mergeCustomersIn(this.tx, this.owners, this.actor, primaryId, secondaryId);
    this.redirects.set(secondaryId, primaryId);
    this.anonymousCustomers.delete(secondaryId);
    for (const [anon, c] of this.byAnon) if (c === secondaryId) this.byAnon.set(anon, primaryId);
    for (const [user, c] of this.byUser) if (c === secondaryId) this.byUser.delete(user);
  }
}
