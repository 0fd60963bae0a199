import { z } from 'zod';
import { channelKinds } from '../../messaging/channels/channel.ts';
import { propertyFilterSchema, ruleGroupSchema } from '../../segments/rules/schema.ts';

/**
 * A journey's definition: an entry trigger and a graph of steps joined by outgoing ports, with a
 * goal, a re-entry rule and a holdout. Validated here for its shape (drafts may be incomplete);
 * activation checks the graph and the workspace (./validate.ts), naming the offending step.
 *
 * @example
 * { trigger: { kind: 'event', event: 'Product Added' }, start: 'wait',
 *   steps: [
 *     { id: 'wait', kind: 'wait_for_event', event: 'Order Completed', timeout: { amount: 4, unit: 'hours' }, next: { event: 'done', timeout: 'remind' } },
 *     { id: 'remind', kind: 'send', templateId: '…', channels: ['sms'], next: { next: 'done' } },
 *     { id: 'done', kind: 'exit' } ],
 *   goal: { event: 'Order Completed', withinDays: 7, exitOnGoal: true }, reentry: { mode: 'every', days: 7 }, holdoutPercent: 10 }
 */

export const journeyStatuses = ['draft', 'active', 'paused', 'archived'] as const;
export type JourneyStatus = (typeof journeyStatuses)[number];

export const stepIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1–64 letters, digits, _ or -');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
const eventName = z.string().trim().min(1).max(200);
const properties = z.array(propertyFilterSchema).max(10).optional().describe('All must hold for an event to count');

export const durationSchema = z
  .strictObject({ amount: z.number().int().min(1).max(100_000), unit: z.enum(['minutes', 'hours', 'days', 'weeks']) })
  .meta({ id: 'JourneyDuration' });
export type Duration = z.infer<typeof durationSchema>;

const unitMs = { minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 7 * 86_400_000 } as const;
export const durationMs = (d: Duration) => d.amount * unitMs[d.unit];

// ── triggers ────────────────────────────────────────────────────────────────────────────────
export const eventTriggerSchema = z.strictObject({
  kind: z.literal('event'),
  event: eventName.describe('A track event name, e.g. Product Added'),
  properties,
});
export const segmentTriggerSchema = z.strictObject({
  kind: z.literal('segment'),
  segmentId: z.uuid({ error: 'must be a segment id' }),
  action: z.enum(['entered', 'exited']),
});
export const apiTriggerSchema = z.strictObject({ kind: z.literal('api') }).describe('Only POST /api/v1/journeys/{id}/runs starts it');
export const customTriggerSchema = z
  .strictObject({
    kind: z.literal('custom'),
    name: z.string().regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'must be a trigger name such as survey.score'),
    settings: z.record(z.string(), z.unknown()).default({}),
  })
  .describe('A trigger another capability registered (survey score received, ticket resolved …)');

// Derived triggers: a periodic scan of the workspace's data finds who a moment has come for
// (engine/derived/). Each entry's key names the moment (the date, the spell of silence, the cart
// event, the stock change), so a customer enters once per moment however often the scan runs.
const attributeKey = z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'must be a custom attribute key');
export const dateTriggerSchema = z
  .strictObject({
    kind: z.literal('date'),
    source: z.enum(['birthday', 'signup', 'attribute']).describe("birthday: the profile's birthday; signup: when the customer was first seen; attribute: a date custom attribute"),
    attribute: attributeKey.optional().describe('With source attribute: the custom attribute holding a date, e.g. subscription_expires_at'),
    recurrence: z.enum(['yearly', 'once']).default('yearly').describe('yearly: every anniversary (birthday, signup); once: the date itself (a subscription expiry)'),
    calendar: z.enum(['gregorian', 'jalali']).default('gregorian').describe("Whose month and day make an anniversary: a Jalali birthday moves against the Gregorian calendar"),
    offsetDays: z.number().int().min(-90).max(90).default(0).describe('-3: three days before the date; 7: a week after'),
    time: hhmm.default('09:00').describe("The time of day in the customer's time zone (else the workspace's messaging time zone)"),
  })
  .describe('A date relative to today: birthday, signup anniversary, subscription expiry');
export const inactivityTriggerSchema = z
  .strictObject({
    kind: z.literal('inactivity'),
    days: z.number().int().min(1).max(3650).describe('e.g. 90'),
    activity: z.enum(['order', 'event']).default('order').describe('order: no order for N days (customers who ordered before); event: no tracked event for N days'),
  })
  .describe('N days of silence; a customer enters once per spell of silence');
export const cartAbandonmentTriggerSchema = z
  .strictObject({
    kind: z.literal('cart_abandonment'),
    events: z.array(eventName).min(1).max(5).default(['Product Added', 'Checkout Started']).describe('What fills a cart'),
    orderEvent: eventName.default('Order Completed'),
    hours: z.number().int().min(1).max(720).default(4).describe('How long after the last cart event without an order'),
  })
  .describe('A cart left behind: the context holds its products');
