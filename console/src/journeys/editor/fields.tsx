import { Autocomplete, Group, NumberInput, Select, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Duration, DurationUnit } from '../types';

const UNITS: DurationUnit[] = ['minutes', 'hours', 'days', 'weeks'];

/** Amount and unit side by side ("3" "days"). */
export function DurationInput({ label, value, onChange, testId, disabled }: { label: string; value: Duration; onChange: (d: Duration) => void; testId: string; disabled: boolean }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" align="end" wrap="nowrap">
      <NumberInput
        label={label}
        min={1}
        max={100_000}
        value={value.amount}
        onChange={(v) => onChange({ ...value, amount: typeof v === 'number' && v >= 1 ? Math.floor(v) : 1 })}
        data-testid={`${testId}-amount`}
        disabled={disabled}
        style={{ flex: 1 }}
      />
      <Select
        aria-label={t('journeys.form.unit')}
        data={UNITS.map((u) => ({ value: u, label: t(`journeys.unitNames.${u}`) }))}
        value={value.unit}
        onChange={(u) => u && onChange({ ...value, unit: u as DurationUnit })}
        allowDeselect={false}
        data-testid={`${testId}-unit`}
        disabled={disabled}
        w={110}
      />
    </Group>
  );
}

/** HH:MM on a 24-hour clock, as the server expects. */
export function TimeInput({ label, value, onChange, testId, disabled }: { label: string; value: string; onChange: (v: string) => void; testId: string; disabled: boolean }) {
  const { t } = useTranslation();
  const valid = /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
  return (
    <TextInput
      label={label}
      value={value}
      dir="ltr"
      placeholder="09:00"
      onChange={(e) => onChange(e.currentTarget.value)}
      error={valid ? undefined : t('journeys.form.timeFormat')}
      data-testid={testId}
      disabled={disabled}
    />
  );
}

export function EventInput({ label, value, onChange, names, testId, disabled }: { label: string; value: string; onChange: (v: string) => void; names: string[]; testId: string; disabled: boolean }) {
  return <Autocomplete label={label} value={value} onChange={onChange} data={names} data-testid={testId} disabled={disabled} dir="ltr" />;
}

export function IntInput({ label, value, onChange, min, max, testId, disabled, description }: {
  label: string;
  value: number | undefined;
  onChange: (v: number | undefined) => void;
  min: number;
  max: number;
  testId: string;
  disabled: boolean;
  description?: string;
}) {
  return (
    <NumberInput
      label={label}
      description={description}
      min={min}
      max={max}
      value={value ?? ''}
      onChange={(v) => onChange(typeof v === 'number' ? v : undefined)}
      data-testid={testId}
      disabled={disabled}
    />
  );
}
