import { z } from 'zod';
import { riskBands, rfmSegments } from '../../analytics/routes/schemas.ts';
import { consentChannels } from '../../customers/schema.ts';

/**
 * The segment rule AST: what the console's rule builder edits and what the API accepts.
 * Validated here at the edge for its shape (every error names its path, e.g.
 * `rules.conditions.1.days`); the compiler (./compile.ts) then checks what needs the
 * workspace — that a custom attribute exists and that the operator suits its type — and
 * turns the tree into one parameterised SQL predicate over `customers`.
 *
 * Operand fields are shared by every condition kind so that a form can keep them while the
 * user changes the operator: `value` (one value), `values` (a list), `from`/`to` (between,
 * inclusive), `days` (a number of days).
 *
 * @example
 * { type: 'group', op: 'and', conditions: [
 *   { type: 'event', name: 'Order Completed', operator: 'did', count: { operator: 'at_least', value: 2 }, days: 30 },
 *   { type: 'consent', channel: 'sms', status: 'granted' },
 *   { type: 'group', op: 'or', not: true, conditions: [{ type: 'tag', operator: 'has', value: 'staff' }] } ] }
 */

/** Operators by the type of the value compared. */
export const textOperators = ['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'in', 'not_in', 'is_set', 'is_not_set'] as const;
export const numberOperators = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'between', 'is_set', 'is_not_set'] as const;
export const booleanOperators = ['is_true', 'is_false', 'is_set', 'is_not_set'] as const;
/** Dates compare by day in the workspace's time zone; within_next_days is for future dates (renewals, expiries). */
export const dateOperators = ['on', 'before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'within_next_days', 'is_set', 'is_not_set'] as const;
export const enumOperators = ['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_not_set'] as const;
/** Lists (emails, phones, tags-like attributes): `contains` = has this element, `in` = has any of `values`, is_set = not empty. */
export const listOperators = ['contains', 'not_contains', 'in', 'not_in', 'is_set', 'is_not_set'] as const;

export const allOperators = [
  ...new Set([...textOperators, ...numberOperators, ...booleanOperators, ...dateOperators, ...enumOperators, ...listOperators]),
] as [string, ...string[]];
export type Operator = (typeof textOperators | typeof numberOperators | typeof booleanOperators | typeof dateOperators | typeof enumOperators | typeof listOperators)[number];

export const valueTypes = ['string', 'number', 'boolean', 'date', 'enum', 'list'] as const;
export type ValueType = (typeof valueTypes)[number];

/** Built-in profile fields (columns of `customers`) and their value types. */
export const profileFields = {
  external_id: 'string',
  first_name: 'string',
  last_name: 'string',
  emails: 'list',
  phones: 'list',
  birthday: 'date',
  gender: 'enum',
  city: 'string',
  language: 'string',
  timezone: 'string',
  job: 'string',
  income_band: 'string',
  interests: 'list',
  challenges: 'list',
  anonymous: 'boolean',
  created_at: 'date',
  updated_at: 'date',
} as const satisfies Record<string, ValueType>;
export type ProfileField = keyof typeof profileFields;

/** Order figures: money in minor units of the order's currency (IRR: rials), summed over non-cancelled orders net of refunds. */
export const orderMetrics = {
  total_spent: 'number',
  order_count: 'number',
  average_order: 'number',
  last_order_date: 'date',
  first_order_date: 'date',
} as const satisfies Record<string, ValueType>;
export type OrderMetric = keyof typeof orderMetrics;

/** Outputs of the analytics capability (table analytics_customers); customers without orders have none. */
export const analyticsMetrics = {
  rfm_segment: 'enum',
  churn_risk: 'enum',
  churn_probability: 'number',
  p_alive: 'number',
  predicted_clv: 'number',
  expected_purchases: 'number',
  rfm_recency: 'number',
  rfm_frequency: 'number',
  rfm_monetary: 'number',
} as const satisfies Record<string, ValueType>;
export type AnalyticsMetric = keyof typeof analyticsMetrics;
export const analyticsEnumValues = { rfm_segment: rfmSegments, churn_risk: riskBands } as const;

/** Calendar-aware anniversaries of a date (birthday, signup, a date attribute), ignoring the year. */
export const anniversaryOperators = ['today', 'this_week', 'this_month', 'within_next_days', 'month_is'] as const;
export type AnniversaryOperator = (typeof anniversaryOperators)[number];

const scalar = z.union([z.string().max(500), z.number().finite(), z.boolean()]);
const operands = {
  value: scalar.optional(),
  values: z.array(z.union([z.string().max(500), z.number().finite()])).min(1).max(1000).optional(),
  from: z.union([z.number().finite(), z.iso.date('must be a date YYYY-MM-DD')]).optional(),
  to: z.union([z.number().finite(), z.iso.date('must be a date YYYY-MM-DD')]).optional(),
  days: z.number().int('must be a whole number of days').min(0).max(36500).optional(),
};
const attributeKey = z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, 'is not a valid attribute key');

