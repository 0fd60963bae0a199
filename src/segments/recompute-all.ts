import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../database.ts';
import type { MembershipChange } from './membership.ts';
import type { Predicate } from './rules/compare.ts';
import { liveCustomers } from './rules/compile.ts';
import type { SharedJoins } from './rules/shared-joins.ts';

/** Runs one named step of a recompute, recording how long it took. */
export type StepTimer = <T>(name: string, work: () => Promise<T>) => Promise<T>;

/** Per segment, what one pass changed. */
export interface SegmentDiff {
  segmentId: string;
  total: number;
  entered: number;
  exited: number;
}

/** Per segment: how many customers, and two xors of 64-bit hashes of their ids (seeds 1 and 2). */
interface Fingerprint {
  n: string;
  h1: string;
  h2: string;
}

const sameSet = (a: Fingerprint | undefined, b: Fingerprint | undefined) => (a?.n ?? '0') === (b?.n ?? '0') && (a?.h1 ?? '0') === (b?.h1 ?? '0') && (a?.h2 ?? '0') === (b?.h2 ?? '0');

/**
 * Makes the members of several dynamic segments of one workspace equal to the customers their
 * predicates match — the same rows and the same history as one applyRules per segment:
 *
 * 1. read-only, so that PostgreSQL may give it parallel workers (a statement that writes never
 *    gets any): one scan of the workspace's customers, with each shared sub-table joined once
 *    (`joins`), evaluates every predicate; per segment it yields the count of matching customers
 *    and two xors of 64-bit hashes of their ids, compared with the same of segment_members.
 *    Equal fingerprints mean equal sets (a false match needs the two independent 64-bit xors of
 *    the differing customers to be zero at once); most recomputes change nothing, as rules
 *    relative to today move by whole days;
 * 2. for the segments whose fingerprints differ only, the pairs on one side only — who enters,
 *    who leaves — from a full join against the members (read-only again), then inserted /
 *    deleted with their history rows;
 * 3. member counts set (the matching count, or counted after a diff), computed_at stamped.
 *
 * The caller holds the segments' row locks and owns the transaction; listeners get the changes
 * after commit.
 */
export async function applyRulesToAll(
  tx: Db,
  p: { workspaceId: string; segments: readonly { id: string; predicate: Predicate }[]; joins: SharedJoins; withIds: boolean; steps?: StepTimer },
): Promise<{ diffs: SegmentDiff[]; changes: MembershipChange[] }> {
  const { workspaceId } = p;
  const step: StepTimer = p.steps ?? ((_name, work) => work());
  if (p.segments.length === 0) return { diffs: [], changes: [] };
  // Per customer, the segments (of `segments`) whose rules they match.
  const should = (segments: readonly { id: string; predicate: Predicate }[]) => {
    const matched = sql.join(segments.map((s) => sql`case when ${s.predicate} then ${s.id}::uuid end`));
    // unnest in the select list (a ProjectSet), not a lateral function scan: no tuple store per customer.
    return sql`select c.id as customer_id, unnest(array_remove(array[${matched}], null)) as segment_id
      from customers c ${p.joins.clauses()} where ${liveCustomers(workspaceId)}`;
  };
  // xor rather than sum: integer operations, not numeric additions, for millions of rows.
  const fingerprint = sql`count(*)::text as n, bit_xor(uuid_hash_extended(customer_id, 1))::text as h1, bit_xor(uuid_hash_extended(customer_id, 2))::text as h2`;
  const segmentIds = p.segments.map((s) => s.id);
  const wanted = await step('evaluate', () =>
    sql<Fingerprint & { segment_id: string }>`select segment_id::text, ${fingerprint} from (${should(p.segments)}) s group by segment_id`.execute(tx),
  );
  const current = await step('members', () =>
    sql<Fingerprint & { segment_id: string }>`
      select segment_id::text, ${fingerprint} from segment_members where segment_id = any(${segmentIds}::uuid[]) group by segment_id`.execute(tx),
  );
  const want = new Map(wanted.rows.map((r) => [r.segment_id, r]));
  const have = new Map(current.rows.map((r) => [r.segment_id, r]));
  const changed = p.segments.filter((s) => !sameSet(want.get(s.id), have.get(s.id)));

  const moved = changed.length ? await step('diff', () => applyDiff(tx, workspaceId, should(changed), changed.map((s) => s.id), p.withIds)) : [];
  const movedOf = new Map(moved.map((m) => [m.segment_id, m]));
  // Unchanged: the members are the matching set just counted. Changed: counted again after the
  // diff, which read the rows anew (a profile may have changed in between).
  const total = new Map(segmentIds.map((id) => [id, Number(want.get(id)?.n ?? 0)]));
  if (changed.length) {
    const recounted = await sql<{ segment_id: string; n: number }>`
      select g.id::text as segment_id, (select count(*)::int from segment_members m where m.segment_id = g.id) as n
      from unnest(${changed.map((s) => s.id)}::uuid[]) as g(id)`.execute(tx);
    for (const r of recounted.rows) total.set(r.segment_id, r.n);
  }
  await sql`
    update segments s set member_count = v.total, computed_at = now()
    from unnest(${segmentIds}::uuid[], ${segmentIds.map((id) => total.get(id) ?? 0)}::int[]) as v(id, total)
    where s.id = v.id`.execute(tx);
  const changes: MembershipChange[] = [];
  for (const r of moved) {
    if (r.entered_ids?.length) changes.push({ workspaceId, segmentId: r.segment_id, customerIds: r.entered_ids, action: 'entered' });
    if (r.exited_ids?.length) changes.push({ workspaceId, segmentId: r.segment_id, customerIds: r.exited_ids, action: 'exited' });
  }
  const diffs = segmentIds.map((id) => ({ segmentId: id, total: total.get(id) ?? 0, entered: movedOf.get(id)?.entered ?? 0, exited: movedOf.get(id)?.exited ?? 0 }));
  return { diffs, changes };
}

