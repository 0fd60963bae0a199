import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { createTask } from '../../customers/tasks.ts';
import { updateCustomer } from '../../customers/service.ts';
import type { ChannelKind } from '../../messaging/channels/channel.ts';
import { enqueueMessages } from '../../messaging/delivery/outbox.ts';
import { timeZoneSchema } from '../../messaging/delivery/settings.ts';
import { addMembers, removeMembers } from '../../segments/membership.ts';
import { compileRules, liveCustomers } from '../../segments/rules/compile.ts';
import { durationMs, type StepKind, type StepOf } from '../model/schema.ts';
import type { StepEnv } from './context.ts';
import { withRunCode } from './codes.ts';
import { matchesFilters } from './filters.ts';

/**
 * What a step decided: go on through a port, park the run until a time (and, for a
 * wait-for-event, until that event), or leave the journey.
 */
export type StepOutcome =
  | { port: string; detail?: Record<string, unknown> }
  | { wait: { until: Date; event?: string | undefined }; detail?: Record<string, unknown> }
  | { exit: string; holdout?: boolean; detail?: Record<string, unknown> };

export interface StepHandler<K extends StepKind> {
  run(step: StepOf<K>, env: StepEnv): Promise<StepOutcome>;
  /** For waits: the port a run takes when the wait ends by time. */
  wakePort?: string;
}

/** The step registry: one handler per kind, checked exhaustive by the compiler. */
export type StepRegistry = { [K in StepKind]: StepHandler<K> };

/** The customer's time zone when it is a valid IANA name, else the workspace's messaging one. */
async function timezoneOf(env: StepEnv): Promise<string> {
  const own = env.customer.timezone;
  if (own && timeZoneSchema.safeParse(own).success) return own;
  return env.cache.timezone(env.journey.workspaceId);
}

/** The next HH:MM on the wall clock of `tz` strictly after `now` (DST-correct: PostgreSQL converts). */
export async function nextTimeOfDay(env: Pick<StepEnv, 'tx'>, now: Date, tz: string, time: string): Promise<Date> {
  const r = await sql<{ at: Date }>`
    select case when today > ${now}::timestamptz then today else tomorrow end as at
      from (select ((d + ${time}::time) at time zone ${tz}::text) as today, ((d + 1 + ${time}::time) at time zone ${tz}::text) as tomorrow
              from (select (${now}::timestamptz at time zone ${tz}::text)::date as d) x) y`.execute(env.tx);
  return (r.rows[0] as { at: Date }).at;
}

