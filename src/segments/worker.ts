import { sql } from 'kysely';
import type { Db } from '../database.ts';
import { PeriodicJob } from '../platform/jobs/periodic.ts';
import type { Logger } from '../platform/logger.ts';
import type { MembershipChange } from './membership.ts';
import type { SegmentService, TouchedCustomers } from './service.ts';

/**
 * Keeps dynamic segments fresh, in two loops that share nothing but PostgreSQL (any number of
 * processes may run them):
 *
 * - incremental, every `tickMs`: per workspace with dynamic segments, the customers touched
 *   since its watermark (events by received_at, orders by updated_at, profiles by updated_at,
 *   consents by changed_at) are re-evaluated against every dynamic segment. One transaction per
 *   workspace, guarded by a transaction-level advisory lock; the watermarks move in the same
 *   transaction, so a crash re-reads rather than skips.
 * - scheduled, every `recomputeMs`: the dynamic segments of each due workspace are recomputed
 *   fully, in one pass over the customers and the facts (rules relative to today, and analytics
 *   scores, change without any event). The facts are brought up to date there, not here, so that
 *   this pass stays a few index probes per changed customer.
 *
 * Rows are stamped with their transaction's start time, so one that commits late can carry a time
 * below a watermark already read. Each pass therefore re-reads the last `OVERLAP` before its
 * watermarks (re-evaluating is idempotent); a row later still is caught by the full recompute,
 * which re-reads into the facts every customer with rows received since its previous run (facts.ts).
 */
const OVERLAP = '1 second';
const INCREMENTAL_LOCK = 72_190_501;

export class SegmentWorker {
  readonly #job: PeriodicJob;
  #lastRecompute = 0;
  /** Per workspace, the keys of the rows the last committed pass read (see OVERLAP). */
  readonly #handled = new Map<string, Set<string>>();

  constructor(private readonly deps: { db: Db; log: Logger; service: SegmentService; tickMs: number; recomputeMs: number }) {
    this.#job = new PeriodicJob({ name: 'segments', log: deps.log, everyMs: deps.tickMs, pass: () => this.pass() });
  }

  start(): void {
    this.#job.start();
  }

  /** Runs a pass now (coalesces calls made while one runs). */
  kick(): void {
    this.#job.kick();
  }

  /** Resolves when no pass is running (tests and shutdown). */
  idle(): Promise<void> {
    return this.#job.idle();
  }

  close(): Promise<void> {
    return this.#job.close();
  }


  /** One incremental pass over every workspace, then the due full recomputes. */
  async pass(): Promise<void> {
    const workspaces = await sql<{ workspace_id: string }>`select distinct workspace_id from segments where kind = 'dynamic'`.execute(this.deps.db);
    for (const { workspace_id } of workspaces.rows) {
      if (this.#job.closed) return;
      await this.incremental(workspace_id).catch((e: unknown) => this.deps.log.error({ err: e, workspaceId: workspace_id }, 'incremental segment pass failed'));
    }
    const now = Date.now();
    if (this.deps.recomputeMs > 0 && now - this.#lastRecompute >= Math.min(this.deps.recomputeMs, 60_000)) {
      this.#lastRecompute = now;
      while (!this.#job.closed && (await this.deps.service.recomputeDue(this.deps.recomputeMs))) {
        // one workspace per transaction until none is due
      }
    }
  }

  /** Re-evaluates the customers of one workspace that changed since its watermarks. */
  async incremental(workspaceId: string): Promise<number> {
    let changes: MembershipChange[] = [];
    let handledNow: Set<string> | undefined;
    const count = await this.deps.db.transaction().execute(async (tx) => {
      const locked = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${INCREMENTAL_LOCK}::int, hashtext(${workspaceId}::text)) as ok`.execute(tx);
      if (!locked.rows[0]?.ok) return 0;
      const marks = await sql<{ events_at: Date; orders_at: Date; customers_at: Date; consents_at: Date }>`
        select events_at, orders_at, customers_at, consents_at from segment_watermarks where workspace_id = ${workspaceId}::uuid`.execute(tx);
      const mark = marks.rows[0];
      if (!mark) {
        // First pass: segments were computed in full when saved; start reading from now.
        await sql`insert into segment_watermarks (workspace_id, events_at, orders_at, customers_at, consents_at)
                  values (${workspaceId}::uuid, now(), now(), now(), now()) on conflict do nothing`.execute(tx);
        return 0;
      }
      // Each changed row (an event, an order, a profile or consent version) in the window, keyed.
      // Profiles: live ones only, which is what the partial index customers_updated holds (without
      // `merged_into is null` every tick scanned every customer: 60 % of a core at 1,000,000 with
      // nothing changing). A profile merged away needs nothing here: the merge moves its
      // memberships to the survivor, and that survivor's update is read like any other.
      const found = await sql<{ source: 'e' | 'o' | 'p' | 'k'; key: string; customer_id: string; name: string | null; at: Date }>`
        select 'e' as source, id::text as key, customer_id::text, name, received_at as at from events
         where workspace_id = ${workspaceId}::uuid and received_at > ${mark.events_at}::timestamptz - ${OVERLAP}::interval
        union all
        select 'o', id::text || updated_at::text, customer_id::text, null, updated_at from orders
         where workspace_id = ${workspaceId}::uuid and updated_at > ${mark.orders_at}::timestamptz - ${OVERLAP}::interval
        union all
        select 'p', id::text || updated_at::text, id::text, null, updated_at from customers
         where workspace_id = ${workspaceId}::uuid and merged_into is null and updated_at > ${mark.customers_at}::timestamptz - ${OVERLAP}::interval
        union all
        select 'k', customer_id::text || channel || changed_at::text, customer_id::text, null, changed_at from customer_consents
         where workspace_id = ${workspaceId}::uuid and changed_at > ${mark.consents_at}::timestamptz - ${OVERLAP}::interval`.execute(tx);
      if (found.rows.length === 0) return 0;
      // Rows this process handled in an earlier pass are in the window again only because of the overlap.
      const handled = this.#handled.get(workspaceId);
      const changed: TouchedCustomers = { profiles: new Set(), orders: new Set(), consents: new Set(), events: new Map() };
      const customers = new Set<string>();
      for (const row of found.rows) {
        if (handled?.has(row.key)) continue;
        customers.add(row.customer_id);
        if (row.source === 'p') changed.profiles.add(row.customer_id);
        else if (row.source === 'o') changed.orders.add(row.customer_id);
        else if (row.source === 'k') changed.consents.add(row.customer_id);
        else {
          const name = row.name ?? '';
          const ofName = changed.events.get(name) ?? new Set<string>();
          ofName.add(row.customer_id);
          changed.events.set(name, ofName);
        }
      }
      const latest = (source: string, previous: Date) =>
        new Date(found.rows.reduce((max, r) => (r.source === source ? Math.max(max, r.at.getTime()) : max), previous.getTime()));
      changes = await this.deps.service.refreshCustomersIn(tx, workspaceId, changed);
      await sql`update segment_watermarks set events_at = ${latest('e', mark.events_at)}, orders_at = ${latest('o', mark.orders_at)},
                  customers_at = ${latest('p', mark.customers_at)}, consents_at = ${latest('k', mark.consents_at)}
                where workspace_id = ${workspaceId}::uuid`.execute(tx);
      handledNow = new Set(found.rows.map((r) => r.key));
      return customers.size;
    });
    // Remembered only once committed: a rolled-back pass handled nothing.
    if (handledNow) this.#handled.set(workspaceId, handledNow);
    await this.deps.service.listeners.notify(changes);
    return count;
  }
}
