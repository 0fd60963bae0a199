import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../database.ts';

/**
 * The three reads behind a journey's analytics, each one pass over the journey's rows (grouped in
 * PostgreSQL, a few dozen rows back): runs by where and how they stand, step-log rows by step and
 * port, and the split steps' branches joined to their runs' goals. Measured at 100,000 runs × 5
 * steps in docs/benchmarks.md ("Journeys").
 */

export interface RunFilter {
  journeyId: string;
  version?: number | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

/** The run filter as a predicate on `r` (journey_runs). */
function runsWhere(f: RunFilter): RawBuilder<boolean> {
  const parts: RawBuilder<boolean>[] = [sql<boolean>`r.journey_id = ${f.journeyId}::uuid`];
  if (f.version !== undefined) parts.push(sql<boolean>`r.version = ${f.version}::int`);
  if (f.from) parts.push(sql<boolean>`r.entered_at >= ${f.from}::timestamptz`);
  if (f.to) parts.push(sql<boolean>`r.entered_at < ${f.to}::timestamptz`);
  return sql.join(parts, sql` and `) as RawBuilder<boolean>;
}

const narrowed = (f: RunFilter) => f.version !== undefined || f.from !== undefined || f.to !== undefined;

/**
 * A row: the runs standing the same way — status, the step they are at (or ended at), exit
 * reason, whether they are the journey's control group (held out at entry: no step), whether they
 * have been logged at that step (a run that failed there, or is about to run it, has not), and the
 * goal currency — with their count, goals and goal revenue.
 */
export interface RunGroup {
  status: 'active' | 'paused' | 'completed' | 'exited';
  current_step: string | null;
  exit_reason: string | null;
  control: boolean;
  logged_here: boolean;
  goal_currency: string | null;
  runs: number;
  goals: number;
  revenue: string | null;
}

export async function runGroups(db: Db, f: RunFilter): Promise<RunGroup[]> {
  const r = await sql<RunGroup>`
    select r.status, r.current_step, r.exit_reason, (r.holdout and r.current_step is null) as control,
           (r.visits -> r.current_step) is not null as logged_here, r.goal_currency,
           count(*)::int as runs, count(*) filter (where r.goal_at is not null)::int as goals,
           sum(r.goal_revenue) filter (where r.goal_at is not null)::text as revenue
      from journey_runs r
     where ${runsWhere(f)}
     group by 1, 2, 3, 4, 5, 6`.execute(db);
  return r.rows;
}

/** A row: one step and port (null: waiting in it) with the visits that left that way and how many were first visits. */
export interface StepPortRow {
  step_id: string;
  kind: string;
  port: string | null;
  visits: number;
  first_visits: number;
}

export async function stepPorts(db: Db, f: RunFilter): Promise<StepPortRow[]> {
  const onlyRuns = narrowed(f) ? sql`and l.run_id in (select r.id from journey_runs r where ${runsWhere(f)})` : sql``;
  const r = await sql<StepPortRow>`
    select l.step_id, min(l.kind) as kind, l.port, count(*)::int as visits, count(*) filter (where l.visit = 1)::int as first_visits
      from journey_step_log l
     where l.journey_id = ${f.journeyId}::uuid ${onlyRuns}
     group by l.step_id, l.port`.execute(db);
  return r.rows;
}

/** A row: a split step's branch (its port, or exit:holdout) with the runs that took it first and how many of them reached the goal. */
export interface SplitRow {
  step_id: string;
  port: string | null;
  entered: number;
  goal: number;
}

export async function splitBranches(db: Db, f: RunFilter, stepIds: readonly string[]): Promise<SplitRow[]> {
  if (stepIds.length === 0) return [];
  const r = await sql<SplitRow>`
    select l.step_id, l.port, count(*)::int as entered, count(*) filter (where r.goal_at is not null)::int as goal
      from journey_step_log l join journey_runs r on r.id = l.run_id
     where l.journey_id = ${f.journeyId}::uuid and l.step_id = any(${[...stepIds]}::text[]) and l.visit = 1 and ${runsWhere(f)}
     group by l.step_id, l.port`.execute(db);
  return r.rows;
}

/** The workspace's display currency (revenue's currency when no goal recorded any). */
export async function displayCurrency(db: Db, workspaceId: string): Promise<string> {
  const r = await sql<{ currency: string | null }>`select settings->>'displayCurrency' as currency from workspaces where id = ${workspaceId}::uuid`.execute(db);
  return r.rows[0]?.currency ?? 'USD';
}
