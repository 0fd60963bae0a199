import { Button, Group, SegmentedControl, Select, Stack, Switch, TextInput } from '@mantine/core';
import { IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { moneyInputFactor } from '../../analytics/format';
import { useAnalyticsSettings, useAnalyticsStatus } from '../../analytics/queries';
import { isLanguage } from '../../i18n/language';
import { BuilderProvider } from '../../segments/builder/context';
import { GroupEditor } from '../../segments/builder/GroupEditor';
import { emptyGroup } from '../../segments/rules';
import type { PropertyFilter, Step, StepOf } from '../types';
import type { Lookups } from './lookups';

const OPERATORS = ['equals', 'not_equals', 'contains', 'gt', 'gte', 'lt', 'lte', 'exists', 'not_exists'];

/**
 * A condition's check: segment rules evaluated for the one customer (the segments' own rule
 * builder), membership of a segment, or filters over the run's context.
 */
export function ConditionForm({ step, lookups, disabled, onChange }: { step: StepOf<'condition'>; lookups: Lookups; disabled: boolean; onChange: (s: Step) => void }) {
  const { t, i18n } = useTranslation();
  const settings = useAnalyticsSettings();
  const status = useAnalyticsStatus();
  const language = isLanguage(i18n.language) ? i18n.language : 'en';
  const currency = status.data?.currency ?? 'USD';
  const check = step.check;
  const setCheck = (next: StepOf<'condition'>['check']) => onChange({ ...step, check: next });
  const setFilters = (properties: PropertyFilter[]) => setCheck({ type: 'context', properties });

  return (
    <Stack gap="xs">
      <SegmentedControl
        data={[
          { value: 'rules', label: t('journeys.form.checkRules') },
          { value: 'segment', label: t('journeys.form.checkSegment') },
          { value: 'context', label: t('journeys.form.checkContext') },
        ]}
        value={check.type}
        onChange={(type) =>
          setCheck(
            type === 'rules'
              ? { type: 'rules', rules: emptyGroup() }
              : type === 'segment'
                ? { type: 'segment', segmentId: '', member: true }
                : { type: 'context', properties: [{ path: '', operator: 'equals', value: '' }] },
          )
        }
        disabled={disabled}
        data-testid="condition-type"
      />
      {check.type === 'rules' && (
        <BuilderProvider
          value={{
            attributes: lookups.attributes,
            eventSchemas: [],
            language,
            calendar: language === 'fa' ? 'jalali' : (settings.data?.calendar ?? 'gregorian'),
            money: { factor: moneyInputFactor(currency, language), label: currency.toUpperCase() },
            error: null,
          }}
        >
          <fieldset disabled={disabled} style={{ border: 0, padding: 0, margin: 0 }}>
            <GroupEditor group={check.rules} onChange={(rules) => setCheck({ type: 'rules', rules })} prefix="check.rules" />
          </fieldset>
        </BuilderProvider>
      )}
      {check.type === 'segment' && (
        <>
          <Select
            label={t('journeys.form.segment')}
            data={lookups.segments.map((s) => ({ value: s.id, label: s.name }))}
            value={check.segmentId || null}
            onChange={(v) => setCheck({ ...check, segmentId: v ?? '' })}
            searchable
            disabled={disabled}
            data-testid="condition-segment"
          />
          <Switch label={t('journeys.form.member')} checked={check.member} onChange={(e) => setCheck({ ...check, member: e.currentTarget.checked })} disabled={disabled} />
        </>
      )}
      {check.type === 'context' &&
        check.properties.map((f, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: filters have no identity but their position
          <Group key={`${i}`} gap="xs" wrap="nowrap" align="end">
            <TextInput label={t('journeys.form.path')} value={f.path} dir="ltr" onChange={(e) => setFilters(check.properties.map((x, j) => (j === i ? { ...x, path: e.currentTarget.value } : x)))} disabled={disabled} style={{ flex: 1 }} />
            <Select data={OPERATORS} value={f.operator} onChange={(v) => v && setFilters(check.properties.map((x, j) => (j === i ? { ...x, operator: v } : x)))} allowDeselect={false} disabled={disabled} w={110} aria-label={t('journeys.form.operator')} />
            {f.operator !== 'exists' && f.operator !== 'not_exists' && (
              <TextInput aria-label={t('journeys.form.value')} value={String(f.value ?? '')} onChange={(e) => setFilters(check.properties.map((x, j) => (j === i ? { ...x, value: e.currentTarget.value } : x)))} disabled={disabled} w={90} />
            )}
            <Button variant="subtle" color="red" size="compact-sm" disabled={disabled || check.properties.length <= 1} onClick={() => setFilters(check.properties.filter((_, j) => j !== i))}>
              <IconTrash size={14} />
            </Button>
          </Group>
        ))}
      {check.type === 'context' && (
        <Button variant="light" size="compact-sm" disabled={disabled} onClick={() => setFilters([...check.properties, { path: '', operator: 'equals', value: '' }])}>
          {t('journeys.form.addFilter')}
        </Button>
      )}
    </Stack>
  );
}