export const browseAbandonmentTriggerSchema = z
  .strictObject({
    kind: z.literal('browse_abandonment'),
    event: eventName.default('Product Viewed'),
    views: z.number().int().min(1).max(50).default(2).describe('Views of one product (its product_id) …'),
    days: z.number().int().min(1).max(30).default(7).describe('… within this many days'),
    quietHours: z.number().int().min(1).max(168).default(2).describe('No view of it for this long (they stopped browsing) and no order of it'),
  })
  .describe('A product viewed again and again without buying: the context holds that product');
export const productTriggerSchema = z
  .strictObject({
    kind: z.literal('product'),
    change: z.enum(['back_in_stock', 'price_drop']),
    minDropPercent: z.number().min(0).max(100).default(0).describe('price_drop: only drops of at least this share'),
    audience: z.enum(['viewed', 'wishlisted', 'either']).default('either').describe('Who hears of it: customers who viewed the product or added it to a wishlist'),
    lookbackDays: z.number().int().min(1).max(365).default(30).describe('… within this many days before the change'),
  })
  .describe('A catalog product (PUT /api/v1/products/{id}) back in stock or cheaper: the context holds the product and the change');
export const vipTriggerSchema = z
  .strictObject({
    kind: z.literal('vip'),
    orderAbove: z.number().positive().describe("An order whose total is at least this, in the workspace's display currency (major units)"),
  })
  .describe('A VIP moment: a large order (tier changes arrive as the loyalty capability registers its custom trigger)');

export const triggerSchema = z
  .discriminatedUnion('kind', [
    eventTriggerSchema,
    segmentTriggerSchema,
    apiTriggerSchema,
    customTriggerSchema,
    dateTriggerSchema,
    inactivityTriggerSchema,
    cartAbandonmentTriggerSchema,
    browseAbandonmentTriggerSchema,
    productTriggerSchema,
    vipTriggerSchema,
  ])
  .meta({ id: 'JourneyTrigger' });
export type Trigger = z.infer<typeof triggerSchema>;

// ── steps ───────────────────────────────────────────────────────────────────────────────────
const ports = (names: readonly [string, ...string[]]) =>
  z.partialRecord(z.enum(names), stepIdSchema).default({}).describe(`Outgoing ports → step ids: ${names.join(', ')}`);
const base = { id: stepIdSchema, name: z.string().trim().max(200).optional() };

export const waitStepSchema = z.strictObject({ ...base, kind: z.literal('wait'), duration: durationSchema, next: ports(['next']) });
export const waitUntilTimeStepSchema = z.strictObject({
  ...base,
  kind: z.literal('wait_until_time'),
  time: hhmm.describe("The next time of day in the customer's time zone (else the workspace's messaging time zone)"),
  next: ports(['next']),
});
export const waitUntilDateStepSchema = z.strictObject({
  ...base,
  kind: z.literal('wait_until_date'),
  attribute: z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'must be a custom attribute key').describe('A date custom attribute, e.g. subscription_expires_at'),
  offsetDays: z.number().int().min(-365).max(365).default(0).describe('-3: three days before the date'),
  time: hhmm.default('09:00'),
  next: ports(['next', 'missed']).describe('missed: the date is not set or already past (absent: the run exits)'),
});
export const waitForEventStepSchema = z.strictObject({
  ...base,
  kind: z.literal('wait_for_event'),
  event: eventName,
  properties,
  timeout: durationSchema,
  next: ports(['event', 'timeout']),
});

const segmentCheck = z.strictObject({ type: z.literal('segment'), segmentId: z.uuid({ error: 'must be a segment id' }), member: z.boolean().default(true) });
const rulesCheck = z.strictObject({ type: z.literal('rules'), rules: ruleGroupSchema.describe('Segment rules evaluated for this one customer: profile, attributes, tags, events, orders, consent …') });
const contextCheck = z.strictObject({ type: z.literal('context'), properties: z.array(propertyFilterSchema).min(1).max(10).describe("Filters over the run's context (what triggered it)") });
export const conditionStepSchema = z.strictObject({
  ...base,
  kind: z.literal('condition'),
  check: z.discriminatedUnion('type', [rulesCheck, segmentCheck, contextCheck]),
  next: ports(['yes', 'no']),
});

const branchKey = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be 1–32 lower-case letters, digits, _ or -');
export const splitStepSchema = z.strictObject({
  ...base,
  kind: z.literal('split'),
  branches: z.array(z.strictObject({ key: branchKey, percent: z.number().min(0).max(100) })).min(1).max(10),
  holdoutPercent: z.number().min(0).max(100).default(0).describe('This share leaves the journey here as a holdout (goal still measured)'),
  next: z.record(branchKey, stepIdSchema).default({}).describe('One port per branch key'),
});

