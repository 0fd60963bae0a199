import { LineChart } from '@mantine/charts';
import { Card, Group, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { IconTable } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { SERIES, useChartMirror } from '../charts';
import { useAnalyticsFormat } from '../format';
import { useCohorts } from '../queries';
import { CALENDARS, type Calendar, COHORT_GRAINS, type CohortGrain, type CohortReport } from '../types';
import { CohortHeatmap, type CohortMode } from './CohortHeatmap';

/** Size-weighted share of cohorts buying again n periods after their first purchase. */
function retentionCurve(report: CohortReport): { offset: number; percent: number }[] {
  const sums = new Map<number, { customers: number; size: number }>();
  for (const cohort of report.cohorts) {
    for (const cell of cohort.cells) {
      const s = sums.get(cell.offset) ?? { customers: 0, size: 0 };
      s.customers += cell.customers;
      s.size += cohort.size;
      sums.set(cell.offset, s);
    }
  }
  return [...sums.entries()]
    .filter(([offset, s]) => offset > 0 && s.size > 0)
    .sort(([a], [b]) => a - b)
    .map(([offset, s]) => ({ offset, percent: (s.customers / s.size) * 100 }));
}

function RetentionCurve({ report }: { report: CohortReport }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const mirror = useChartMirror();
  const label = t('analytics.cohorts.modes.percent');
  const data = retentionCurve(report).map((p) => ({ offset: t('analytics.cohorts.offset', { n: format.number(p.offset) }), [label]: p.percent }));
  if (data.length < 2) return null;
  return (
    <Card withBorder radius="md" data-testid="retention-curve">
      <Title order={4}>{t('analytics.cohorts.curve')}</Title>
      <Text size="xs" c="dimmed" mb="xs">
        {t('analytics.cohorts.curveHint')}
      </Text>
      <LineChart
        h={220}
        data={data}
        dataKey="offset"
        series={[{ name: label, color: SERIES.primary }]}
        valueFormatter={(v) => format.percent(v)}
        xAxisProps={mirror.xAxisProps}
        yAxisProps={{ ...mirror.yAxisProps, tickFormatter: (v: number) => format.percent(v, 0), width: 56 }}
      />
    </Card>
  );
}

export function CohortsTab() {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const [grain, setGrain] = useState<CohortGrain>('month');
  const [calendar, setCalendar] = useState<Calendar | undefined>(undefined);
  const [cohorts, setCohorts] = useState(12);
  const [mode, setMode] = useState<CohortMode>('percent');
  const report = useCohorts({ grain, calendar, cohorts });

  return (
    <Stack gap="md" data-testid="analytics-cohorts">
      <Text size="sm" c="dimmed" maw={760}>
        {t('analytics.cohorts.description')}
      </Text>
      <Group gap="sm" align="flex-end" wrap="wrap">
        <Stack gap={2}>
          <Text size="xs" fw={500}>
            {t('analytics.cohorts.grain')}
          </Text>
          <SegmentedControl
            size="xs"
            value={grain}
            onChange={(v) => setGrain(v as CohortGrain)}
            data={COHORT_GRAINS.map((g) => ({ value: g, label: t(`analytics.grains.${g}`) }))}
            data-testid="cohort-grain"
          />
        </Stack>
        <Select
          size="xs"
          w={170}
          label={t('analytics.filters.calendar')}
          data={CALENDARS.map((c) => ({ value: c, label: t(`analytics.calendars.${c}`) }))}
          value={calendar ?? report.data?.calendar ?? null}
          onChange={(v) => v && setCalendar(v as Calendar)}
          allowDeselect={false}
        />
        <Select
          size="xs"
          w={90}
          label={t('analytics.cohorts.count')}
          data={[6, 12, 18, 24].map((n) => ({ value: String(n), label: format.number(n) }))}
          value={String(cohorts)}
          onChange={(v) => v && setCohorts(Number(v))}
          allowDeselect={false}
        />
        <Stack gap={2}>
          <Text size="xs" fw={500}>
            {t('analytics.cohorts.show')}
          </Text>
          <SegmentedControl
            size="xs"
            value={mode}
            onChange={(v) => setMode(v as CohortMode)}
            data={(['percent', 'customers', 'revenue'] as const).map((m) => ({ value: m, label: t(`analytics.cohorts.modes.${m}`) }))}
            data-testid="cohort-mode"
          />
        </Stack>
      </Group>
      {report.isPending ? (
        <Loading />
      ) : report.isError ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : report.data.cohorts.length === 0 ? (
        <EmptyState testId="cohorts-empty" icon={<IconTable size={26} />} title={t('analytics.cohorts.empty')} description={t('analytics.cohorts.emptyHint')} />
      ) : (
        <>
          <Card withBorder radius="md" padding="sm">
            <CohortHeatmap report={report.data} mode={mode} />
          </Card>
          <RetentionCurve report={report.data} />
        </>
      )}
    </Stack>
  );
}
