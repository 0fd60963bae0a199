import { Badge, Card, Grid, Stack, Table, Text, Title } from '@mantine/core';
import { IconGridDots } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Ltr } from '../../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { useAnalyticsFormat } from '../format';
import { useRfm } from '../queries';
import { ScoredCustomersTable } from '../ScoredCustomersTable';
import { SEGMENT_COLOR } from '../segments';
import type { RfmReport, RfmSegment, ScoredSort } from '../types';
import { RfmGrid } from './RfmGrid';
import { SegmentTiles } from './SegmentTiles';

function SegmentsTable({ report, onSelect }: { report: RfmReport; onSelect: (segment: RfmSegment) => void }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table highlightOnHover verticalSpacing="xs" data-testid="rfm-segments-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('analytics.customers.segment')}</Table.Th>
            <Table.Th ta="end">{t('analytics.rfm.customers')}</Table.Th>
            <Table.Th ta="end">{t('analytics.rfm.share')}</Table.Th>
            <Table.Th ta="end">{t('analytics.rfm.revenue')}</Table.Th>
            <Table.Th>{t('analytics.rfm.rule')}</Table.Th>
            <Table.Th>{t('analytics.rfm.action')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.segments.map((s) => (
            <Table.Tr key={s.segment} style={{ cursor: 'pointer' }} onClick={() => onSelect(s.segment)}>
              <Table.Td>
                <Badge variant="light" color={SEGMENT_COLOR[s.segment]}>
                  {t(`analytics.segments.${s.segment}`)}
                </Badge>
              </Table.Td>
              <Table.Td ta="end">{format.number(s.customers)}</Table.Td>
              <Table.Td ta="end">{format.percent(s.share)}</Table.Td>
              <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }}>
                {format.money(s.revenue, report.currency)}
              </Table.Td>
              <Table.Td>
                <Text size="xs" ff="monospace">
                  <Ltr>{s.rule}</Ltr>
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed">
                  {t(`analytics.segmentActions.${s.segment}`)}
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function RfmTab() {
  const { t } = useTranslation();
  const report = useRfm();
  const [selected, setSelected] = useState<RfmSegment | null>(null);
  const [sort, setSort] = useState<ScoredSort>('revenue');

  if (report.isPending) return <Loading />;
  if (report.isError) return <QueryError error={report.error} onRetry={() => void report.refetch()} />;
  if (report.data.customers === 0) {
    return <EmptyState testId="rfm-empty" icon={<IconGridDots size={26} />} title={t('analytics.rfm.empty')} description={t('analytics.rfm.emptyHint')} />;
  }
  const select = (segment: RfmSegment) => setSelected((current) => (current === segment ? null : segment));

  return (
    <Stack gap="md" data-testid="analytics-rfm">
      <Text size="sm" c="dimmed" maw={760}>
        {t('analytics.rfm.description')}
      </Text>
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, lg: 8 }}>
          <Card withBorder radius="md" h="100%">
            <Title order={4} mb="sm">
              {t('analytics.rfm.segments')}
            </Title>
            <SegmentTiles report={report.data} selected={selected} onSelect={select} />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <Card withBorder radius="md" h="100%">
            <Title order={4}>{t('analytics.rfm.grid')}</Title>
            <Text size="xs" c="dimmed" mb="sm">
              {t('analytics.rfm.gridHint')}
            </Text>
            <RfmGrid report={report.data} />
          </Card>
        </Grid.Col>
      </Grid>
      <Card withBorder radius="md" data-testid="rfm-drilldown" data-segment={selected ?? ''}>
        {selected ? (
          <>
            <Title order={4} mb="sm">
              {t('analytics.rfm.drill', { segment: t(`analytics.segments.${selected}`) })}
            </Title>
            <ScoredCustomersTable filters={{ segment: selected, sort }} currency={report.data.currency} onSort={setSort} pageSize={25} />
          </>
        ) : (
          <Text size="sm" c="dimmed">
            {t('analytics.rfm.pick')}
          </Text>
        )}
      </Card>
      <Card withBorder radius="md">
        <SegmentsTable report={report.data} onSelect={select} />
      </Card>
    </Stack>
  );
}
