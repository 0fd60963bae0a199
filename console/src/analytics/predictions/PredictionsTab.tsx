import { Card, Group, SegmentedControl, Select, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Loading } from '../../shared/states';
import { useAnalyticsFormat } from '../format';
import { useAnalyticsSettings, useAnalyticsStatus } from '../queries';
import { ScoredCustomersTable } from '../ScoredCustomersTable';
import { RISK_BANDS, type RiskBand, SCORED_SORTS, type ScoredSort } from '../types';

/** The at-risk list: who to win back first, by predicted value at stake. */
export function PredictionsTab() {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const status = useAnalyticsStatus();
  const settings = useAnalyticsSettings();
  const [risk, setRisk] = useState<RiskBand | 'all'>('high');
  const [sort, setSort] = useState<ScoredSort>('clv_at_risk');

  return (
    <Stack gap="md" data-testid="analytics-predictions">
      <Text size="sm" c="dimmed" maw={760}>
        {t('analytics.predictions.description')}
        {settings.data && ` ${t('analytics.predictions.horizon', { days: format.number(settings.data.horizonDays) })}`}
      </Text>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Text size="xs" fw={500}>
            {t('analytics.customers.risk')}
          </Text>
          <SegmentedControl
            size="xs"
            value={risk}
            onChange={(v) => setRisk(v as RiskBand | 'all')}
            data={[...[...RISK_BANDS].reverse(), 'all' as const].map((r) => ({ value: r, label: t(`analytics.risk.${r}`) }))}
            data-testid="predictions-risk"
          />
        </Stack>
        <Select
          size="xs"
          w={180}
          label={t('analytics.customers.sort')}
          data={SCORED_SORTS.map((s) => ({ value: s, label: t(`analytics.customers.sorts.${s}`) }))}
          value={sort}
          onChange={(v) => v && setSort(v as ScoredSort)}
          allowDeselect={false}
          data-testid="predictions-sort"
        />
      </Group>
      <Card withBorder radius="md" padding="sm">
        {status.data ? (
          <ScoredCustomersTable
            filters={{ risk: risk === 'all' ? undefined : risk, sort }}
            currency={status.data.currency}
            onSort={setSort}
            empty={risk === 'all' ? { title: t('analytics.predictions.empty'), description: t('analytics.predictions.emptyHint') } : undefined}
          />
        ) : (
          <Loading />
        )}
      </Card>
    </Stack>
  );
}
