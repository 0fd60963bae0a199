import { Group, MultiSelect, NumberInput, Select, TagsInput, Text, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { operandOf } from '../rules';
import type { Operands, Operator, ValueType } from '../types';

export interface Option {
  value: string;
  label: string;
}

/** How a number is typed: stored = typed × scale (money in major units, probabilities in %). */
export interface NumberScale {
  scale: number;
  suffix?: string;
}

export function operatorLabel(t: TFunction, type: ValueType | null, operator: Operator): string {
  if (type === 'list' && operator in LIST_LABELS) return t(`segments.listOperators.${operator as keyof typeof LIST_LABELS}`);
  return t(`segments.operators.${operator}`);
}
const LIST_LABELS = { contains: 1, not_contains: 1, in: 1, not_in: 1, is_set: 1, is_not_set: 1 } as const;

const toTyped = (stored: unknown, scale: number): number | string => (typeof stored === 'number' ? Number((stored / scale).toPrecision(12)) : '');
const toStored = (typed: number | string, scale: number): number | undefined => {
  if (typed === '' || typeof typed !== 'number' || Number.isNaN(typed)) return undefined;
  const stored = typed * scale;
  return scale >= 1 ? Math.round(stored) : Number(stored.toPrecision(10));
};

function ScalarInput({ type, value, onChange, options, number, error, testId, label }: {
  type: ValueType;
  value: unknown;
  onChange: (value: string | number | undefined) => void;
  options?: Option[];
  number?: NumberScale;
  error?: string;
  testId: string;
  label: string;
}) {
  const { t } = useTranslation();
  if (type === 'number') {
    const scale = number?.scale ?? 1;
    return (
      <NumberInput
        aria-label={label}
        placeholder={label}
        value={toTyped(value, scale)}
        onChange={(v) => onChange(toStored(v, scale))}
        suffix={number?.suffix ? ` ${number.suffix}` : undefined}
        thousandSeparator=","
        error={error}
        w={170}
        data-testid={testId}
      />
    );
  }
  if (type === 'date') {
    return <TextInput type="date" aria-label={label} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value || undefined)} error={error} w={170} data-testid={testId} />;
  }
  if (type === 'enum' && options) {
    return (
      <Select
        aria-label={label}
        placeholder={t('segments.operands.pick')}
        data={options}
        value={typeof value === 'string' ? value : null}
        onChange={(v) => onChange(v ?? undefined)}
        error={error}
        searchable
        w={200}
        data-testid={testId}
      />
    );
  }
  return <TextInput aria-label={label} placeholder={label} value={value === undefined ? '' : String(value)} onChange={(e) => onChange(e.currentTarget.value)} error={error} w={200} data-testid={testId} />;
}

/**
 * The operand(s) an operator needs, typed for the compared value: one value, a list, a
 * between range or a number of days. Nothing for operators like `is_set`.
 */
export function OperandInputs({ type, operator, operands, onChange, options, number, errorFor }: {
  type: ValueType;
  operator: Operator;
  operands: Operands;
  onChange: (patch: Operands) => void;
  /** The choices of an enum. */
  options?: Option[];
  number?: NumberScale;
  errorFor: (field: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const kind = operandOf(operator);
  if (kind === null) return null;

  if (kind === 'days') {
    return (
      <NumberInput
        aria-label={t('segments.operands.days')}
        value={operands.days ?? ''}
        onChange={(v) => onChange({ days: typeof v === 'number' ? v : undefined })}
        min={0}
        allowDecimal={false}
        suffix={` ${t('segments.operands.daysSuffix')}`}
        error={errorFor('days')}
        w={140}
        data-testid="operand-days"
      />
    );
  }

  if (kind === 'between') {
    return (
      <Group gap={6} wrap="nowrap" align="flex-start">
        <ScalarInput type={type} value={operands.from} onChange={(from) => onChange({ from })} number={number} error={errorFor('from')} testId="operand-from" label={t('segments.operands.from')} />
        <Text size="sm" mt={6}>
          {t('segments.operands.and')}
        </Text>
        <ScalarInput type={type} value={operands.to} onChange={(to) => onChange({ to })} number={number} error={errorFor('to')} testId="operand-to" label={t('segments.operands.to')} />
      </Group>
    );
  }

  if (kind === 'values') {
    const values = operands.values ?? [];
    if (options) {
      return (
        <MultiSelect
          aria-label={t('segments.operands.values')}
          placeholder={values.length === 0 ? t('segments.operands.pick') : undefined}
          data={options}
          value={values.map(String)}
          onChange={(v) => onChange({ values: v.length > 0 ? v : undefined })}
          error={errorFor('values')}
          searchable
          miw={240}
          maw={520}
          data-testid="operand-values"
        />
      );
    }
    const numeric = type === 'number';
    return (
      <TagsInput
        aria-label={t('segments.operands.values')}
        placeholder={t('segments.operands.valuesHint')}
        value={values.map(String)}
        onChange={(v) => {
          const parsed = numeric ? v.map(Number).filter((n) => Number.isFinite(n)) : v;
          onChange({ values: parsed.length > 0 ? parsed : undefined });
        }}
        error={errorFor('values')}
        miw={240}
        maw={520}
        data-testid="operand-values"
      />
    );
  }

  // One value; a list compares one element, so it is typed as text.
  return (
    <ScalarInput
      type={type === 'list' ? 'string' : type}
      value={operands.value}
      onChange={(value) => onChange({ value })}
      options={options}
      number={number}
      error={errorFor('value')}
      testId="operand-value"
      label={t('segments.operands.value')}
    />
  );
}
