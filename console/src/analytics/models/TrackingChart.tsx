import { BarChart, LineChart } from '@mantine/charts';
import { useTranslation } from 'react-i18next';
import { SERIES, useChartMirror } from '../charts';
import { useAnalyticsFormat } from '../format';
import type { Calendar, TransactionsModel } from '../types';

/**
 * Weekly purchases, actual against what the model expected, with a line where the holdout
 * (the weeks the model never saw) begins.
 */
export function TrackingChart({ model }: { model: TransactionsModel }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const mirror = useChartMirror();
  const calendar: Calendar = format.language === 'fa' ? 'jalali' : 'gregorian';
  const actual = t('analytics.models.actual');
  const expected = t('analytics.models.expected');
  const label = (start: string) => format.period({ start, end: start, label: start }, 'week', calendar);
  const data = model.tracking.map((w) => ({ week: label(w.start), [actual]: w.actual, [expected]: w.expected }));
  const split = model.tracking.find((w) => w.start > model.calibrationEnd);
  return (
    <div data-testid="tracking-chart" data-weeks={model.tracking.length} data-holdout-from={split?.start ?? ''}>
      <LineChart
        h={280}
        data={data}
        dataKey="week"
        withLegend
        withDots={false}
        series={[
          { name: actual, color: SERIES.primary },
          { name: expected, color: SERIES.secondary, strokeDasharray: '6 4' },
        ]}
        referenceLines={split ? [{ x: label(split.start), label: t('analytics.models.holdoutStarts'), color: 'orange.7', strokeDasharray: '3 3' }] : []}
        valueFormatter={(v) => format.decimal(v, 1)}
        xAxisProps={mirror.xAxisProps}
        yAxisProps={{ ...mirror.yAxisProps, tickFormatter: (v: number) => format.compact(v), width: 48 }}
      />
    </div>
  );
}

/** Holdout purchases per group of customers with the same number of earlier repeat purchases. */
export function HoldoutByFrequencyChart({ model }: { model: TransactionsModel }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const mirror = useChartMirror();
  const actual = t('analytics.models.actual');
  const expected = t('analytics.models.expected');
  const data = model.holdoutByFrequency.map((g) => ({
    frequency: /^\d+$/.test(g.frequency) ? format.number(Number(g.frequency)) : g.frequency.replace(/\d+/g, (d) => format.number(Number(d))),
    [actual]: g.actual,
    [expected]: g.expected,
  }));
  return (
    <div data-testid="holdout-chart">
      <BarChart
        h={240}
        data={data}
        dataKey="frequency"
        withLegend
        series={[
          { name: actual, color: SERIES.primary },
          { name: expected, color: SERIES.secondary },
        ]}
        valueFormatter={(v) => format.decimal(v, 2)}
        xAxisProps={mirror.xAxisProps}
        xAxisLabel={t('analytics.models.frequency')}
        yAxisProps={{ ...mirror.yAxisProps, tickFormatter: (v: number) => format.decimal(v, 1), width: 48 }}
      />
    </div>
  );
}
