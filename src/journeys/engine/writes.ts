import { sql } from 'kysely';
import type { Db } from '../../database.ts';
import { enqueueMessages, type NewMessage } from '../../messaging/delivery/outbox.ts';
import type { JourneyTables, RunStatus } from '../tables.ts';
import type { PassCache } from './context.ts';

/** Rows per multi-row statement: ≤ 11 parameters a row, well under PostgreSQL's 65,535. */
const ROWS = 2000;

/** A journey_step_log row as written; `detail` is serialized at flush: a send's gets its message id then. */
type LogRow = Omit<JourneyTables['journey_step_log'], 'detail' | 'occurred_at'> & { detail: Record<string, unknown> };

interface Send {
  workspaceId: string;
  journeyId: string;
  runId: string;
  stepId: string;
  message: NewMessage;
  /** The step log's detail object, given `messageId` once the message is enqueued. */
  detail: Record<string, unknown>;
}

export interface RunWrite {
  id: string;
  status: RunStatus;
  current_step: string | null;
  phase: 'ready' | 'waiting';
  wake_at: Date | null;
  wait_event: string | null;
  resolved_port: string | null;
  started_wait: boolean;
  visits: Record<string, number>;
  holdout: boolean;
  updated_at: Date;
  done: boolean;
  exit_reason: string | null;
}

/**
 * The writes of one claimed chunk, gathered while its runs advance and written together at the
 * end (bench/journeys: one run at a time, a send step cost eight round trips). Only the writes
 * every run makes are gathered: the step log, the run's new position, a send's outbox message and
 * journey link. Steps that call other capabilities (tasks, profiles, segments, webhooks) still
 * write at once; nothing a run reads within its pass is among the gathered rows, except a step log
 * row whose port a wait ending in the same pass sets (looked up here first).
 */
export class ChunkWrites {
  readonly #logs = new Map<string, LogRow>();
  readonly #ports: { run_id: string; step_id: string; visit: number; port: string }[] = [];
  readonly #sends: Send[] = [];
  readonly #runs: RunWrite[] = [];

  log(row: LogRow): void {
    this.#logs.set(`${row.run_id}:${row.step_id}:${row.visit}`, row);
  }

  /** The port a waiting step left by: on its row if that is still to be written, else an update. */
  port(runId: string, stepId: string, visit: number, port: string): void {
    const pending = this.#logs.get(`${runId}:${stepId}:${visit}`);
    if (pending) pending.port = port;
    else this.#ports.push({ run_id: runId, step_id: stepId, visit, port });
  }

  send(s: Send): void {
    this.#sends.push(s);
  }

  run(w: RunWrite): void {
    this.#runs.push(w);
  }

  /** Writes everything gathered, in `tx`: messages first (the step log shows their ids). */
  async flush(tx: Db, cache: PassCache): Promise<void> {
    const byWorkspace = new Map<string, Send[]>();
    for (const s of this.#sends) {
      const list = byWorkspace.get(s.workspaceId);
      if (list) list.push(s);
      else byWorkspace.set(s.workspaceId, [s]);
    }
    const links: { message_id: string; journey_id: string; run_id: string; step_id: string }[] = [];
    for (const [workspaceId, sends] of byWorkspace) {
      const queued = await enqueueMessages(
        tx,
        workspaceId,
        sends.map((s) => s.message),
        cache.now,
      );
      sends.forEach((s, i) => {
        const q = queued[i];
        if (!q) throw new Error('enqueue returned nothing');
        s.detail.messageId = q.message.id;
        links.push({ message_id: q.message.id, journey_id: s.journeyId, run_id: s.runId, step_id: s.stepId });
        if (q.created) cache.messagesEnqueued++;
      });
    }
    for (let i = 0; i < links.length; i += ROWS) {
      await tx
        .insertInto('journey_messages')
        .values(links.slice(i, i + ROWS))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    // The step's row: its primary key (run, step, visit) can be written once, so were this
    // transaction ever replayed after a commit, it would fail here instead of acting twice.
    const logs = [...this.#logs.values()];
    for (let i = 0; i < logs.length; i += ROWS) {
      await tx
        .insertInto('journey_step_log')
        .values(logs.slice(i, i + ROWS).map((l) => ({ ...l, detail: JSON.stringify(l.detail) })))
        .execute();
    }
    if (this.#ports.length) {
      await sql`update journey_step_log l set port = x.port
                  from jsonb_to_recordset(${JSON.stringify(this.#ports)}::jsonb) as x(run_id uuid, step_id text, visit int, port text)
                 where l.run_id = x.run_id and l.step_id = x.step_id and l.visit = x.visit`.execute(tx);
    }
    if (this.#runs.length) {
      await sql`update journey_runs r
                   set status = x.status, current_step = x.current_step, phase = x.phase, wake_at = x.wake_at, wait_event = x.wait_event,
                       resolved_port = x.resolved_port, visits = x.visits, holdout = x.holdout, updated_at = x.updated_at,
                       -- Compared with events' received_at (the database's clock), so taken from it.
                       wait_since = case when x.started_wait then now() else r.wait_since end,
                       finished_at = case when x.done then x.updated_at else r.finished_at end,
                       exit_reason = case when x.done then x.exit_reason else r.exit_reason end
                  from jsonb_to_recordset(${JSON.stringify(this.#runs)}::jsonb) as x(id uuid, status text, current_step text, phase text, wake_at timestamptz,
                       wait_event text, resolved_port text, started_wait boolean, visits jsonb, holdout boolean, updated_at timestamptz, done boolean, exit_reason text)
                 where r.id = x.id`.execute(tx);
    }
  }
}
