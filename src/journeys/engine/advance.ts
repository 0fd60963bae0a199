import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import type { Logger } from '../../platform/logger.ts';
import { type JourneyDefinition, type Step, waitKinds } from '../model/schema.ts';
import type { RunStatus } from '../tables.ts';
import { type Customer, journeyActor, type PassCache, type Run } from './context.ts';
import { runStep, type StepOutcome, wakePortOf } from './steps.ts';
import { ChunkWrites } from './writes.ts';

/** Steps one run may take in one transaction before it yields (activation forbids cycles without a wait). */
const MAX_STEPS_PER_PASS = 100;
/** Failures (bugs, a lost service) before a run is given up; the delay doubles from a minute. */
const MAX_ERRORS = 5;

/** A version's graph, immutable once activated, so kept in memory per process. */
export interface LoadedVersion {
  definition: JourneyDefinition;
  steps: Map<string, Step>;
}

export class VersionCache {
  readonly #versions = new Map<string, Promise<LoadedVersion | undefined>>();

  get(db: Db, journeyId: string, version: number): Promise<LoadedVersion | undefined> {
    const key = `${journeyId}:${version}`;
    let known = this.#versions.get(key);
    if (!known) {
      known = db
        .selectFrom('journey_versions')
        .select('definition')
        .where('journey_id', '=', journeyId)
        .where('version', '=', version)
        .executeTakeFirst()
        .then((row) => (row ? { definition: row.definition, steps: new Map(row.definition.steps.map((s) => [s.id, s])) } : undefined));
      known.catch(() => this.#versions.delete(key));
      this.#versions.set(key, known);
    }
    return known;
  }
}

/**
 * One transaction: claims up to `chunk` due runs (`FOR UPDATE SKIP LOCKED`: other engines take
 * others) and advances each until it waits, exits or completes. Every side effect of a step is a
 * row written in this transaction (an outbox message, a task, a profile change, a webhook outbox
 * row) together with the step log row (unique per run × step × visit) and the run's new position:
 * a crash before commit leaves the run where it was and nothing of its steps written; after
 * commit, everything. No step therefore runs twice, and none is lost. The chunk's common writes
 * are gathered and written with a few multi-row statements (./writes.ts); if any run fails, the
 * chunk is redone run by run with a savepoint each, so one failing run (a bug, bad data) is rolled
 * back alone and retried later with backoff.
 */
export async function advanceDue(db: Db, cache: PassCache, versions: VersionCache, log: Logger, chunk: number): Promise<number> {
  const now = cache.now;
  return db.transaction().execute(async (tx) => {
    const claimed = await sql<Run>`
      select * from journey_runs where status = 'active' and wake_at <= ${now} order by wake_at limit ${chunk} for update skip locked`.execute(tx);
    const runs = claimed.rows;
    if (runs.length === 0) return 0;
    const journeyIds = [...new Set(runs.map((r) => r.journey_id))];
    const journeys = new Map((await tx.selectFrom('journeys').select(['id', 'name', 'workspace_id', 'status']).where('id', 'in', journeyIds).execute()).map((j) => [j.id, j]));
    const customers = new Map(
      ((await tx.selectFrom('customers').selectAll().where('id', 'in', [...new Set(runs.map((r) => r.customer_id))]).execute()) as Customer[]).map((c) => [c.id, c]),
    );
    const advance = async (run: Run, writes?: ChunkWrites) => {
      const journey = journeys.get(run.journey_id);
      if (!journey) return;
      if (journey.status !== 'active') {
        // A pause moves runs to `paused` under their row locks; one seen here raced it.
        await tx.updateTable('journey_runs').set({ status: journey.status === 'paused' ? 'paused' : 'exited', updated_at: now }).where('id', '=', run.id).execute();
        return;
      }
      const version = await versions.get(tx, run.journey_id, run.version);
      if (!version) throw new Error(`journey ${run.journey_id} has no version ${run.version}`);
      await advanceRun(tx, run, { id: journey.id, name: journey.name, workspaceId: journey.workspace_id }, customers.get(run.customer_id), version, cache, log, writes);
    };
    const effects = { messages: cache.messagesEnqueued, changes: cache.segmentChanges.length };
    // Optimistically the whole chunk with its writes gathered (./writes.ts); should any run fail,
    // the chunk is rolled back and done again run by run, each in its own savepoint, so that the
    // failing run is rolled back alone and retried later with backoff.
    await sql`savepoint journey_chunk`.execute(tx);
    try {
      const writes = new ChunkWrites();
      for (const run of runs) await advance(run, writes);
      await writes.flush(tx, cache);
      await sql`release savepoint journey_chunk`.execute(tx);
      return runs.length;
    } catch (e) {
      await sql`rollback to savepoint journey_chunk`.execute(tx);
      log.warn({ err: e, runs: runs.length }, 'journey chunk failed as a whole; advancing its runs one by one');
      cache.messagesEnqueued = effects.messages;
      cache.segmentChanges.length = effects.changes;
    }
    for (const run of runs) {
      const effects = { messages: cache.messagesEnqueued, changes: cache.segmentChanges.length };
      await sql`savepoint journey_run`.execute(tx);
      try {
        await advance(run);
        await sql`release savepoint journey_run`.execute(tx);
      } catch (e) {
        await sql`rollback to savepoint journey_run`.execute(tx);
        cache.messagesEnqueued = effects.messages;
        cache.segmentChanges.length = effects.changes;
        log.error({ err: e, runId: run.id, journeyId: run.journey_id }, 'journey run failed');
        const errors = run.errors + 1;
        const giveUp = errors >= MAX_ERRORS;
        await tx
          .updateTable('journey_runs')
          .set({
            errors,
            last_error: String((e as Error).message ?? e).slice(0, 1000),
            updated_at: now,
            ...(giveUp
              ? { status: 'exited', exit_reason: 'error', finished_at: now, wake_at: null }
              : { wake_at: new Date(now.getTime() + Math.min(60, 2 ** (errors - 1)) * 60_000) }),
          })
          .where('id', '=', run.id)
          .execute();
      }
    }
    return runs.length;
  });
}

interface Position {
  status: RunStatus;
  current: string | null;
  phase: 'ready' | 'waiting';
  wakeAt: Date | null;
  waitEvent: string | null;
  resolved: string | null;
  startedWait: boolean;
  exitReason: string | null;
  holdout: boolean;
}

/** Moves one claimed run forward inside `tx` until it parks, leaves or has taken its share of steps. */
export async function advanceRun(
  tx: Db,
  run: Run,
  journey: { id: string; name: string; workspaceId: string },
  customer: Customer | undefined,
  version: LoadedVersion,
  cache: PassCache,
  log: Logger,
  /** Given: the run's writes are gathered there for the chunk (advanceDue); else written at once. */
  writes?: ChunkWrites,
): Promise<void> {
  const now = cache.now;
  const visits = { ...run.visits };
  const pos: Position = {
    status: run.status,
    current: run.current_step,
    phase: run.phase,
    wakeAt: run.wake_at,
    waitEvent: run.wait_event,
    resolved: run.resolved_port,
    startedWait: false,
    exitReason: null,
    holdout: run.holdout,
  };
  const finish = (status: RunStatus, reason: string) => {
    pos.status = status;
    pos.exitReason = reason;
    pos.wakeAt = null;
    pos.waitEvent = null;
    pos.resolved = null;
  };
  const move = (step: Step, port: string) => {
    const target = ('next' in step ? (step.next as Record<string, string | undefined>) : {})[port];
    pos.phase = 'ready';
    pos.waitEvent = null;
    pos.resolved = null;
    if (target) {
      pos.current = target;
      pos.wakeAt = now;
    } else if (step.kind === 'wait_until_date' && port === 'missed') finish('exited', 'date-missed');
    else finish('completed', 'completed');
  };

  if (!customer || customer.merged_into || customer.erased_at) finish('exited', 'customer-gone');
  const actor = journeyActor(journey.workspaceId, journey.name);
  for (let n = 0; n < MAX_STEPS_PER_PASS && pos.status === 'active'; n++) {
    const step = pos.current ? version.steps.get(pos.current) : undefined;
    if (!step) {
      finish('exited', 'step-missing');
      break;
    }
    if (pos.phase === 'waiting') {
      if (!pos.resolved && pos.wakeAt && pos.wakeAt.getTime() > now.getTime()) break;
      const port = pos.resolved ?? wakePortOf(step.kind);
      if (writes) writes.port(run.id, step.id, visits[step.id] ?? 1, port);
      else
        await tx
        .updateTable('journey_step_log')
        .set({ port })
        .where('run_id', '=', run.id)
        .where('step_id', '=', step.id)
        .where('visit', '=', visits[step.id] ?? 1)
        .execute();
      move(step, port);
      continue;
    }
    const visit = (visits[step.id] ?? 0) + 1;
    visits[step.id] = visit;
    const key = `journey:${run.id}:${step.id}:${visit}`;
    const firstWait = !Object.keys(visits).some((id) => id !== step.id && waitKinds.has(version.steps.get(id)?.kind as Step['kind']));
    const outcome: StepOutcome = await runStep(step, {
      tx,
      now,
      run: { ...run, visits },
      customer: customer as Customer,
      journey,
      stepId: step.id,
      visit,
      key,
      cache,
      log,
      actor,
      firstWait,
      writes,
    });
    const port = 'port' in outcome ? outcome.port : null;
    const logRow = {
      run_id: run.id,
      step_id: step.id,
      visit,
      workspace_id: journey.workspaceId,
      journey_id: journey.id,
      customer_id: run.customer_id,
      version: run.version,
      kind: step.kind,
      port: 'exit' in outcome ? `exit:${outcome.exit}` : port,
      detail: outcome.detail ?? {},
    };
    // The step's row: its primary key (run, step, visit) can be written once, so were this
    // transaction ever replayed after a commit, it would fail here instead of acting twice.
    if (writes) writes.log(logRow);
    else await tx.insertInto('journey_step_log').values({ ...logRow, detail: JSON.stringify(logRow.detail) }).execute();
    if ('wait' in outcome) {
      pos.phase = 'waiting';
      pos.wakeAt = outcome.wait.until;
      pos.waitEvent = outcome.wait.event ?? null;
      pos.resolved = null;
      pos.startedWait = true;
      continue;
    }
    if ('exit' in outcome) {
      if (outcome.holdout) pos.holdout = true;
      // An exit step ends the journey as planned; anything else leaves it early.
      finish(outcome.exit === 'completed' ? 'completed' : 'exited', outcome.exit);
      break;
    }
    move(step, outcome.port);
  }
  const done = pos.status !== 'active';
  if (writes) {
    writes.run({
      id: run.id,
      status: pos.status,
      current_step: pos.current,
      phase: pos.phase,
      wake_at: done ? null : (pos.wakeAt ?? now),
      wait_event: pos.waitEvent,
      resolved_port: pos.resolved,
      started_wait: pos.startedWait,
      visits,
      holdout: pos.holdout,
      updated_at: now,
      done,
      exit_reason: pos.exitReason,
    });
    return;
  }
  await tx
    .updateTable('journey_runs')
    .set({
      status: pos.status,
      current_step: pos.current,
      phase: pos.phase,
      wake_at: done ? null : (pos.wakeAt ?? now),
      wait_event: pos.waitEvent,
      resolved_port: pos.resolved,
      // Compared with events' received_at (the database's clock), so taken from it.
      ...(pos.startedWait ? { wait_since: sql<Date>`now()` } : {}),
      visits: JSON.stringify(visits),
      holdout: pos.holdout,
      updated_at: now,
      ...(done ? { finished_at: now, exit_reason: pos.exitReason } : {}),
    })
    .where('id', '=', run.id)
    .execute();
}
