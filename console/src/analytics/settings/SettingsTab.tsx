import { Alert, Button, Card, Divider, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../auth/session';
import { useAttributeDefinitions } from '../../settings/attributes/queries';
import { useNotifyError, useNotifySuccess } from '../../shared/errors';
import { Loading, QueryError } from '../../shared/states';
import { moneyInputFactor, useAnalyticsFormat } from '../format';
import { canAnalytics, useAnalyticsSettings, useAnalyticsStatus, useKpis, useUpdateAnalyticsSettings } from '../queries';
import { type AnalyticsSettings, CALENDARS, type Calendar, type KpiUnit, type SettingsPatch, TRANSACTION_MODELS, type TransactionModel } from '../types';
import { FocusFields, type FocusDraft } from './FocusFields';
import { focusRange, monthsOf } from './focusPeriod';

type Draft = Omit<AnalyticsSettings, 'focus' | 'timezone' | 'discountRate'> & { discountPercent: number | string; focus: FocusDraft };

const num = (v: number | string, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || fallback);

function SettingsForm({ settings, units, currency }: { settings: AnalyticsSettings; units: Map<string, KpiUnit>; currency: string }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const update = useUpdateAnalyticsSettings();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const attributes = useAttributeDefinitions();
  const factorOf = (kpi: string | null) => (kpi && units.get(kpi) === 'money' ? moneyInputFactor(currency, format.language) : 1);
  const initial = (): Draft => ({
    activeDays: settings.activeDays,
    calendar: settings.calendar,
    horizonDays: settings.horizonDays,
    discountPercent: Math.round(settings.discountRate * 1000) / 10,
    preferredModel: settings.preferredModel,
    churnLabelAttribute: settings.churnLabelAttribute,
    refreshMinutes: settings.refreshMinutes,
    focus: settings.focus
      ? { kpi: settings.focus.kpi, target: settings.focus.target / factorOf(settings.focus.kpi), months: monthsOf(settings.focus, settings.calendar) ?? null, saved: settings.focus }
      : { kpi: null, target: '', months: 3, saved: null },
  });
  const [draft, setDraft] = useState<Draft>(initial);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the saved settings change
  useEffect(() => setDraft(initial()), [settings]);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const save = () => {
    const f = draft.focus;
    const range = f.months ? focusRange(f.months, draft.calendar) : f.saved;
    const patch: SettingsPatch = {
      activeDays: num(draft.activeDays, settings.activeDays),
      calendar: draft.calendar,
      horizonDays: num(draft.horizonDays, settings.horizonDays),
      discountRate: num(draft.discountPercent, settings.discountRate * 100) / 100,
      preferredModel: draft.preferredModel,
      churnLabelAttribute: draft.churnLabelAttribute || null,
      refreshMinutes: num(draft.refreshMinutes, settings.refreshMinutes),
      focus: f.kpi ? { kpi: f.kpi, target: num(f.target, 0) * factorOf(f.kpi), ...(range ?? {}) } : null,
    };
    update.mutate(patch, { onSuccess: () => notifySuccess(t('analytics.settings.saved')), onError: notifyError });
  };
  const booleans = (attributes.data ?? []).filter((a) => a.type === 'boolean');
  const currencyLabel = currency.toUpperCase() === 'IRR' && format.language === 'fa' ? 'تومان' : currency.toUpperCase();

  return (
    <Card withBorder radius="md" data-testid="analytics-settings-form">
      <Stack gap="md">
        <Text size="sm" c="dimmed">
          {t('analytics.settings.description')}
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
          <NumberInput label={t('analytics.settings.activeDays')} description={t('analytics.settings.activeDaysHint')} min={1} max={3650} value={draft.activeDays} onChange={(v) => set('activeDays', v as number)} data-testid="settings-active-days" />
          <Select label={t('analytics.settings.calendar')} description={t('analytics.settings.calendarHint')} data={CALENDARS.map((c) => ({ value: c, label: t(`analytics.calendars.${c}`) }))} value={draft.calendar} onChange={(v) => v && set('calendar', v as Calendar)} allowDeselect={false} data-testid="settings-calendar" />
          <TextInput label={t('analytics.settings.timezone')} value={settings.timezone} readOnly styles={{ input: { direction: 'ltr' } }} />
          <NumberInput label={t('analytics.settings.horizonDays')} description={t('analytics.settings.horizonDaysHint')} min={7} max={3650} value={draft.horizonDays} onChange={(v) => set('horizonDays', v as number)} data-testid="settings-horizon" />
          <NumberInput label={t('analytics.settings.discountRate')} description={t('analytics.settings.discountRateHint')} min={0} max={100} decimalScale={1} value={draft.discountPercent} onChange={(v) => set('discountPercent', v)} data-testid="settings-discount" />
          <Select label={t('analytics.settings.preferredModel')} data={TRANSACTION_MODELS.map((m) => ({ value: m, label: t(`analytics.models.modelNames.${m}`) }))} value={draft.preferredModel} onChange={(v) => v && set('preferredModel', v as TransactionModel)} allowDeselect={false} data-testid="settings-model" />
          <Select
            label={t('analytics.settings.churnLabelAttribute')}
            description={t('analytics.settings.churnLabelAttributeHint')}
            data={[{ value: '', label: t('analytics.settings.none') }, ...booleans.map((a) => ({ value: a.key, label: a.label })), ...(draft.churnLabelAttribute && !booleans.some((a) => a.key === draft.churnLabelAttribute) ? [{ value: draft.churnLabelAttribute, label: draft.churnLabelAttribute }] : [])]}
            value={draft.churnLabelAttribute ?? ''}
            onChange={(v) => set('churnLabelAttribute', v || null)}
            allowDeselect={false}
            data-testid="settings-churn-label"
          />
          <NumberInput label={t('analytics.settings.refreshMinutes')} min={1} max={1440} value={draft.refreshMinutes} onChange={(v) => set('refreshMinutes', v as number)} data-testid="settings-refresh" />
        </SimpleGrid>
        <Divider />
        <FocusFields draft={draft.focus} onChange={(focus) => set('focus', focus)} kpis={[...units].map(([id, unit]) => ({ id, unit }))} calendar={draft.calendar} currencyLabel={currencyLabel} />
        <Group justify="flex-end">
          <Button onClick={save} loading={update.isPending} disabled={Boolean(draft.focus.kpi) && (draft.focus.target === '' || Number.isNaN(Number(draft.focus.target)))} data-testid="settings-save">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

export function SettingsTab() {
  const { t } = useTranslation();
  const session = useSession();
  const settings = useAnalyticsSettings();
  const status = useAnalyticsStatus();
  const kpis = useKpis({ grain: 'month', periods: 1 });
  if (!canAnalytics(session, 'manage')) {
    return (
      <Alert color="gray" icon={<IconLock size={18} />}>
        {t('analytics.settings.notAllowed')}
      </Alert>
    );
  }
  if (settings.isPending || kpis.isPending) return <Loading />;
  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;
  const units = new Map<string, KpiUnit>((kpis.data?.kpis ?? []).map((k) => [k.id, k.unit]));
  return (
    <Stack gap="md" data-testid="analytics-settings">
      <SettingsForm settings={settings.data} units={units} currency={kpis.data?.currency ?? status.data?.currency ?? 'USD'} />
    </Stack>
  );
}