/** Which operand an operator needs; checked with the path of the missing field. */
export function requiredOperand(operator: string): 'value' | 'values' | 'between' | 'days' | null {
  switch (operator) {
    case 'in':
    case 'not_in':
      return 'values';
    case 'between':
      return 'between';
    case 'within_last_days':
    case 'more_than_days_ago':
    case 'within_next_days':
      return 'days';
    case 'is_set':
    case 'is_not_set':
    case 'is_true':
    case 'is_false':
    case 'today':
    case 'this_week':
    case 'this_month':
      return null;
    default:
      return 'value';
  }
}

function checkOperands(c: { operator: string; value?: unknown; values?: unknown; from?: unknown; to?: unknown; days?: unknown }, ctx: z.RefinementCtx) {
  const need = requiredOperand(c.operator);
  const missing = (path: string, what: string) => ctx.addIssue({ code: 'custom', path: [path], message: `is required by the operator ${c.operator} (${what})` });
  if (need === 'value' && c.value === undefined) missing('value', 'the value to compare with');
  if (need === 'values' && c.values === undefined) missing('values', 'a list of values');
  if (need === 'days' && c.days === undefined) missing('days', 'a number of days');
  if (need === 'between') {
    if (c.from === undefined) missing('from', 'the lower bound, inclusive');
    if (c.to === undefined) missing('to', 'the upper bound, inclusive');
  }
}

export const profileConditionSchema = z
  .strictObject({
    type: z.literal('profile'),
    field: z.enum(Object.keys(profileFields) as [ProfileField, ...ProfileField[]]),
    operator: z.enum(allOperators),
    ...operands,
  })
  .superRefine(checkOperands)
  .describe('A built-in profile field');

export const attributeConditionSchema = z
  .strictObject({
    type: z.literal('attribute'),
    key: attributeKey.describe('A custom attribute defined for the workspace (GET /api/v1/attribute-definitions); its type picks the operators'),
    operator: z.enum(allOperators),
    ...operands,
  })
  .superRefine(checkOperands)
  .describe('A custom attribute');

export const consentConditionSchema = z
  .strictObject({
    type: z.literal('consent'),
    channel: z.enum(consentChannels),
    status: z.enum(['granted', 'revoked', 'never_given']).describe('never_given: no consent record for the channel'),
  })
  .describe('Consent on one channel');

export const tagConditionSchema = z
  .strictObject({
    type: z.literal('tag'),
    operator: z.enum(['has', 'has_not']),
    value: z.string().trim().min(1).max(64),
  })
  .describe('A tag on the profile');

export const propertyFilterSchema = z
  .strictObject({
    path: z
      .string()
      .regex(/^[A-Za-z0-9_$-]{1,64}(\.[A-Za-z0-9_$-]{1,64}){0,4}$/, 'must be a property name, or names joined by dots for nested objects')
      .describe('Property of the event, e.g. `category` or `product.brand`'),
    operator: z.enum(['equals', 'not_equals', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists']),
    value: scalar.optional(),
  })
  .superRefine((f, ctx) => {
    if (f.operator !== 'exists' && f.operator !== 'not_exists' && f.value === undefined) {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `is required by the operator ${f.operator}` });
    }
    if (['gt', 'gte', 'lt', 'lte'].includes(f.operator) && f.value !== undefined && typeof f.value !== 'number') {
      ctx.addIssue({ code: 'custom', path: ['value'], message: `must be a number for the operator ${f.operator}` });
    }
  })
  .meta({ id: 'SegmentPropertyFilter' });

export const eventConditionSchema = z
  .strictObject({
    type: z.literal('event'),
    eventType: z.enum(['track', 'page', 'screen']).default('track').describe('Segment spec call type; page/screen match by page name'),
    name: z.string().trim().min(1).max(200).describe('Event name, e.g. Order Completed'),
    operator: z.enum(['did', 'did_not']),
    count: z
      .strictObject({ operator: z.enum(['at_least', 'at_most', 'exactly']), value: z.number().int().min(1).max(1_000_000) })
      .optional()
      .describe('How many times: `did` with at_most 3 = 1 to 3 times; `did_not` negates the whole; absent = at least once'),
    days: operands.days.describe('Within the last N days; absent = ever'),
    properties: z.array(propertyFilterSchema).max(10).optional().describe('All must hold for an event to count'),
  })
  .describe('Did / did not do an event');

