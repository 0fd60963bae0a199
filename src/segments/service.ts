import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Logger } from '../platform/logger.ts';
import { applyRules, type MembershipChange, SegmentListeners } from './membership.ts';
import { compileRules, inputsOf, liveCustomers, loadRuleContext, type RuleContext } from './rules/compile.ts';
import type { RuleGroup } from './rules/schema.ts';

/** Customers changed since the last incremental pass, by what changed. */
export interface TouchedCustomers {
  profiles: Set<string>;
  orders: Set<string>;
  consents: Set<string>;
  /** Event name → customers who did it. */
  events: Map<string, Set<string>>;
}

/** A customer as previews and member lists show them. */
export interface MemberRow {
  customerId: string;
  displayName: string;
  email: string | null;
  phone: string | null;
  enteredAt: string | null;
}

/** How a member list names a customer: their name, else an email, a phone, an external id. */
export const memberColumns = sql`c.id::text as customer_id,
  coalesce(nullif(trim(concat_ws(' ', c.first_name, c.last_name)), ''), c.emails[1], c.phones[1], c.external_id, 'Visitor') as display_name,
  c.emails[1] as email, c.phones[1] as phone`;

/**
 * What other capabilities use of segments: who is in one (in batches, by keyset), is this
 * customer in it, how many; and `listeners` to hear about entries and exits after commit.
 * Also the engine the routes and the worker share: recompute one segment, re-evaluate some
 * customers against every dynamic segment of a workspace, preview unsaved rules.
 */
export class SegmentService {
  readonly listeners: SegmentListeners;

  constructor(private readonly deps: { db: Db; log: Logger; defaultCountry: string }) {
    this.listeners = new SegmentListeners(deps.log);
  }

