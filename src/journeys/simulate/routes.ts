import { z } from 'zod';
import type { Db } from '../../database.ts';
import { assertCustomer } from '../../messaging/delivery/outbox.ts';
import { actorOf, apiSecurity as security, guard } from '../../platform/http/guard.ts';
import { errorResponses, uuidParam } from '../../platform/http/schemas.ts';
import type { App } from '../../platform/http/server.ts';
import type { Customer } from '../engine/context.ts';
import type { TriggerRegistry } from '../engine/triggers.ts';
import { definitionSchema } from '../model/schema.ts';
import { graphProblems, workspaceProblems } from '../model/validate.ts';
import { getJourney } from '../store.ts';
import { simulateJourney } from './simulate.ts';

const problemSchema = z.object({ field: z.string().describe('e.g. steps.3.next.yes'), message: z.string() }).meta({ id: 'JourneyProblem' });

export const simulateBodySchema = z
  .strictObject({
    customerId: z.uuid({ error: 'must be a customer id' }),
    definition: definitionSchema.optional().describe('Simulate this (unsaved) definition instead of the stored one'),
    at: z.iso.datetime({ offset: true, error: 'must be an ISO date-time' }).optional().describe('Simulated entry time (default: now)'),
    context: z.record(z.string(), z.unknown()).default({}).describe("The run's context, as a trigger would set it"),
    assume: z
      .strictObject({
        events: z.enum(['timeout', 'occur']).default('timeout').describe('How each wait for an event ends'),
        goal: z.boolean().default(false).describe('The goal event occurs during the first wait'),
      })
      .default({ events: 'timeout', goal: false }),
  })
  .meta({ id: 'SimulateJourney' });

const blockedBy = z.enum(['consent', 'topic_opt_out', 'no_address', 'suppressed', 'frequency_cap', 'no_channel', 'quiet_hours', 'template', 'customer_gone']);
export const simulationSchema = z
  .object({
    customerId: z.string(),
    startedAt: z.string(),
    path: z.array(z.object({ stepId: z.string(), kind: z.string(), name: z.string().nullable(), at: z.string(), port: z.string().nullable(), detail: z.record(z.string(), z.unknown()) })),
    messages: z.array(
      z.object({
        stepId: z.string(),
        at: z.string(),
        sendAt: z.string().nullable().describe('When the pipeline would send it (after quiet hours); null when it would not'),
        channel: z.string().nullable(),
        category: z.enum(['marketing', 'transactional']),
        templateName: z.string().nullable(),
        language: z.string().nullable(),
        subject: z.string().optional(),
        text: z.string().describe('Rendered for this customer'),
        blockedBy: blockedBy.optional(),
        passedOver: z.record(z.string(), blockedBy),
      }),
    ),
    endsAt: z.string(),
    outcome: z.enum(['completed', 'exited', 'held-out', 'step-limit']).describe('step-limit: the walk stopped after 100 steps (a loop through a wait)'),
    exitReason: z.string().nullable(),
    goalReached: z.boolean(),
    problems: z.array(problemSchema).describe('What activation would refuse'),
  })
  .meta({ id: 'JourneySimulation' });

const checkBodySchema = z.strictObject({ definition: definitionSchema.optional().describe('Check this (unsaved) definition instead of the stored one') }).meta({ id: 'CheckJourney' });

export interface SimulationRouteDeps {
  db: Db;
  triggers: TriggerRegistry;
  defaultCountry: string;
}

/** The console's canvas: what activation would refuse, and where one customer would go. Both only read. */
export function simulationRoutes(app: App, deps: SimulationRouteDeps): void {
  const { db } = deps;
  const tags = ['journeys'];
  const read = guard('journeys:read');
  const params = uuidParam('id');

  app.post(
    '/api/v1/journeys/:id/check',
    {
      schema: {
        tags,
        security,
        summary: 'What activation would refuse',
        description: "Activation's checks (graph and workspace) of the stored or the given definition, every problem with its field (steps.3.next.yes).",
        params,
        body: checkBodySchema,
        response: { 200: z.object({ problems: z.array(problemSchema) }), ...errorResponses },
      },
      onRequest: read,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const j = await getJourney(db, workspaceId, request.params.id as string);
      const def = request.body.definition ?? j.definition;
      return { problems: [...graphProblems(def), ...(await workspaceProblems(db, workspaceId, def, deps))] };
    },
  );

  app.post(
    '/api/v1/journeys/:id/simulate',
    {
      schema: {
        tags,
        security,
        summary: 'Simulate the journey for one customer',
        description:
          'Walks the stored (or given) definition with simulated time: the engine’s waits in the customer’s time zone, conditions against the real customer, splits by the engine’s hash, messages rendered for them with consent, quiet hours and caps applied. Writes nothing (a read-only transaction).',
        params,
        body: simulateBodySchema,
        response: { 200: simulationSchema, ...errorResponses },
      },
      onRequest: read,
    },
    async (request) => {
      const { workspaceId } = actorOf(request);
      const body = request.body;
      return db
        .transaction()
        .setAccessMode('read only')
        .execute(async (tx) => {
          const j = await getJourney(tx, workspaceId, request.params.id as string);
          await assertCustomer(tx, workspaceId, body.customerId);
          const customer = (await tx.selectFrom('customers').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', body.customerId).executeTakeFirstOrThrow()) as Customer;
          return simulateJourney(tx, {
            journey: { id: j.id, name: j.name, workspaceId },
            definition: body.definition ?? j.definition,
            customer,
            at: body.at ? new Date(body.at) : new Date(),
            assume: body.assume,
            context: body.context,
            defaultCountry: deps.defaultCountry,
            triggers: deps.triggers,
          });
        });
    },
  );
}