export const orderConditionSchema = z
  .strictObject({
    type: z.literal('order'),
    metric: z.enum(Object.keys(orderMetrics) as [OrderMetric, ...OrderMetric[]]),
    operator: z.enum(allOperators),
    ...operands,
    windowDays: z.number().int().min(1).max(36500).optional().describe('Only orders placed in the last N days count; absent = all orders'),
  })
  .superRefine(checkOperands)
  .describe('Order history: spent, count, average, first/last order');

export const analyticsConditionSchema = z
  .strictObject({
    type: z.literal('analytics'),
    metric: z.enum(Object.keys(analyticsMetrics) as [AnalyticsMetric, ...AnalyticsMetric[]]),
    operator: z.enum(allOperators),
    ...operands,
  })
  .superRefine(checkOperands)
  .describe('Analytics outputs: RFM segment and scores, P(alive), churn risk, predicted CLV, expected purchases');

export const anniversaryConditionSchema = z
  .strictObject({
    type: z.literal('anniversary'),
    field: z.enum(['birthday', 'created_at', 'attribute']).describe('attribute: the date attribute named by `key`'),
    key: attributeKey.optional(),
    operator: z.enum(anniversaryOperators),
    days: operands.days,
    value: z.number().int().min(1).max(12).optional().describe('month_is: the month number, 1–12, in `calendar`'),
    calendar: z.enum(['jalali', 'gregorian']).optional().describe("Defaults to the workspace's calendar (analytics settings)"),
  })
  .superRefine((c, ctx) => {
    if (c.field === 'attribute' && !c.key) ctx.addIssue({ code: 'custom', path: ['key'], message: 'is required when field is attribute' });
    if (c.operator === 'within_next_days' && c.days === undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: 'is required by the operator within_next_days' });
    if (c.operator === 'within_next_days' && (c.days ?? 0) > 366) ctx.addIssue({ code: 'custom', path: ['days'], message: 'must be at most 366 for within_next_days' });
    if (c.operator === 'month_is' && c.value === undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'is required by the operator month_is' });
  })
  .describe('Anniversary of a date, year ignored, in the Jalali or Gregorian calendar ("birthday this Jalali month")');

export type ProfileCondition = z.infer<typeof profileConditionSchema>;
export type AttributeCondition = z.infer<typeof attributeConditionSchema>;
export type ConsentCondition = z.infer<typeof consentConditionSchema>;
export type TagCondition = z.infer<typeof tagConditionSchema>;
export type PropertyFilter = z.infer<typeof propertyFilterSchema>;
export type EventCondition = z.infer<typeof eventConditionSchema>;
export type OrderCondition = z.infer<typeof orderConditionSchema>;
export type AnalyticsCondition = z.infer<typeof analyticsConditionSchema>;
export type AnniversaryCondition = z.infer<typeof anniversaryConditionSchema>;
export type Condition =
  | ProfileCondition
  | AttributeCondition
  | ConsentCondition
  | TagCondition
  | EventCondition
  | OrderCondition
  | AnalyticsCondition
  | AnniversaryCondition;

export interface RuleGroup {
  type: 'group';
  op: 'and' | 'or';
  /** Negates the whole group: NOT (a AND b). */
  not?: boolean | undefined;
  conditions: Rule[];
}
export type Rule = RuleGroup | Condition;

export const MAX_DEPTH = 6;
export const MAX_CONDITIONS = 100;

export const ruleGroupSchema: z.ZodType<RuleGroup> = z
  .strictObject({
    type: z.literal('group'),
    op: z.enum(['and', 'or']),
    not: z.boolean().optional(),
    get conditions() {
      return z.array(ruleSchema).max(MAX_CONDITIONS);
    },
  })
  .meta({ id: 'SegmentRuleGroup', description: 'Conditions joined by AND or OR; `not` negates the group. An empty AND matches everyone, an empty OR no one.' });

export const ruleSchema: z.ZodType<Rule> = z
  .discriminatedUnion('type', [
    ruleGroupSchema as unknown as z.ZodObject<{ type: z.ZodLiteral<'group'> }>,
    profileConditionSchema,
    attributeConditionSchema,
    consentConditionSchema,
    tagConditionSchema,
    eventConditionSchema,
    orderConditionSchema,
    analyticsConditionSchema,
    anniversaryConditionSchema,
  ])
  .meta({ id: 'SegmentRule' }) as unknown as z.ZodType<Rule>;

/** The root of a segment's rules is always a group. */
export const rootRuleSchema = ruleGroupSchema;