  /** Members in batches of `batchSize` customer ids, by id (stable under concurrent changes). */
  async *iterateMembers(workspaceId: string, segmentId: string, batchSize = 1000): AsyncGenerator<string[]> {
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.deps.db
        .selectFrom('segment_members')
        .select('customer_id')
        .where('segment_id', '=', segmentId)
        .where('workspace_id', '=', workspaceId)
        .where('customer_id', '>', after)
        .orderBy('customer_id')
        .limit(batchSize)
        .execute();
      if (rows.length === 0) return;
      yield rows.map((r) => r.customer_id);
      after = (rows.at(-1) as { customer_id: string }).customer_id;
      if (rows.length < batchSize) return;
    }
  }

  async isMember(workspaceId: string, segmentId: string, customerId: string): Promise<boolean> {
    const row = await this.deps.db
      .selectFrom('segment_members')
      .select('customer_id')
      .where('segment_id', '=', segmentId)
      .where('workspace_id', '=', workspaceId)
      .where('customer_id', '=', customerId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** The member count kept with the segment; null for a segment not in this workspace. */
  async count(workspaceId: string, segmentId: string): Promise<number | null> {
    const row = await this.deps.db.selectFrom('segments').select('member_count').where('id', '=', segmentId).where('workspace_id', '=', workspaceId).executeTakeFirst();
    return row ? row.member_count : null;
  }

  ruleContext(db: Db, workspaceId: string): Promise<RuleContext> {
    return loadRuleContext(db, workspaceId, this.deps.defaultCountry);
  }

  /**
   * Recomputes one dynamic segment fully inside `tx` (which must hold its row lock). Returns the
   * changes for the caller to pass to `listeners.notify` after commit.
   */
  async recomputeIn(tx: Db, workspaceId: string, segmentId: string, rules: RuleGroup, ctx?: RuleContext): Promise<MembershipChange[]> {
    const context = ctx ?? (await this.ruleContext(tx, workspaceId));
    // Hash joins over every customer and event of the workspace need room; local to this transaction.
    await sql`set local work_mem = '128MB'`.execute(tx);
    const diff = await applyRules(tx, { workspaceId, segmentId, predicate: compileRules(rules, context), withIds: this.listeners.size > 0 });
    return diff.changes;
  }

  /**
   * Claims and recomputes one dynamic segment whose last full computation is older than
   * `olderThanMs` (or that was never computed). Several processes may call this at once:
   * the claim skips segments another transaction holds. Returns false when none is due.
   */
  async recomputeDue(olderThanMs: number): Promise<boolean> {
    let changes: MembershipChange[] = [];
    const found = await this.deps.db.transaction().execute(async (tx) => {
      const due = await sql<{ id: string; workspace_id: string; rules: RuleGroup }>`
        select id, workspace_id, rules from segments
        where kind = 'dynamic' and (computed_at is null or computed_at < now() - make_interval(secs => ${olderThanMs / 1000}::float8))
        order by computed_at nulls first limit 1
        for update skip locked`.execute(tx);
      const segment = due.rows[0];
      if (!segment) return false;
      try {
        changes = await this.recomputeIn(tx, segment.workspace_id, segment.id, segment.rules);
      } catch (e) {
        // Rules that no longer compile (a custom attribute was deleted): keep the members, retry later.
        this.deps.log.warn({ err: e, segmentId: segment.id }, 'segment rules could not be evaluated');
        await sql`update segments set computed_at = now() where id = ${segment.id}::uuid`.execute(tx);
      }
      return true;
    });
    await this.listeners.notify(changes);
    return found;
  }

  /**
   * Re-evaluates changed customers against the dynamic segments of the workspace inside `tx`: a
   * profile change (which may also be a merge or an erasure) against every segment, an event only
   * against segments that count its name, an order or a consent only against segments with
   * order or consent conditions. Rules relative to today and analytics scores are the scheduled
   * recompute's. Locks the workspace's dynamic segments (in id order, so two callers cannot
   * deadlock) for the duration; a full recompute of one of them finishes first.
   */
  async refreshCustomersIn(tx: Db, workspaceId: string, touched: TouchedCustomers): Promise<MembershipChange[]> {
    if (touched.profiles.size + touched.orders.size + touched.consents.size + touched.events.size === 0) return [];
    const segments = await sql<{ id: string; rules: RuleGroup }>`
      select id, rules from segments where workspace_id = ${workspaceId}::uuid and kind = 'dynamic' order by id for update`.execute(tx);
    if (segments.rows.length === 0) return [];
    const base = await this.ruleContext(tx, workspaceId);
    const changes: MembershipChange[] = [];
    for (const segment of segments.rows) {
      const inputs = inputsOf(segment.rules);
      const ids = new Set(touched.profiles);
      if (inputs.orders) for (const id of touched.orders) ids.add(id);
      if (inputs.consents) for (const id of touched.consents) ids.add(id);
      for (const name of inputs.events) for (const id of touched.events.get(name) ?? []) ids.add(id);
      if (ids.size === 0) continue;
      const customerIds = [...ids];
      let predicate: ReturnType<typeof compileRules>;
      try {
        predicate = compileRules(segment.rules, { ...base, customerIds });
      } catch (e) {
        this.deps.log.warn({ err: e, segmentId: segment.id }, 'segment rules could not be evaluated');
        continue;
      }
      const diff = await applyRules(tx, { workspaceId, segmentId: segment.id, predicate, customerIds, withIds: true });
      changes.push(...diff.changes);
    }
    return changes;
  }

  /** Count and a sample of the customers `rules` match now, without saving anything. */
  async preview(workspaceId: string, rules: RuleGroup, sampleSize = 20): Promise<{ count: number; sample: MemberRow[] }> {
    return this.deps.db.transaction().execute(async (tx) => {
      const ctx = await this.ruleContext(tx, workspaceId);
      const predicate = compileRules(rules, ctx);
      await sql`set local work_mem = '128MB'`.execute(tx);
      const count = await sql<{ n: number }>`select count(*)::int as n from customers c where ${liveCustomers(workspaceId)} and ${predicate}`.execute(tx);
      const sample = await sql<{ customer_id: string; display_name: string; email: string | null; phone: string | null }>`
        select ${memberColumns} from customers c where ${liveCustomers(workspaceId)} and ${predicate}
        order by c.created_at desc, c.id desc limit ${sampleSize}`.execute(tx);
      return {
        count: count.rows[0]?.n ?? 0,
        sample: sample.rows.map((r) => ({ customerId: r.customer_id, displayName: r.display_name, email: r.email, phone: r.phone, enteredAt: null })),
      };
    });
  }
}