export const sendStepSchema = z.strictObject({
  ...base,
  kind: z.literal('send'),
  templateId: z.uuid({ error: 'must be a template id' }),
  channels: z.union([z.literal('auto'), z.array(z.enum(channelKinds)).min(1).max(channelKinds.length)]).default('auto'),
  category: z.enum(['marketing', 'transactional']).optional().describe("Default: the template's"),
  priority: z.number().int().min(0).max(10).default(5),
  variables: z.record(z.string(), z.unknown()).default({}).describe('Extra {{ vars.* }}; the run context is under {{ vars.trigger }}'),
  next: ports(['next']),
});
export const taskStepSchema = z.strictObject({
  ...base,
  kind: z.literal('task'),
  title: z.string().trim().min(1).max(300),
  description: z.string().max(5000).optional(),
  assigneeId: z.uuid({ error: 'must be a user id' }).optional(),
  dueInDays: z.number().int().min(0).max(365).optional(),
  priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
  next: ports(['next']),
});
export const updateAttributesStepSchema = z.strictObject({
  ...base,
  kind: z.literal('update_attributes'),
  attributes: z.record(z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'is not a valid attribute key'), z.unknown()).describe('A value sets, null removes'),
  next: ports(['next']),
});
export const tagStepSchema = z.strictObject({
  ...base,
  kind: z.literal('tag'),
  add: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
  remove: z.array(z.string().trim().min(1).max(64)).max(20).default([]),
  next: ports(['next']),
});
export const segmentStepSchema = z.strictObject({
  ...base,
  kind: z.literal('segment'),
  segmentId: z.uuid({ error: 'must be a segment id' }),
  action: z.enum(['add', 'remove']),
  next: ports(['next']),
});
export const webhookStepSchema = z.strictObject({
  ...base,
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }),
  method: z.enum(['POST', 'PUT']).default('POST'),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/), z.string().max(1000)).default({}),
  data: z.record(z.string(), z.unknown()).default({}).describe('Sent as `data` beside the run, customer and context'),
  next: ports(['next']),
});
export const exitStepSchema = z.strictObject({ ...base, kind: z.literal('exit') });

export const stepSchema = z
  .discriminatedUnion('kind', [
    waitStepSchema,
    waitUntilTimeStepSchema,
    waitUntilDateStepSchema,
    waitForEventStepSchema,
    conditionStepSchema,
    splitStepSchema,
    sendStepSchema,
    taskStepSchema,
    updateAttributesStepSchema,
    tagStepSchema,
    segmentStepSchema,
    webhookStepSchema,
    exitStepSchema,
  ])
  .meta({ id: 'JourneyStep' });
export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step['kind'];
export type StepOf<K extends StepKind> = Extract<Step, { kind: K }>;

/** Steps that park a run: a cycle must pass through one of these. */
export const waitKinds: ReadonlySet<StepKind> = new Set(['wait', 'wait_until_time', 'wait_until_date', 'wait_for_event']);

/** The ports a step has; `optional` ones may be left without a target. */
export function portsOf(step: Step): { required: string[]; optional: string[] } {
  switch (step.kind) {
    case 'exit':
      return { required: [], optional: [] };
    case 'condition':
      return { required: ['yes', 'no'], optional: [] };
    case 'wait_for_event':
      return { required: ['event', 'timeout'], optional: [] };
    case 'wait_until_date':
      return { required: ['next'], optional: ['missed'] };
    case 'split':
      return { required: step.branches.map((b) => b.key), optional: [] };
    default:
      return { required: ['next'], optional: [] };
  }
}

// ── the journey ─────────────────────────────────────────────────────────────────────────────
export const goalSchema = z
  .strictObject({
    event: eventName.default('Order Completed'),
    properties,
    withinDays: z.number().int().min(1).max(365).default(14).describe('Attribution window after entry'),
    exitOnGoal: z.boolean().default(true),
  })
  .meta({ id: 'JourneyGoal' });
export type Goal = z.infer<typeof goalSchema>;

export const reentrySchema = z
  .discriminatedUnion('mode', [z.strictObject({ mode: z.literal('once') }), z.strictObject({ mode: z.literal('every'), days: z.number().int().min(1).max(3650) })])
  .meta({ id: 'JourneyReentry', description: 'once: a customer enters at most once ever; every: at most once per N days' });

export const definitionFields = {
  trigger: triggerSchema,
  start: stepIdSchema.describe('The first step'),
  steps: z.array(stepSchema).max(200),
  goal: goalSchema.nullable().default(null),
  reentry: reentrySchema.default({ mode: 'once' }),
  holdoutPercent: z.number().min(0).max(50).default(0).describe('This share of entrants is held out of every step (the control group)'),
  layout: z
    .record(stepIdSchema, z.strictObject({ x: z.number().finite(), y: z.number().finite() }))
    .default({})
    .describe("The console canvas's node positions by step id; the engine ignores them"),
};
export const definitionSchema = z.strictObject(definitionFields).meta({ id: 'JourneyDefinition' });
export type JourneyDefinition = z.infer<typeof definitionSchema>;
