import { Group, NumberInput, Select, TextInput } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { CONSENT_CHANNELS } from '../../api/types';
import type { Language } from '../../i18n/language';
import { ANNIVERSARY_OPERATORS, type AnniversaryCondition, CONSENT_STATUSES, type ConsentCondition, type SegmentCalendar, type TagCondition } from '../types';
import { useBuilder, useFieldErrors } from './context';

export function ConsentEditor({ condition, onChange, prefix }: { condition: ConsentCondition; onChange: (next: ConsentCondition) => void; prefix: string }) {
  const { t } = useTranslation();
  const errorFor = useFieldErrors(prefix);
  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label={t('segments.consent.channel')}
        data={CONSENT_CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))}
        value={condition.channel}
        onChange={(channel) => channel && onChange({ ...condition, channel: channel as ConsentCondition['channel'] })}
        allowDeselect={false}
        error={errorFor('channel')}
        w={200}
        data-testid="consent-channel"
      />
      <Select
        aria-label={t('segments.consent.status')}
        data={CONSENT_STATUSES.map((s) => ({ value: s, label: t(`segments.consent.statuses.${s}`) }))}
        value={condition.status}
        onChange={(status) => status && onChange({ ...condition, status: status as ConsentCondition['status'] })}
        allowDeselect={false}
        error={errorFor('status')}
        w={180}
        data-testid="consent-status"
      />
    </Group>
  );
}

export function TagEditor({ condition, onChange, prefix }: { condition: TagCondition; onChange: (next: TagCondition) => void; prefix: string }) {
  const { t } = useTranslation();
  const errorFor = useFieldErrors(prefix);
  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label={t('segments.tag.has')}
        data={(['has', 'has_not'] as const).map((op) => ({ value: op, label: t(`segments.tag.${op}`) }))}
        value={condition.operator}
        onChange={(op) => op && onChange({ ...condition, operator: op as TagCondition['operator'] })}
        allowDeselect={false}
        w={190}
        data-testid="tag-operator"
      />
      <TextInput
        aria-label={t('segments.tag.value')}
        placeholder={t('segments.tag.value')}
        value={condition.value}
        onChange={(e) => onChange({ ...condition, value: e.currentTarget.value })}
        error={errorFor('value')}
        w={200}
        data-testid="tag-value"
      />
    </Group>
  );
}

const LOCALES: Record<Language, string> = { fa: 'fa-IR', ar: 'ar-EG', en: 'en-GB' };

/**
 * Month names 1–12 of a calendar in the console's language. Gregorian names come from Intl;
 * the Jalali ones are ours, so that "Azar" reads the same in every browser.
 */
export function monthNames(calendar: SegmentCalendar, language: Language, t: TFunction): string[] {
  const months = Array.from({ length: 12 }, (_, i) => i + 1);
  if (calendar === 'jalali') return months.map((m) => t(`segments.months.jalali.m${m as 1}`));
  const format = new Intl.DateTimeFormat(LOCALES[language], { month: 'long', calendar: 'gregory', timeZone: 'UTC' });
  return months.map((m) => format.format(Date.UTC(2001, m - 1, 15)));
}

/** Anniversaries of a date, year ignored: "birthday this Jalali month", "signup in the next 7 days". */
export function AnniversaryEditor({ condition, onChange, prefix }: { condition: AnniversaryCondition; onChange: (next: AnniversaryCondition) => void; prefix: string }) {
  const { t } = useTranslation();
  const { attributes, language, calendar: workspaceCalendar } = useBuilder();
  const errorFor = useFieldErrors(prefix);
  const calendar = condition.calendar ?? workspaceCalendar;
  const dateAttributes = attributes.filter((a) => a.type === 'date');
  const months = monthNames(calendar, language, t);

  return (
    <Group gap="xs" align="flex-start">
      <Select
        aria-label={t('segments.anniversary.field')}
        data={(['birthday', 'created_at', 'attribute'] as const)
          .filter((f) => f !== 'attribute' || dateAttributes.length > 0)
          .map((f) => ({ value: f, label: t(`segments.anniversary.fields.${f}`) }))}
        value={condition.field}
        onChange={(field) => field && onChange({ ...condition, field: field as AnniversaryCondition['field'], key: field === 'attribute' ? (condition.key ?? dateAttributes[0]?.key) : undefined })}
        allowDeselect={false}
        w={170}
        data-testid="anniversary-field"
      />
      {condition.field === 'attribute' && (
        <Select
          aria-label={t('segments.attribute.key')}
          data={dateAttributes.map((a) => ({ value: a.key, label: a.label || a.key }))}
          value={condition.key ?? null}
          onChange={(key) => key && onChange({ ...condition, key })}
          allowDeselect={false}
          error={errorFor('key')}
          w={180}
          data-testid="anniversary-key"
        />
      )}
      <Select
        aria-label={t('segments.condition.type')}
        data={ANNIVERSARY_OPERATORS.map((op) => ({ value: op, label: t(`segments.anniversary.operators.${op}`) }))}
        value={condition.operator}
        onChange={(op) =>
          op &&
          onChange({
            ...condition,
            operator: op as AnniversaryCondition['operator'],
            days: op === 'within_next_days' ? (condition.days ?? 7) : condition.days,
            value: op === 'month_is' ? (condition.value ?? 1) : condition.value,
          })
        }
        allowDeselect={false}
        error={errorFor('operator')}
        w={190}
        data-testid="anniversary-operator"
      />
      {condition.operator === 'within_next_days' && (
        <NumberInput
          aria-label={t('segments.operands.days')}
          value={condition.days ?? ''}
          onChange={(v) => onChange({ ...condition, days: typeof v === 'number' ? v : undefined })}
          min={0}
          allowDecimal={false}
          suffix={` ${t('segments.operands.daysSuffix')}`}
          error={errorFor('days')}
          w={140}
          data-testid="anniversary-days"
        />
      )}
      {condition.operator === 'month_is' && (
        <Select
          aria-label={t('segments.anniversary.month')}
          data={months.map((label, i) => ({ value: String(i + 1), label }))}
          value={condition.value ? String(condition.value) : null}
          onChange={(m) => m && onChange({ ...condition, value: Number(m) })}
          allowDeselect={false}
          error={errorFor('value')}
          w={160}
          data-testid="anniversary-month"
        />
      )}
      {condition.operator !== 'today' && condition.operator !== 'within_next_days' && (
        <Select
          aria-label={t('segments.anniversary.calendar')}
          data={(['jalali', 'gregorian'] as const).map((c) => ({ value: c, label: t(`segments.anniversary.calendars.${c}`) }))}
          value={calendar}
          onChange={(c) => c && onChange({ ...condition, calendar: c as SegmentCalendar })}
          allowDeselect={false}
          w={190}
          data-testid="anniversary-calendar"
        />
      )}
    </Group>
  );
}
