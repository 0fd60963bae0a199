import { Group, Progress, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { Loading, QueryError } from '../shared/states';
import { channelLabel } from './channelLabel';
import { useCoverage } from './queries';

const windows = ['last7', 'last30', 'last90'] as const;

/** Per channel, the share of the segment's customers (or all) contacted in the last 7/30/90 days. */
export function CoverageTable({ segmentId }: { segmentId: string | null }) {
  const { t } = useTranslation();
  const format = useFormat();
  const coverage = useCoverage(segmentId);
  if (coverage.isPending) return <Loading testId="coverage-loading" />;
  if (coverage.isError) return <QueryError error={coverage.error} onRetry={() => void coverage.refetch()} />;
  const { customers, rows } = coverage.data;
  const share = (n: number) => (customers === 0 ? 0 : n / customers);
  const percent = new Intl.NumberFormat(format.locale, { style: 'percent' });
  // Channels nobody was ever reached on are noise; "any" always shows.
  const shown = rows.filter((r) => r.channel === 'any' || r.last90 > 0);
  return (
    <Stack gap="xs">
      <Text size="sm" c="dimmed" data-testid="coverage-customers" data-count={customers}>
        {t('contacts.coverage.hint', { n: format.number(customers) })}
      </Text>
      <Table verticalSpacing="xs" data-testid="coverage-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('contacts.coverage.columns.channel')}</Table.Th>
            {windows.map((w) => (
              <Table.Th key={w}>{t(`contacts.coverage.columns.${w}`)}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {shown.map((r) => (
            <Table.Tr key={r.channel} data-testid="coverage-row" data-channel={r.channel}>
              <Table.Td fw={r.channel === 'any' ? 700 : undefined}>{channelLabel(t, r.channel)}</Table.Td>
              {windows.map((w) => (
                <Table.Td key={w} data-testid={`coverage-${w}`} data-count={r[w]}>
                  <Group gap="xs" wrap="nowrap">
                    <Progress value={share(r[w]) * 100} w={56} size="sm" />
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {percent.format(share(r[w]))} ({format.number(r[w])})
                    </Text>
                  </Group>
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}
