import { Alert, Grid, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconCalendarStats, IconChartBar } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { useAnalyticsFormat } from '../format';
import { useAnalyticsStatus, useKpis, useScoredCustomers } from '../queries';
import { daysBetween, today, useOverviewQuery } from './filters';
import { FocusCard } from './FocusCard';
import { KpiCard } from './KpiCard';
import { OverviewFilters } from './OverviewFilters';
import { NewVsReturningCard, TrendCard } from './TrendCard';

/** A last order older than this makes the periods end at it rather than today. */
const STALE_DAYS = 45;

/** The newest order's day, from the scored customers sorted by last order. */
function useLastOrderDay(): string | undefined {
  const latest = useScoredCustomers({ sort: 'last_order' }, { limit: 1 });
  return latest.data?.pages[0]?.data[0]?.lastOrderAt;
}

export function OverviewTab() {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const [query, update] = useOverviewQuery();
  const status = useAnalyticsStatus();
  const lastOrder = useLastOrderDay();
  const stale = !query.date && lastOrder !== undefined && daysBetween(lastOrder, today()) > STALE_DAYS;
  const date = query.date ?? (stale ? lastOrder : undefined);
  const report = useKpis({ ...query, date });

  if (status.data && !status.data.asOf) {
    return <EmptyState testId="analytics-not-computed" icon={<IconChartBar size={26} />} title={t('analytics.status.never')} description={t('analytics.status.neverHint')} />;
  }

  const data = report.data;
  const lastPeriod = data?.periods.at(-1);
  const lastLabel = data && lastPeriod ? format.period(lastPeriod, data.grain, data.calendar) : '';
  // The running period is not over yet: its figures are "so far".
  const periodLabel = lastPeriod && lastPeriod.end >= today() ? t('analytics.overview.running', { period: lastLabel }) : lastLabel;
  const empty = data ? data.kpis.every((k) => k.values.every((v) => v.value === null || v.value === 0)) : false;

  return (
    <Stack gap="md" data-testid="analytics-overview">
      <OverviewFilters query={query} date={date} calendar={data?.calendar} lastOrder={lastOrder} onChange={update} />
      {stale && lastOrder && (
        <Alert color="blue" variant="light" icon={<IconCalendarStats size={18} />} data-testid="overview-older-data">
          {t('analytics.overview.olderData', { date: format.day(lastOrder) })}
        </Alert>
      )}
      {report.isPending ? (
        <Loading />
      ) : report.isError ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <>
          <FocusCard report={report.data} />
          <Title order={4}>{t('analytics.overview.kpis')}</Title>
          {report.data.comparedTo && (
            <Text size="sm" c="dimmed" data-testid="kpi-compared-to">
              {t('analytics.overview.comparedTo', { from: format.day(report.data.comparedTo.start), to: format.day(report.data.comparedTo.end) })}
            </Text>
          )}
          {empty && <EmptyState testId="overview-empty" title={t('analytics.overview.empty')} description={t('analytics.overview.emptyHint')} />}
          <SimpleGrid cols={{ base: 1, xs: 2, md: 3, xl: 4 }} spacing="md" data-testid="kpi-grid">
            {report.data.kpis.map((kpi) => (
              <KpiCard key={kpi.id} kpi={kpi} currency={report.data.currency} period={periodLabel} />
            ))}
          </SimpleGrid>
          <Grid gutter="md">
            <Grid.Col span={{ base: 12, lg: 7 }}>
              <TrendCard report={report.data} />
            </Grid.Col>
            <Grid.Col span={{ base: 12, lg: 5 }}>
              <NewVsReturningCard report={report.data} />
            </Grid.Col>
          </Grid>
        </>
      )}
    </Stack>
  );
}
