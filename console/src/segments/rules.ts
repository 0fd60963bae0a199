/**
 * Pure helpers of the rule builder: which operators suit a value type, which operand an
 * operator needs, new conditions with sensible defaults, whether a condition is complete
 * enough to preview, and the tree as the API wants it (operands the operator does not use
 * are kept while editing, so switching operators back and forth loses nothing, and dropped
 * when sent).
 */
import type { AttributeDefinition } from '../api/types';
import {
  ANALYTICS_METRICS,
  BOOLEAN_OPERATORS,
  type Condition,
  type ConditionType,
  DATE_OPERATORS,
  ENUM_OPERATORS,
  LIST_OPERATORS,
  NUMBER_OPERATORS,
  type Operands,
  type Operator,
  ORDER_METRICS,
  PROFILE_FIELDS,
  type Rule,
  type RuleGroup,
  type SegmentCalendar,
  TEXT_OPERATORS,
  type ValueType,
} from './types';

const OPERATORS_BY_TYPE: Record<ValueType, readonly Operator[]> = {
  string: TEXT_OPERATORS,
  number: NUMBER_OPERATORS,
  boolean: BOOLEAN_OPERATORS,
  date: DATE_OPERATORS,
  enum: ENUM_OPERATORS,
  list: LIST_OPERATORS,
};

export function operatorsFor(type: ValueType): readonly Operator[] {
  return OPERATORS_BY_TYPE[type];
}

export type OperandKind = 'value' | 'values' | 'between' | 'days' | null;

/** Mirrors `requiredOperand` in src/segments/rules/schema.ts. */
export function operandOf(operator: string): OperandKind {
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

export const emptyGroup = (op: 'and' | 'or' = 'and'): RuleGroup => ({ type: 'group', op, conditions: [] });

/** The value type a comparison condition compares, or null for kinds without one. */
export function valueTypeOf(condition: Condition, attributes: readonly AttributeDefinition[]): ValueType | null {
  switch (condition.type) {
    case 'profile':
      return PROFILE_FIELDS[condition.field];
    case 'order':
      return ORDER_METRICS[condition.metric];
    case 'analytics':
      return ANALYTICS_METRICS[condition.metric];
    case 'attribute':
      return attributes.find((a) => a.key === condition.key)?.type ?? null;
    default:
      return null;
  }
}

/** The operator to keep when the compared thing changes type: the same if it still fits. */
export function fittingOperator(current: Operator, type: ValueType | null): Operator {
  if (!type) return current;
  const allowed = operatorsFor(type);
  return allowed.includes(current) ? current : (allowed[0] as Operator);
}

export function newCondition(type: ConditionType, ctx: { attributes: readonly AttributeDefinition[]; calendar: SegmentCalendar }): Condition {
  switch (type) {
    case 'profile':
      return { type, field: 'city', operator: 'equals' };
    case 'attribute': {
      const first = ctx.attributes[0];
      return { type, key: first?.key ?? '', operator: first ? (operatorsFor(first.type)[0] as Operator) : 'equals' };
    }
    case 'consent':
      return { type, channel: 'email', status: 'granted' };
    case 'tag':
      return { type, operator: 'has', value: '' };
    case 'event':
      return { type, name: '', operator: 'did', days: 30 };
    case 'order':
      return { type, metric: 'total_spent', operator: 'gte' };
    case 'analytics':
      return { type, metric: 'rfm_segment', operator: 'in' };
    case 'anniversary':
      return { type, field: 'birthday', operator: 'this_month', calendar: ctx.calendar };
  }
}

const filled = (v: unknown) => v !== undefined && v !== null && v !== '' && !(typeof v === 'number' && Number.isNaN(v));

function operandsComplete(operator: string, o: Operands): boolean {
  switch (operandOf(operator)) {
    case 'value':
      return filled(o.value);
    case 'values':
      return (o.values?.length ?? 0) > 0;
    case 'between':
      return filled(o.from) && filled(o.to);
    case 'days':
      return filled(o.days);
    case null:
      return true;
  }
}

/** Whether a condition has everything its operator needs (only then is it worth previewing). */
export function isComplete(rule: Rule): boolean {
  switch (rule.type) {
    case 'group':
      return rule.conditions.every(isComplete);
    case 'profile':
    case 'order':
    case 'analytics':
      return operandsComplete(rule.operator, rule);
    case 'attribute':
      return rule.key !== '' && operandsComplete(rule.operator, rule);
    case 'consent':
      return true;
    case 'tag':
      return rule.value.trim() !== '';
    case 'event':
      return rule.name.trim() !== '' && (rule.properties ?? []).every((p) => p.path.trim() !== '' && (p.operator === 'exists' || p.operator === 'not_exists' || filled(p.value)));
    case 'anniversary':
      if (rule.field === 'attribute' && !rule.key) return false;
      if (rule.operator === 'within_next_days') return filled(rule.days);
      if (rule.operator === 'month_is') return filled(rule.value);
      return true;
  }
}

function onlyNeeded<T extends Operands & { operator: string }>(c: T): T {
  const { value, values, from, to, days, ...rest } = c;
  const out = { ...rest } as T;
  switch (operandOf(c.operator)) {
    case 'value':
      if (value !== undefined) out.value = value;
      break;
    case 'values':
      if (values !== undefined) out.values = values;
      break;
    case 'between':
      if (from !== undefined) out.from = from;
      if (to !== undefined) out.to = to;
      break;
    case 'days':
      if (days !== undefined) out.days = days;
      break;
    case null:
      break;
  }
  return out;
}

/** The tree as the API takes it: operands the operator ignores are left out. */
export function toApiRule<R extends Rule>(rule: R): R {
  switch (rule.type) {
    case 'group':
      return { ...rule, not: rule.not || undefined, conditions: rule.conditions.map(toApiRule) };
    case 'profile':
    case 'attribute':
    case 'order':
    case 'analytics':
      return onlyNeeded(rule) as R;
    case 'event': {
      const { properties, ...rest } = rule;
      return (properties && properties.length > 0 ? { ...rest, properties } : rest) as R;
    }
    case 'anniversary': {
      const { days, value, key, ...rest } = rule;
      return {
        ...rest,
        ...(rule.field === 'attribute' ? { key } : {}),
        ...(rule.operator === 'within_next_days' ? { days } : {}),
        ...(rule.operator === 'month_is' ? { value } : {}),
      } as R;
    }
    default:
      return rule;
  }
}

/** How deep a rule tree goes (the root group is 1). */
export function depthOf(rule: Rule): number {
  return rule.type === 'group' ? 1 + Math.max(0, ...rule.conditions.map(depthOf)) : 0;
}

/** Number of conditions (not groups) in a tree, to say "3 conditions" in the list. */
export function conditionCount(rule: Rule): number {
  return rule.type === 'group' ? rule.conditions.reduce((n, c) => n + conditionCount(c), 0) : 1;
}

/**
 * Where an API error's `field` points, relative to a condition's path in the form
 * (`rules.conditions.1` + `rules.conditions.1.days` → `days`); undefined when it is elsewhere.
 */
export function relativeField(errorField: string | undefined, prefix: string): string | undefined {
  if (!errorField) return undefined;
  if (errorField === prefix) return '';
  return errorField.startsWith(`${prefix}.`) ? errorField.slice(prefix.length + 1) : undefined;
}
