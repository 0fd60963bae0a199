import { Group, NumberInput, Select, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { GENDERS } from '../../api/types';
import { RFM_SEGMENTS, RISK_BANDS } from '../../analytics/types';
import { fittingOperator, operatorsFor, valueTypeOf } from '../rules';
import {
  ANALYTICS_METRICS,
  type AnalyticsCondition,
  type AnalyticsMetric,
  type AttributeCondition,
  type Operands,
  type Operator,
  ORDER_METRICS,
  type OrderCondition,
  type OrderMetric,
  PROFILE_FIELDS,
  type ProfileCondition,
  type ProfileField,
  type ValueType,
} from '../types';
import { useBuilder, useFieldErrors } from './context';
import { type NumberScale, OperandInputs, type Option, operatorLabel } from './OperandInputs';

type Comparison = ProfileCondition | AttributeCondition | OrderCondition | AnalyticsCondition;

const MONEY_METRICS = new Set(['total_spent', 'average_order', 'predicted_clv']);
const PROBABILITY_METRICS = new Set(['p_alive', 'churn_probability']);

function subjectOptions(condition: Comparison, t: TFunction, attributes: ReturnType<typeof useBuilder>['attributes']): Option[] {
  switch (condition.type) {
    case 'profile':
      return (Object.keys(PROFILE_FIELDS) as ProfileField[]).map((f) => ({ value: f, label: t(`segments.profileFields.${f}`) }));
    case 'order':
      return (Object.keys(ORDER_METRICS) as OrderMetric[]).map((m) => ({ value: m, label: t(`segments.orderMetrics.${m}`) }));
    case 'analytics':
      return (Object.keys(ANALYTICS_METRICS) as AnalyticsMetric[]).map((m) => ({ value: m, label: t(`segments.analyticsMetrics.${m}`) }));
    case 'attribute':
      return attributes.map((a) => ({ value: a.key, label: a.label || a.key }));
  }
}

function subjectOf(condition: Comparison): string {
  switch (condition.type) {
    case 'profile':
      return condition.field;
    case 'attribute':
      return condition.key;
    default:
      return condition.metric;
  }
}

function withSubject(condition: Comparison, subject: string): Comparison {
  switch (condition.type) {
    case 'profile':
      return { ...condition, field: subject as ProfileField };
    case 'attribute':
      return { ...condition, key: subject };
    case 'order':
      return { ...condition, metric: subject as OrderMetric };
    case 'analytics':
      return { ...condition, metric: subject as AnalyticsMetric };
  }
}

/** Choices of an enum-typed subject, labelled in the console's language. */
function enumOptions(condition: Comparison, t: TFunction, attributes: ReturnType<typeof useBuilder>['attributes']): Option[] | undefined {
  if (condition.type === 'profile' && condition.field === 'gender') return GENDERS.map((g) => ({ value: g, label: t(`genders.${g}`) }));
  if (condition.type === 'analytics' && condition.metric === 'rfm_segment') return RFM_SEGMENTS.map((s) => ({ value: s, label: t(`analytics.segments.${s}`) }));
  if (condition.type === 'analytics' && condition.metric === 'churn_risk') return RISK_BANDS.map((r) => ({ value: r, label: t(`analytics.risk.${r}`) }));
  if (condition.type === 'attribute') {
    const definition = attributes.find((a) => a.key === condition.key);
    if (definition?.type === 'enum') return definition.options.map((o) => ({ value: o, label: o }));
  }
  return undefined;
}

/** Profile fields, custom attributes, order figures and analytics outputs: subject, operator, operands. */
export function ComparisonEditor({ condition, onChange, prefix }: { condition: Comparison; onChange: (next: Comparison) => void; prefix: string }) {
  const { t } = useTranslation();
  const builder = useBuilder();
  const errorFor = useFieldErrors(prefix);
  const type: ValueType | null = valueTypeOf(condition, builder.attributes);
  const subjectField = condition.type === 'profile' ? 'field' : condition.type === 'attribute' ? 'key' : 'metric';

  if (condition.type === 'attribute' && builder.attributes.length === 0) {
    return (
      <Text size="sm" c="dimmed" data-testid="no-attributes">
        {t('segments.attribute.none')}
      </Text>
    );
  }

  const changeSubject = (subject: string | null) => {
    if (!subject) return;
    const next = withSubject(condition, subject);
    const nextType = valueTypeOf(next, builder.attributes);
    const keepsOperands = nextType === type;
    const reset: Operands = keepsOperands ? {} : { value: undefined, values: undefined, from: undefined, to: undefined };
    onChange({ ...next, ...reset, operator: fittingOperator(condition.operator, nextType) });
  };

  const number: NumberScale | undefined = MONEY_METRICS.has(subjectOf(condition))
    ? { scale: builder.money.factor, suffix: builder.money.label }
    : PROBABILITY_METRICS.has(subjectOf(condition))
      ? { scale: 0.01, suffix: t('segments.units.percent') }
      : undefined;

  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label={t(`segments.types.${condition.type}`)}
        data={subjectOptions(condition, t, builder.attributes)}
        value={subjectOf(condition) || null}
        onChange={changeSubject}
        searchable
        allowDeselect={false}
        error={errorFor(subjectField)}
        w={220}
        data-testid="condition-subject"
      />
      {type && (
        <Select
          aria-label={t('segments.condition.type')}
          data={operatorsFor(type).map((op) => ({ value: op, label: operatorLabel(t, type, op) }))}
          value={condition.operator}
          onChange={(op) => op && onChange({ ...condition, operator: op as Operator })}
          allowDeselect={false}
          error={errorFor('operator')}
          w={190}
          data-testid="condition-operator"
        />
      )}
      {type && type !== 'boolean' && (
        <OperandInputs
          type={type}
          operator={condition.operator}
          operands={condition}
          onChange={(patch) => onChange({ ...condition, ...patch })}
          options={enumOptions(condition, t, builder.attributes)}
          number={number}
          errorFor={errorFor}
        />
      )}
      {condition.type === 'order' && <OrderWindow condition={condition} onChange={onChange} error={errorFor('windowDays')} />}
    </Group>
  );
}

function OrderWindow({ condition, onChange, error }: { condition: OrderCondition; onChange: (next: OrderCondition) => void; error?: string }) {
  const { t } = useTranslation();
  const limited = condition.windowDays !== undefined;
  return (
    <Group gap={6} align="flex-start" wrap="nowrap">
      <Select
        aria-label={t('segments.order.window')}
        data={[
          { value: 'all', label: t('segments.order.allOrders') },
          { value: 'window', label: t('segments.order.lastDays') },
        ]}
        value={limited ? 'window' : 'all'}
        onChange={(v) => onChange({ ...condition, windowDays: v === 'window' ? 90 : undefined })}
        allowDeselect={false}
        w={170}
        data-testid="order-window"
      />
      {limited && (
        <NumberInput
          aria-label={t('segments.operands.days')}
          value={condition.windowDays ?? ''}
          onChange={(v) => onChange({ ...condition, windowDays: typeof v === 'number' ? v : undefined })}
          min={1}
          allowDecimal={false}
          suffix={` ${t('segments.operands.daysSuffix')}`}
          error={error}
          w={130}
          data-testid="order-window-days"
        />
      )}
    </Group>
  );
}
