import { BarChart, LineChart } from '@mantine/charts';
import { Card, Group, Select, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SERIES, useChartMirror } from '../charts';
import { useAnalyticsFormat } from '../format';
import { kpiDefinition, kpiName } from '../kpis';
import type { KpiReport } from '../types';

/** One KPI over the periods: bars for amounts, a line for rates. */
export function TrendCard({ report }: { report: KpiReport }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const mirror = useChartMirror();
  const [picked, setPicked] = useState<string | null>(null);
  const kpi = report.kpis.find((k) => k.id === picked) ?? report.kpis.find((k) => k.id === 'revenue') ?? report.kpis[0];
  if (!kpi) return null;
  const name = kpiName(t, kpi.id);
  const data = report.periods.map((period, i) => ({ period: format.period(period, report.grain, report.calendar), [name]: kpi.values[i]?.value ?? null }));
  const props = {
    h: 260,
    data,
    dataKey: 'period',
    series: [{ name, color: kpi.higherIsBetter ? SERIES.primary : 'orange.6' }],
    valueFormatter: (v: number) => format.kpi(kpi.unit, v, report.currency),
    xAxisProps: mirror.xAxisProps,
    yAxisProps: { ...mirror.yAxisProps, tickFormatter: (v: number) => format.kpiTick(kpi.unit, v, report.currency), width: 72 },
  };

  return (
    <Card withBorder radius="md" data-testid="trend-card" data-kpi={kpi.id}>
      <Group justify="space-between" mb="xs" align="flex-end">
        <div>
          <Title order={4}>{t('analytics.overview.trend')}</Title>
          <Text size="xs" c="dimmed" maw={560}>
            {kpiDefinition(t, kpi)}
          </Text>
        </div>
        <Select
          size="xs"
          w={220}
          aria-label={t('analytics.overview.trendKpi')}
          data={report.kpis.map((k) => ({ value: k.id, label: kpiName(t, k.id) }))}
          value={kpi.id}
          onChange={setPicked}
          allowDeselect={false}
          data-testid="trend-kpi"
        />
      </Group>
      <div data-testid="trend-chart">
        {kpi.unit === 'percent' || kpi.unit === 'ratio' ? <LineChart {...props} connectNulls={false} /> : <BarChart {...props} />}
      </div>
    </Card>
  );
}

/** New and returning buyers per period, stacked: where growth comes from. */
export function NewVsReturningCard({ report }: { report: KpiReport }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const mirror = useChartMirror();
  const fresh = report.kpis.find((k) => k.id === 'new_customers');
  const returning = report.kpis.find((k) => k.id === 'returning_customers');
  if (!fresh || !returning) return null;
  const newLabel = t('analytics.overview.newCustomers');
  const returningLabel = t('analytics.overview.returningCustomers');
  const data = report.periods.map((period, i) => ({
    period: format.period(period, report.grain, report.calendar),
    [newLabel]: fresh.values[i]?.value ?? 0,
    [returningLabel]: returning.values[i]?.value ?? 0,
  }));
  return (
    <Card withBorder radius="md" data-testid="new-vs-returning">
      <Title order={4} mb="xs">
        {t('analytics.overview.newVsReturning')}
      </Title>
      <BarChart
        h={260}
        data={data}
        dataKey="period"
        type="stacked"
        withLegend
        series={[
          { name: returningLabel, color: SERIES.primary },
          { name: newLabel, color: SERIES.secondary },
        ]}
        valueFormatter={(v) => format.number(v)}
        xAxisProps={mirror.xAxisProps}
        yAxisProps={{ ...mirror.yAxisProps, tickFormatter: (v: number) => format.compact(v), width: 56 }}
      />
    </Card>
  );
}
