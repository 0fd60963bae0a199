import { sql } from 'kysely';
import type { Db } from '../database.ts';
import type { Logger } from '../platform/logger.ts';
import { factSetsNeeded, prepareFacts } from './facts.ts';
import { applyRules, type MembershipChange, SegmentListeners } from './membership.ts';
import { applyRulesToAll, type SegmentDiff, type StepTimer } from './recompute-all.ts';
import type { Predicate } from './rules/compare.ts';
import { compileRules, inputsOf, liveCustomers, loadRuleContext, type RuleContext } from './rules/compile.ts';
import type { RuleGroup } from './rules/schema.ts';
import { SharedJoins } from './rules/shared-joins.ts';

/** Keeps one full recompute per workspace at a time, across processes. */
const RECOMPUTE_LOCK = 72_190_502;

/** What a full recompute of a workspace did, with how long each step took (ms). */
export interface WorkspaceRecompute {
  diffs: SegmentDiff[];
  /** Customers whose facts were re-read from the raw rows; fact sets filled. */
  facts: { refreshed: number; filled: number };
  steps: Record<string, number>;
}

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
   * Recomputes every dynamic segment of the workspace in one pass (recomputeWorkspaceIn) and
   * notifies the listeners after commit. `now` stands for the clock, `probesUpTo` for the facts'
   * choice between index probes and a hashed pass (tests).
   */
  async recomputeWorkspace(workspaceId: string, opts: { now?: Date; probesUpTo?: number } = {}): Promise<WorkspaceRecompute> {
    let changes: MembershipChange[] = [];
    const done = await this.deps.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${RECOMPUTE_LOCK}::int, hashtext(${workspaceId}::text))`.execute(tx);
      const r = await this.recomputeWorkspaceIn(tx, workspaceId, opts.now, opts.probesUpTo);
      changes = r.changes;
      return r;
    });
    await this.listeners.notify(changes);
    return { diffs: done.diffs, facts: done.facts, steps: done.steps };
  }

  /**
   * The full recompute of a workspace inside `tx` (which holds the workspace's recompute lock):
   * locks its dynamic segments (in id order, as the incremental pass does), brings the facts
   * they read up to date (facts.ts: late rows, merges, refunds since the last recompute; new
   * conditions filled), then evaluates every segment in one scan of the customers
   * (applyRulesToAll). Segments whose rules no longer compile (a custom attribute was deleted)
   * keep their members and are stamped, to be retried later.
   */
  async recomputeWorkspaceIn(tx: Db, workspaceId: string, now?: Date, probesUpTo?: number): Promise<WorkspaceRecompute & { changes: MembershipChange[] }> {
    const steps: Record<string, number> = {};
    const step: StepTimer = async (name, work) => {
      const t0 = performance.now();
      try {
        return await work();
      } finally {
        steps[name] = Math.round((steps[name] ?? 0) + performance.now() - t0);
      }
    };
    const segments = await step('lock', () =>
      sql<{ id: string; rules: RuleGroup }>`
        select id, rules from segments where workspace_id = ${workspaceId}::uuid and kind = 'dynamic' order by id for update`.execute(tx),
    );
    const base = await loadRuleContext(tx, workspaceId, this.deps.defaultCountry, now);
    const valid: { id: string; rules: RuleGroup }[] = [];
    for (const segment of segments.rows) {
      try {
        compileRules(segment.rules, base);
        valid.push(segment);
      } catch (e) {
        this.deps.log.warn({ err: e, segmentId: segment.id }, 'segment rules could not be evaluated');
        await sql`update segments set computed_at = now() where id = ${segment.id}::uuid`.execute(tx);
      }
    }
    // Hash joins over every customer of the workspace need room; local to this transaction.
    await sql`set local work_mem = '128MB'`.execute(tx);
    // Row estimates of rule predicates are guesses; JIT compiling for them cost more than it saved (measured).
    await sql`set local jit = off`.execute(tx);
    const facts = await step('facts', () => prepareFacts(tx, workspaceId, factSetsNeeded(valid.map((s) => s.rules)), probesUpTo));
    const ctx = { ...base, facts: facts.slots, joins: new SharedJoins() };
    const compiled: { id: string; predicate: Predicate }[] = valid.map((s) => ({ id: s.id, predicate: compileRules(s.rules, ctx) }));
    const done = await applyRulesToAll(tx, { workspaceId, segments: compiled, joins: ctx.joins, withIds: this.listeners.size > 0, steps: step });
    return { ...done, facts: { refreshed: facts.refreshed, filled: facts.filled }, steps };
  }

  /**
   * Claims a workspace with a dynamic segment whose last full computation is older than
   * `olderThanMs` (or never done) and recomputes all its dynamic segments in one pass. Several
   * processes may call this at once: a workspace another transaction is recomputing is skipped.
   * Returns false when no workspace is due.
   */
  async recomputeDue(olderThanMs: number): Promise<boolean> {
    const due = sql`kind = 'dynamic' and (computed_at is null or computed_at < now() - make_interval(secs => ${olderThanMs / 1000}::float8))`;
    const candidates = await sql<{ workspace_id: string }>`
      select workspace_id::text from segments where ${due} group by workspace_id order by min(computed_at) nulls first limit 20`.execute(this.deps.db);
    for (const { workspace_id } of candidates.rows) {
      let changes: MembershipChange[] = [];
      const done = await this.deps.db.transaction().execute(async (tx) => {
        const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${RECOMPUTE_LOCK}::int, hashtext(${workspace_id}::text)) as ok`.execute(tx);
        if (!locked.rows[0]?.ok) return false;
        // Another process may have finished this workspace since the candidates were read.
        const still = await sql`select 1 from segments where workspace_id = ${workspace_id}::uuid and ${due} limit 1`.execute(tx);
        if (still.rows.length === 0) return false;
        const r = await this.recomputeWorkspaceIn(tx, workspace_id);
        changes = r.changes;
        this.deps.log.info({ workspaceId: workspace_id, steps: r.steps, facts: r.facts }, 'segments recomputed');
        return true;
      });
      await this.listeners.notify(changes);
      if (done) return true;
    }
    return false;
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