/** Deterministic u in [0, 1) per run and step: a split sends a run the same way however often it is computed. */
export function splitDraw(runId: string, stepId: string): number {
  return createHash('md5').update(`${runId}:${stepId}`).digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * Steps that call another capability's service (tasks, profile, segments) run in a savepoint: a
 * refusal there (the assignee left the team, an attribute definition was deleted) is recorded on
 * the step and the run goes on, with nothing half-written.
 */
async function guarded(env: StepEnv, work: () => Promise<Record<string, unknown>>): Promise<StepOutcome> {
  await sql`savepoint journey_step`.execute(env.tx);
  try {
    const detail = await work();
    await sql`release savepoint journey_step`.execute(env.tx);
    return { port: 'next', detail };
  } catch (e) {
    if ((e as { name?: string }).name !== 'AppError') throw e;
    await sql`rollback to savepoint journey_step`.execute(env.tx);
    return { port: 'next', detail: { error: (e as Error).message } };
  }
}

export const stepHandlers: StepRegistry = {
  wait: {
    wakePort: 'next',
    run: async (step, env) => ({ wait: { until: new Date(env.now.getTime() + durationMs(step.duration)) } }),
  },
  wait_until_time: {
    wakePort: 'next',
    run: async (step, env) => {
      const tz = await timezoneOf(env);
      return { wait: { until: await nextTimeOfDay(env, env.now, tz, step.time) }, detail: { timezone: tz } };
    },
  },
  wait_until_date: {
    wakePort: 'next',
    run: async (step, env) => {
      const raw = env.customer.attributes[step.attribute];
      const date = typeof raw === 'string' && /^\d{4}-\d{2}-\d{2}/.test(raw) && !Number.isNaN(Date.parse(raw.slice(0, 10))) ? raw.slice(0, 10) : undefined;
      const missed = (why: string): StepOutcome => ({ port: 'missed', detail: { missed: why } });
      if (!date) return missed('not-set');
      const tz = await timezoneOf(env);
      const r = await sql<{ at: Date }>`select ((${date}::date + ${step.offsetDays}::int + ${step.time}::time) at time zone ${tz}::text) as at`.execute(env.tx);
      const at = (r.rows[0] as { at: Date }).at;
      if (at.getTime() <= env.now.getTime()) return missed('past');
      return { wait: { until: at }, detail: { date, timezone: tz } };
    },
  },
  wait_for_event: {
    wakePort: 'timeout',
    run: async (step, env) => {
      // The event may have come between the trigger and this pass (an order a second after the
      // cart): as the run's first wait, it looks back to the entry before waiting.
      if (env.firstWait) {
        const found = await env.tx
          .selectFrom('events')
          .select(['id', 'properties'])
          .where('customer_id', '=', env.run.customer_id)
          .where('workspace_id', '=', env.journey.workspaceId)
          .where('type', '=', 'track')
          .where('name', '=', step.event)
          .where('received_at', '>=', env.run.entered_at)
          .where('occurred_at', '>=', new Date(env.run.entered_at.getTime() - 86_400_000))
          .orderBy('received_at')
          .execute();
        const hit = found.find((e) => matchesFilters(e.properties, step.properties));
        if (hit) return { port: 'event', detail: { eventId: hit.id } };
      }
      return { wait: { until: new Date(env.now.getTime() + durationMs(step.timeout)), event: step.event } };
    },
  },
  condition: {
    run: async (step, env) => {
      const { workspaceId } = env.journey;
      const customerId = env.run.customer_id;
      let yes: boolean;
      if (step.check.type === 'context') {
        yes = matchesFilters(env.run.context, step.check.properties);
      } else if (step.check.type === 'segment') {
        const row = await env.tx.selectFrom('segment_members').select('customer_id').where('segment_id', '=', step.check.segmentId).where('customer_id', '=', customerId).executeTakeFirst();
        yes = (row !== undefined) === step.check.member;
      } else {
        const ctx = await env.cache.ruleContext(workspaceId);
        const predicate = compileRules(step.check.rules, { ...ctx, customerIds: [customerId] });
        const r = await sql<{ yes: boolean }>`
          select exists (select 1 from customers c where ${liveCustomers(workspaceId)} and c.id = ${customerId}::uuid and ${predicate}) as yes`.execute(env.tx);
        yes = r.rows[0]?.yes === true;
      }
      return { port: yes ? 'yes' : 'no' };
    },
  },
  split: {
    run: async (step, env) => {
      const u = splitDraw(env.run.id, env.stepId) * 100;
      if (u < step.holdoutPercent) return { exit: 'holdout', holdout: true, detail: { draw: u } };
      let edge = step.holdoutPercent;
      for (const branch of step.branches) {
        edge += branch.percent;
        if (u < edge) return { port: branch.key, detail: { draw: u } };
      }
      // Percentages are checked to add up to 100 at activation; rounding leaves the last branch.
      return { port: (step.branches.at(-1) as { key: string }).key, detail: { draw: u } };
    },
  },
  send: {
    run: async (step, env) => {
      const { workspaceId } = env.journey;
      const category = step.category ?? (await env.cache.templateCategory(workspaceId, step.templateId)) ?? 'marketing';
      const message = {
        customerId: env.run.customer_id,
        idempotencyKey: env.key,
        category,
        priority: step.priority,
        channels: step.channels === 'auto' ? [] : (step.channels as ChannelKind[]),
        templateId: step.templateId,
        // A value `{{ run.code }}` becomes the run's own code (./codes.ts), e.g. a gift code as {{ vars.code }}.
        variables: { ...withRunCode(step.variables, env.run.id), trigger: env.run.context },
      };
      if (env.writes) {
        // Enqueued with the chunk's other messages; the id lands in this detail before the step log is written.
        const detail: Record<string, unknown> = {};
        env.writes.send({ workspaceId, journeyId: env.journey.id, runId: env.run.id, stepId: env.stepId, message, detail });
        return { port: 'next', detail };
      }
      const [queued] = await enqueueMessages(env.tx, workspaceId, [message], env.now);
      if (!queued) throw new Error('enqueue returned nothing');
      await env.tx
        .insertInto('journey_messages')
        .values({ message_id: queued.message.id, journey_id: env.journey.id, run_id: env.run.id, step_id: env.stepId })
        .onConflict((oc) => oc.doNothing())
        .execute();
      if (queued.created) env.cache.messagesEnqueued++;
      return { port: 'next', detail: { messageId: queued.message.id } };
    },
  },
  task: {
    run: async (step, env) =>
      guarded(env, async () => {
        const dueAt = step.dueInDays === undefined ? null : new Date(env.now.getTime() + step.dueInDays * 86_400_000).toISOString();
        const task = await createTask(env.tx, env.actor, {
          title: step.title,
          description: step.description ?? null,
          customerId: env.run.customer_id,
          assigneeId: step.assigneeId ?? null,
          dueAt,
          priority: step.priority,
          source: 'journey',
        });
        return { taskId: task.id };
      }),
  },
  update_attributes: {
    run: async (step, env) =>
      guarded(env, async () => {
        await updateCustomer(env.tx, env.actor, env.run.customer_id, { attributes: withRunCode(step.attributes, env.run.id) }, { defaultCountry: env.cache.defaultCountry });
        return { attributes: Object.keys(step.attributes) };
      }),
  },
  tag: {
    run: async (step, env) =>
      guarded(env, async () => {
        const current = await env.tx.selectFrom('customers').select('tags').where('id', '=', env.run.customer_id).forUpdate().executeTakeFirstOrThrow();
        const removed = new Set(step.remove);
        const tags = [...new Set([...current.tags.filter((t) => !removed.has(t)), ...step.add])];
        await updateCustomer(env.tx, env.actor, env.run.customer_id, { tags }, { defaultCountry: env.cache.defaultCountry });
        return { add: step.add, remove: step.remove };
      }),
  },
  segment: {
    run: async (step, env) => {
      const { workspaceId } = env.journey;
      const segment = await env.tx.selectFrom('segments').select('kind').where('workspace_id', '=', workspaceId).where('id', '=', step.segmentId).executeTakeFirst();
      if (segment?.kind !== 'manual') return { port: 'next', detail: { error: segment ? 'the segment is no longer manual' : 'the segment was deleted' } };
      const p = { workspaceId, segmentId: step.segmentId, customerIds: [env.run.customer_id], cause: 'manual' as const };
      const changed = step.action === 'add' ? await addMembers(env.tx, p) : await removeMembers(env.tx, p);
      if (changed.length) env.cache.segmentChanges.push({ workspaceId, segmentId: step.segmentId, customerIds: changed, action: step.action === 'add' ? 'entered' : 'exited' });
      return { port: 'next', detail: { changed: changed.length > 0 } };
    },
  },
  webhook: {
    run: async (step, env) => {
      const c = env.customer;
      const body = {
        journeyId: env.journey.id,
        journeyName: env.journey.name,
        runId: env.run.id,
        stepId: env.stepId,
        idempotencyKey: env.key,
        customer: { id: c.id, externalId: c.external_id, email: c.emails[0] ?? null, phone: c.phones[0] ?? null },
        context: env.run.context,
        data: step.data,
      };
      await env.tx
        .insertInto('journey_webhooks')
        .values({
          workspace_id: env.journey.workspaceId,
          journey_id: env.journey.id,
          run_id: env.run.id,
          step_id: env.stepId,
          idempotency_key: env.key,
          url: step.url,
          method: step.method,
          headers: JSON.stringify(step.headers),
          body: JSON.stringify(body),
          next_at: env.now,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
      return { port: 'next' };
    },
  },
  exit: {
    run: async () => ({ exit: 'completed' }),
  },
};

/** Runs a step through its handler (the registry is indexed by kind; the cast is the union's). */
export function runStep(step: StepOf<StepKind>, env: StepEnv): Promise<StepOutcome> {
  const handler = stepHandlers[step.kind] as StepHandler<StepKind>;
  return handler.run(step, env);
}

export function wakePortOf(kind: StepKind): string {
  return (stepHandlers[kind] as StepHandler<StepKind>).wakePort ?? 'next';
}
