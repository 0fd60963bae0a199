import { Group, NumberInput, Select, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useAnalyticsFormat } from '../format';
import { kpiName } from '../kpis';
import type { Calendar, Kpi } from '../types';
import { FOCUS_MONTHS, focusRange } from './focusPeriod';

export interface FocusDraft {
  kpi: string | null;
  /** In the unit people type: percent, major money units (tomans for rials in Persian), count. */
  target: number | string;
  /** Months from the start of this month; null keeps a saved custom range. */
  months: number | null;
  saved: { start: string; end: string } | null;
}

/** The focus figure, its target and its period (default: 3 months from this month's start). */
export function FocusFields({ draft, onChange, kpis, calendar, currencyLabel }: {
  draft: FocusDraft;
  onChange: (draft: FocusDraft) => void;
  kpis: Pick<Kpi, 'id' | 'unit'>[];
  calendar: Calendar;
  currencyLabel: string;
}) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const unit = kpis.find((k) => k.id === draft.kpi)?.unit;
  const range = draft.months ? focusRange(draft.months, calendar) : draft.saved;
  const suffix = unit === 'percent' ? ' %' : unit === 'money' ? ` ${currencyLabel}` : undefined;

  return (
    <Stack gap="xs" data-testid="focus-fields">
      <Title order={5}>{t('analytics.settings.focus')}</Title>
      <Text size="xs" c="dimmed">
        {t('analytics.settings.focusHint')}
      </Text>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Select
          w={240}
          label={t('analytics.settings.focusKpi')}
          data={[{ value: '', label: t('analytics.settings.noFocus') }, ...kpis.map((k) => ({ value: k.id, label: kpiName(t, k.id) }))]}
          value={draft.kpi ?? ''}
          onChange={(v) => onChange({ ...draft, kpi: v || null })}
          allowDeselect={false}
          data-testid="focus-kpi"
        />
        {draft.kpi && (
          <>
            <NumberInput
              w={180}
              label={t('analytics.settings.focusTarget')}
              value={draft.target}
              onChange={(v) => onChange({ ...draft, target: v })}
              suffix={suffix}
              thousandSeparator
              decimalScale={2}
              required
              data-testid="focus-target"
            />
            <Select
              w={160}
              label={t('analytics.settings.focusPeriod')}
              data={[
                ...FOCUS_MONTHS.map((n) => ({ value: String(n), label: n === 1 ? t('analytics.settings.month') : t('analytics.settings.months', { n: format.number(n) }) })),
                ...(draft.saved && !draft.months ? [{ value: 'saved', label: t('analytics.focus.period', { start: format.day(draft.saved.start), end: format.day(draft.saved.end) }) }] : []),
              ]}
              value={draft.months ? String(draft.months) : 'saved'}
              onChange={(v) => v && onChange({ ...draft, months: v === 'saved' ? null : Number(v) })}
              allowDeselect={false}
              data-testid="focus-period"
            />
          </>
        )}
      </Group>
      {draft.kpi && range && (
        <Text size="sm" data-testid="focus-range">
          {t('analytics.settings.focusRange', { start: format.calendarDay(range.start, calendar), end: format.calendarDay(range.end, calendar) })}
        </Text>
      )}
    </Stack>
  );
}
