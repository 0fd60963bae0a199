import type { Db } from '../../database.ts';
import { createLogger } from '../../platform/logger.ts';
import { loadMessagingSettings } from '../../messaging/delivery/settings.ts';
import { TemplateRenderer } from '../../messaging/templates/render.ts';
import { PassCache, type Customer, journeyActor, type Run } from '../engine/context.ts';
import { inHoldout } from '../engine/enter.ts';
import { runStep, wakePortOf } from '../engine/steps.ts';
import type { TriggerRegistry } from '../engine/triggers.ts';
import { durationMs, type JourneyDefinition, type Step, waitKinds } from '../model/schema.ts';
import { type GraphProblem, graphProblems, workspaceProblems } from '../model/validate.ts';
import { type SendScene, type SimulatedMessage, simulateSend, usedSlots } from './message.ts';

/**
 * Steps a simulation walks before it stops: a graph may loop through a wait for ever (a reminder
 * every week until an order), and a simulation must answer.
 */
export const MAX_SIMULATED_STEPS = 100;

export interface SimulationAssumptions {
  /** How a wait for an event ends: the event occurs at once, or the wait times out. */
  events: 'timeout' | 'occur';
  /** The goal event occurs during the run's first wait (with `exitOnGoal`, the run leaves there). */
  goal: boolean;
}

export interface SimulatedStep {
  stepId: string;
  kind: Step['kind'];
  name: string | null;
  /** When the run reaches the step (simulated time). */
  at: string;
  /** The port it leaves by; `exit:<reason>` when the run ends there; null on a missing step. */
  port: string | null;
  detail: Record<string, unknown>;
}

export type SimulationOutcome = 'completed' | 'exited' | 'held-out' | 'step-limit';

export interface Simulation {
  customerId: string;
  startedAt: string;
  path: SimulatedStep[];
  messages: SimulatedMessage[];
  endsAt: string;
  /** completed: an exit step or a port without a target; exited: left early (`exitReason`); step-limit: stopped after MAX_SIMULATED_STEPS (a loop). */
  outcome: SimulationOutcome;
  exitReason: string | null;
  goalReached: boolean;
  /** Activation's checks of the simulated definition; the walk follows what exists anyway. */
  problems: GraphProblem[];
}

export interface SimulationInput {
  journey: { id: string; name: string; workspaceId: string };
  definition: JourneyDefinition;
  customer: Customer;
  at: Date;
  assume: SimulationAssumptions;
  /** The run's context (what a trigger would put there): conditions and templates read it. */
  context: Record<string, unknown>;
  defaultCountry: string;
  triggers: TriggerRegistry;
}

/**
 * Walks the definition for one customer with simulated time, through the engine's own step
 * handlers for waits (the customer's time zone), conditions (the segment rule compiler against the
 * real customer) and splits (the engine's hash, drawn for a run id that is the customer's, since
 * the real run's id does not exist yet), and through the delivery pipeline's checks and the real
 * renderer for sends. `tx` should be a read-only transaction: nothing here writes, and
 * PostgreSQL then guarantees it.
 */
