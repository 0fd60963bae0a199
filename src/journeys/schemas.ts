import { z } from 'zod';
import { cursorSchema, limitSchema } from '../platform/http/pagination.ts';
import { definitionFields, journeyStatuses } from './model/schema.ts';

/** Request and response shapes of /api/v1/journeys (validation, types and OpenAPI at once). */

const name = z.string().trim().min(1, 'must not be empty').max(200);
const description = z.string().trim().max(2000).nullable();

export const createJourneySchema = z.strictObject({ name, description: description.optional(), ...definitionFields }).meta({ id: 'CreateJourney' });
export type CreateJourney = z.infer<typeof createJourneySchema>;

/** Any subset; a draft is changed in place, an active or paused journey gets a new version. */
export const updateJourneySchema = z
  .strictObject({
    name: name.optional(),
    description: description.optional(),
    trigger: definitionFields.trigger.optional(),
    start: definitionFields.start.optional(),
    steps: definitionFields.steps.optional(),
    goal: definitionFields.goal.unwrap().unwrap().nullable().optional(),
    reentry: definitionFields.reentry.unwrap().optional(),
    holdoutPercent: definitionFields.holdoutPercent.unwrap().optional(),
    layout: definitionFields.layout.unwrap().optional(),
  })
  .meta({ id: 'UpdateJourney' });
export type UpdateJourney = z.infer<typeof updateJourneySchema>;

const iso = z.string().nullable();
export const journeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: z.enum(journeyStatuses),
    version: z.number().int().describe('Latest activated version; 0 for a draft'),
    ...definitionFields,
    createdBy: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    activatedAt: iso,
    pausedAt: iso,
    archivedAt: iso,
  })
  .meta({ id: 'Journey' });
export type JourneyView = z.infer<typeof journeySchema>;

export const runStatuses = ['active', 'paused', 'completed', 'exited'] as const;
export const journeyDetailSchema = journeySchema
  .extend({
    runs: z.object({
      active: z.number().int(),
      paused: z.number().int(),
      completed: z.number().int(),
      exited: z.number().int(),
      holdout: z.number().int(),
      goalReached: z.number().int(),
    }),
  })
  .meta({ id: 'JourneyDetail' });

export const listJourneysQuerySchema = z.object({ status: z.enum(journeyStatuses).optional(), limit: limitSchema, cursor: cursorSchema });

export const versionSchema = z
  .object({ version: z.number().int(), createdBy: z.string(), createdAt: z.string(), ...definitionFields })
  .meta({ id: 'JourneyVersion' });

export const runSchema = z
  .object({
    id: z.string(),
    journeyId: z.string(),
    journeyName: z.string().optional(),
    version: z.number().int(),
    customerId: z.string(),
    status: z.enum(runStatuses),
    currentStep: z.string().nullable(),
    phase: z.enum(['ready', 'waiting']),
    wakeAt: iso.describe('When the engine next moves it (the end of its wait)'),
    waitingFor: z.string().nullable().describe('The event a wait-for-event step waits for'),
    holdout: z.boolean(),
    context: z.record(z.string(), z.unknown()),
    enteredAt: z.string(),
    finishedAt: iso,
    exitReason: z.string().nullable(),
    goalAt: iso,
    goalRevenue: z.number().nullable().describe('Minor units of goalCurrency (Order Completed goals)'),
    goalCurrency: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'JourneyRun' });
export type RunView = z.infer<typeof runSchema>;

export const listRunsQuerySchema = z.object({ status: z.enum(runStatuses).optional(), limit: limitSchema, cursor: cursorSchema });

export const startRunSchema = z
  .strictObject({
    customerId: z.uuid({ error: 'must be a customer id' }),
    idempotencyKey: z.string().min(1).max(255).describe('The same key starts the journey once for the customer; a repeat answers the same run'),
    context: z.record(z.string(), z.unknown()).default({}).describe('Kept with the run: conditions read it, templates see it as {{ vars.trigger }}'),
  })
  .meta({ id: 'StartJourneyRun' });

export const startRunResultSchema = z
  .object({
    entered: z.boolean(),
    reason: z.string().nullable().describe('Why the customer did not enter: already-in-journey, reentry-once, reentry-too-soon, journey-limit, customer-gone'),
    run: runSchema.nullable(),
  })
  .meta({ id: 'StartJourneyRunResult' });

export const journeySettingsSchema = z
  .strictObject({ maxActivePerCustomer: z.number().int().min(1).max(100).describe('Journeys one customer may be in at once (holdouts do not count)') })
  .meta({ id: 'JourneySettings' });
