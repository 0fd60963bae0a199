/**
 * Shapes of the segments API, copied by hand from src/segments/rules/schema.ts and
 * docs/segments.md. The rule tree is what the builder edits and what the server validates.
 */
import type { ConsentChannel } from '../api/types';

export const TEXT_OPERATORS = ['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'in', 'not_in', 'is_set', 'is_not_set'] as const;
export const NUMBER_OPERATORS = ['equals', 'not_equals', 'gt', 'gte', 'lt', 'lte', 'between', 'is_set', 'is_not_set'] as const;
export const BOOLEAN_OPERATORS = ['is_true', 'is_false', 'is_set', 'is_not_set'] as const;
export const DATE_OPERATORS = ['on', 'before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'within_next_days', 'is_set', 'is_not_set'] as const;
export const ENUM_OPERATORS = ['equals', 'not_equals', 'in', 'not_in', 'is_set', 'is_not_set'] as const;
export const LIST_OPERATORS = ['contains', 'not_contains', 'in', 'not_in', 'is_set', 'is_not_set'] as const;

export type Operator =
  | (typeof TEXT_OPERATORS)[number]
  | (typeof NUMBER_OPERATORS)[number]
  | (typeof BOOLEAN_OPERATORS)[number]
  | (typeof DATE_OPERATORS)[number]
  | (typeof ENUM_OPERATORS)[number]
  | (typeof LIST_OPERATORS)[number];

export type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'enum' | 'list';

export const PROFILE_FIELDS = {
  first_name: 'string',
  last_name: 'string',
  city: 'string',
  gender: 'enum',
  birthday: 'date',
  language: 'string',
  timezone: 'string',
  job: 'string',
  income_band: 'string',
  emails: 'list',
  phones: 'list',
  interests: 'list',
  challenges: 'list',
  external_id: 'string',
  anonymous: 'boolean',
  created_at: 'date',
  updated_at: 'date',
} as const satisfies Record<string, ValueType>;
export type ProfileField = keyof typeof PROFILE_FIELDS;

/** Money in minor units of the order's currency (IRR: rials). */
export const ORDER_METRICS = {
  total_spent: 'number',
  order_count: 'number',
  average_order: 'number',
  last_order_date: 'date',
  first_order_date: 'date',
} as const satisfies Record<string, ValueType>;
export type OrderMetric = keyof typeof ORDER_METRICS;

export const ANALYTICS_METRICS = {
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
export type AnalyticsMetric = keyof typeof ANALYTICS_METRICS;

export const ANNIVERSARY_OPERATORS = ['this_month', 'month_is', 'today', 'this_week', 'within_next_days'] as const;
export type AnniversaryOperator = (typeof ANNIVERSARY_OPERATORS)[number];
export const CONSENT_STATUSES = ['granted', 'revoked', 'never_given'] as const;
export const COUNT_OPERATORS = ['at_least', 'at_most', 'exactly'] as const;
export const PROPERTY_OPERATORS = ['equals', 'not_equals', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists'] as const;
export const EVENT_TYPES = ['track', 'page', 'screen', 'identify'] as const;
export type SegmentCalendar = 'jalali' | 'gregorian';

/** Operands shared by every comparison so a form keeps them while the operator changes. */
export interface Operands {
  value?: string | number | boolean;
  values?: (string | number)[];
  from?: string | number;
  to?: string | number;
  days?: number;
}

export interface ProfileCondition extends Operands {
  type: 'profile';
  field: ProfileField;
  operator: Operator;
}
export interface AttributeCondition extends Operands {
  type: 'attribute';
  key: string;
  operator: Operator;
}
export interface ConsentCondition {
  type: 'consent';
  channel: ConsentChannel;
  status: (typeof CONSENT_STATUSES)[number];
}
export interface TagCondition {
  type: 'tag';
  operator: 'has' | 'has_not';
  value: string;
}
export interface PropertyFilter {
  path: string;
  operator: (typeof PROPERTY_OPERATORS)[number];
  value?: string | number | boolean;
}
export interface EventCondition {
  type: 'event';
  eventType?: (typeof EVENT_TYPES)[number];
  name: string;
  operator: 'did' | 'did_not';
  count?: { operator: (typeof COUNT_OPERATORS)[number]; value: number };
  days?: number;
  properties?: PropertyFilter[];
}
export interface OrderCondition extends Operands {
  type: 'order';
  metric: OrderMetric;
  operator: Operator;
  windowDays?: number;
}
export interface AnalyticsCondition extends Operands {
  type: 'analytics';
  metric: AnalyticsMetric;
  operator: Operator;
}
export interface AnniversaryCondition {
  type: 'anniversary';
  field: 'birthday' | 'created_at' | 'attribute';
  key?: string;
  operator: AnniversaryOperator;
  days?: number;
  /** month_is: 1–12 in `calendar`. */
  value?: number;
  calendar?: SegmentCalendar;
}

export type Condition =
  | ProfileCondition
  | AttributeCondition
  | ConsentCondition
  | TagCondition
  | EventCondition
  | OrderCondition
  | AnalyticsCondition
  | AnniversaryCondition;
export type ConditionType = Condition['type'];
export const CONDITION_TYPES: readonly ConditionType[] = ['profile', 'attribute', 'consent', 'tag', 'event', 'order', 'analytics', 'anniversary'];

export interface RuleGroup {
  type: 'group';
  op: 'and' | 'or';
  /** Negates the whole group: NOT (a AND b). */
  not?: boolean;
  conditions: Rule[];
}
export type Rule = RuleGroup | Condition;

export const MAX_DEPTH = 6;

export type SegmentKind = 'dynamic' | 'manual';

export interface Segment {
  id: string;
  name: string;
  description: string | null;
  kind: SegmentKind;
  rules: RuleGroup | null;
  memberCount: number;
  computedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SegmentInput {
  name: string;
  description?: string | null;
  kind: SegmentKind;
  rules?: RuleGroup;
}

export interface SegmentMember {
  customerId: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  /** null in previews. */
  enteredAt: string | null;
}

export interface SegmentPreview {
  count: number;
  sample: SegmentMember[];
}

export type MatchBy = 'external_id' | 'email' | 'phone';

export interface CsvImportResult {
  rows: number;
  matched: number;
  added: number;
  alreadyMembers: number;
  unmatchedCount: number;
  unmatched: { line: number; value: string; reason: string }[];
}

export interface AddMembersResult {
  added: number;
  alreadyMembers: number;
  notFound: string[];
}