export async function simulateJourney(tx: Db, input: SimulationInput): Promise<Simulation> {
  const { journey, definition: def, customer, assume } = input;
  const problems = [...graphProblems(def), ...(await workspaceProblems(tx, journey.workspaceId, def, { triggers: input.triggers, defaultCountry: input.defaultCountry }))];
  const steps = new Map(def.steps.map((s) => [s.id, s]));
  const path: SimulatedStep[] = [];
  const messages: SimulatedMessage[] = [];
  let now = input.at;
  const result = (outcome: SimulationOutcome, exitReason: string | null, goalReached = false): Simulation => ({
    customerId: customer.id,
    startedAt: input.at.toISOString(),
    path,
    messages,
    endsAt: now.toISOString(),
    outcome,
    exitReason,
    goalReached,
    problems,
  });
  if (inHoldout(journey.id, customer.id, def.holdoutPercent)) return result('held-out', 'holdout', assume.goal);

  const settings = await loadMessagingSettings(tx, journey.workspaceId);
  const enabled = await tx.selectFrom('channel_configs').select('kind').where('workspace_id', '=', journey.workspaceId).where('enabled', '=', true).execute();
  const scene: SendScene = {
    tx,
    workspaceId: journey.workspaceId,
    customerId: customer.id,
    settings,
    enabled: new Set(enabled.map((c) => c.kind)),
    renderer: new TemplateRenderer(tx),
    used: await usedSlots(tx, customer.id, settings, input.at),
  };
  const visits: Record<string, number> = {};
  const run = {
    id: customer.id,
    workspace_id: journey.workspaceId,
    journey_id: journey.id,
    customer_id: customer.id,
    context: input.context,
    entered_at: input.at,
    holdout: false,
  } as unknown as Run;
  const goal = assume.goal && def.goal ? def.goal : null;
  let goalReached = false;

  let current: string | undefined = def.start;
  for (let n = 0; n < MAX_SIMULATED_STEPS; n++) {
    const step: Step | undefined = current === undefined ? undefined : steps.get(current);
    if (!step) {
      path.push({ stepId: current ?? '', kind: 'exit', name: null, at: now.toISOString(), port: null, detail: { missing: true } });
      return result('exited', 'step-missing', goalReached);
    }
    visits[step.id] = (visits[step.id] ?? 0) + 1;
    const entry: SimulatedStep = { stepId: step.id, kind: step.kind, name: step.name ?? null, at: now.toISOString(), port: null, detail: {} };
    path.push(entry);
    // The goal event arrives while the run waits (the first wait it reaches).
    if (goal && !goalReached && waitKinds.has(step.kind)) {
      goalReached = true;
      if (goal.exitOnGoal) {
        entry.port = 'exit:goal';
        entry.detail = { goal: goal.event };
        return result('exited', 'goal', true);
      }
    }

    let port: string;
    if (step.kind === 'send') {
      const message = await simulateSend(scene, step, now, input.context);
      messages.push(message);
      port = 'next';
      entry.detail = { channel: message.channel, ...(message.blockedBy ? { blockedBy: message.blockedBy } : {}) };
    } else if (step.kind === 'wait_for_event') {
      // The engine's handler would look for real events received since the entry; in simulated
      // time those have not happened, so the caller says which way the wait resolves.
      if (assume.events === 'occur') port = 'event';
      else {
        port = 'timeout';
        now = new Date(now.getTime() + durationMs(step.timeout));
      }
      entry.detail = { event: step.event };
    } else if (step.kind === 'task' || step.kind === 'update_attributes' || step.kind === 'tag' || step.kind === 'segment' || step.kind === 'webhook') {
      // Side effects are not simulated beyond saying what they would do.
      port = 'next';
      entry.detail = sideEffectOf(step);
    } else {
      const outcome = await runStep(step, {
        tx,
        now,
        run: { ...run, visits },
        customer,
        journey,
        stepId: step.id,
        visit: visits[step.id] as number,
        key: `simulation:${customer.id}:${step.id}:${visits[step.id]}`,
        cache: new PassCache(tx, now, input.defaultCountry),
        log: silent,
        actor: journeyActor(journey.workspaceId, journey.name),
        firstWait: false,
      });
      entry.detail = outcome.detail ?? {};
      if ('exit' in outcome) {
        entry.port = `exit:${outcome.exit}`;
        return outcome.exit === 'completed' ? result('completed', null, goalReached) : result(outcome.holdout ? 'held-out' : 'exited', outcome.exit, goalReached);
      }
      if ('wait' in outcome) {
        now = outcome.wait.until;
        port = wakePortOf(step.kind);
        entry.detail = { ...entry.detail, until: now.toISOString() };
      } else port = outcome.port;
    }
    entry.port = port;
    const target: string | undefined = ('next' in step ? (step.next as Record<string, string | undefined>) : {})[port];
    if (target === undefined) {
      if (step.kind === 'wait_until_date' && port === 'missed') return result('exited', 'date-missed', goalReached);
      return result('completed', null, goalReached);
    }
    current = target;
  }
  return result('step-limit', null, goalReached);
}

function sideEffectOf(step: Extract<Step, { kind: 'task' | 'update_attributes' | 'tag' | 'segment' | 'webhook' }>): Record<string, unknown> {
  switch (step.kind) {
    case 'task':
      return { title: step.title, assigneeId: step.assigneeId ?? null };
    case 'update_attributes':
      return { attributes: step.attributes };
    case 'tag':
      return { add: step.add, remove: step.remove };
    case 'segment':
      return { segmentId: step.segmentId, action: step.action };
    case 'webhook':
      return { url: step.url, method: step.method };
  }
}

/** The handlers reused here log nothing on their success paths; a simulation has no log of its own. */
const silent = createLogger('silent');
