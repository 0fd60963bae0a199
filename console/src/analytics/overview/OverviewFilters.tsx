import { Group, Select, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAnalyticsFormat } from '../format';
import { CALENDARS, type Calendar, GRAINS, type KpiQuery, RFM_SEGMENTS } from '../types';
import { today } from './filters';

/** A text filter applied on Enter or when leaving the field, not on every key. */
function LazyText({ label, placeholder, value, onApply, testId }: { label: string; placeholder: string; value: string | undefined; onApply: (value: string | undefined) => void; testId: string }) {
  const [draft, setDraft] = useState(value ?? '');
  useEffect(() => setDraft(value ?? ''), [value]);
  const apply = () => (draft.trim() || undefined) !== value && onApply(draft.trim() || undefined);
  return (
    <TextInput
      size="xs"
      w={110}
      label={label}
      placeholder={placeholder}
      value={draft}
      onChange={(e) => setDraft(e.currentTarget.value)}
      onBlur={apply}
      onKeyDown={(e) => e.key === 'Enter' && apply()}
      data-testid={testId}
    />
  );
}

export function OverviewFilters({ query, date, calendar, lastOrder, onChange }: {
  query: KpiQuery;
  /** The day the last period shown contains; undefined for today. */
  date: string | undefined;
  /** The calendar the report is in (the workspace's unless picked). */
  calendar: Calendar | undefined;
  /** The newest order's day, offered as the end of the periods shown. */
  lastOrder: string | undefined;
  onChange: (patch: Partial<KpiQuery>) => void;
}) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const now = today();
  return (
    <Group gap="sm" align="flex-end" wrap="wrap" data-testid="overview-filters">
      <Select
        size="xs"
        w={100}
        label={t('analytics.filters.grain')}
        data={GRAINS.map((g) => ({ value: g, label: t(`analytics.grains.${g}`) }))}
        value={query.grain}
        onChange={(value) => value && onChange({ grain: value as KpiQuery['grain'] })}
        allowDeselect={false}
        data-testid="overview-grain"
      />
      <Select
        size="xs"
        w={160}
        label={t('analytics.filters.calendar')}
        data={CALENDARS.map((c) => ({ value: c, label: t(`analytics.calendars.${c}`) }))}
        value={query.calendar ?? calendar ?? null}
        onChange={(value) => value && onChange({ calendar: value as Calendar })}
        allowDeselect={false}
        data-testid="overview-calendar"
      />
      <Select
        size="xs"
        w={90}
        label={t('analytics.filters.periods')}
        data={[3, 6, 12, 18, 24, 36].map((n) => ({ value: String(n), label: format.number(n) }))}
        value={String(query.periods)}
        onChange={(value) => value && onChange({ periods: Number(value) })}
        allowDeselect={false}
        data-testid="overview-periods"
      />
      <Select
        size="xs"
        w={150}
        label={t('analytics.filters.segment')}
        data={[{ value: '', label: t('analytics.filters.allSegments') }, ...RFM_SEGMENTS.map((s) => ({ value: s, label: t(`analytics.segments.${s}`) }))]}
        value={query.segment ?? ''}
        onChange={(value) => onChange({ segment: (value || undefined) as KpiQuery['segment'] })}
        allowDeselect={false}
        data-testid="overview-segment"
      />
      <LazyText label={t('analytics.filters.tag')} placeholder={t('analytics.filters.anyTag')} value={query.tag} onApply={(tag) => onChange({ tag })} testId="overview-tag" />
      <LazyText label={t('analytics.filters.channel')} placeholder={t('analytics.filters.anyChannel')} value={query.channel} onApply={(channel) => onChange({ channel })} testId="overview-channel" />
      <Select
        size="xs"
        w={190}
        label={t('analytics.filters.date')}
        data={[
          { value: 'today', label: t('analytics.filters.today') },
          ...(lastOrder && lastOrder !== now ? [{ value: lastOrder, label: t('analytics.filters.lastOrder', { date: format.day(lastOrder) }) }] : []),
          ...(date && date !== now && date !== lastOrder ? [{ value: date, label: format.day(date) }] : []),
        ]}
        value={!date || date === now ? 'today' : date}
        onChange={(value) => value && onChange({ date: value === 'today' ? now : value })}
        allowDeselect={false}
        data-testid="overview-date"
      />
    </Group>
  );
}