/** Steps 2 of applyRulesToAll for `segmentIds`, whose members should be the pairs of `should`. */
async function applyDiff(tx: Db, workspaceId: string, should: RawBuilder<unknown>, segmentIds: string[], withIds: boolean) {
  await sql`drop table if exists pg_temp.segment_diff`.execute(tx);
  await sql`
    create temporary table segment_diff on commit drop as
    with members as (
      select segment_id, customer_id from segment_members where segment_id = any(${segmentIds}::uuid[])
    )
    select coalesce(s.segment_id, m.segment_id) as segment_id, coalesce(s.customer_id, m.customer_id) as customer_id, s.customer_id is not null as entering
    from (${should}) s full join members m on m.segment_id = s.segment_id and m.customer_id = s.customer_id
    where s.customer_id is null or m.customer_id is null`.execute(tx);
  // The customers themselves only when someone listens.
  const ids = withIds ? sql`array_agg(customer_id::text) as ids` : sql`null::text[] as ids`;
  const result = await sql<{ segment_id: string; entered: number; exited: number; entered_ids: string[] | null; exited_ids: string[] | null }>`
    with entered as (
      insert into segment_members (segment_id, customer_id, workspace_id)
      select segment_id, customer_id, ${workspaceId}::uuid from pg_temp.segment_diff where entering
      on conflict do nothing
      returning segment_id, customer_id
    ), exited as (
      delete from segment_members m using pg_temp.segment_diff d
      where not d.entering and m.segment_id = d.segment_id and m.customer_id = d.customer_id
      returning m.segment_id, m.customer_id
    ), history as (
      insert into segment_history (workspace_id, segment_id, customer_id, action, cause)
      select ${workspaceId}::uuid, segment_id, customer_id, 'entered', 'rules' from entered
      union all
      select ${workspaceId}::uuid, segment_id, customer_id, 'exited', 'rules' from exited
    ), ins as (
      select segment_id, count(*)::int as n, ${ids} from entered group by segment_id
    ), outs as (
      select segment_id, count(*)::int as n, ${ids} from exited group by segment_id
    )
    select g.id::text as segment_id, coalesce(i.n, 0) as entered, coalesce(o.n, 0) as exited, i.ids as entered_ids, o.ids as exited_ids
    from unnest(${segmentIds}::uuid[]) as g(id) left join ins i on i.segment_id = g.id left join outs o on o.segment_id = g.id`.execute(tx);
  await sql`drop table pg_temp.segment_diff`.execute(tx);
  return result.rows;
}
