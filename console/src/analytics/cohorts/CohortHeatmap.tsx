import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { heat } from '../charts';
import { useAnalyticsFormat } from '../format';
import type { CohortReport } from '../types';

export type CohortMode = 'percent' | 'customers' | 'revenue';

/**
 * Rows are cohorts (first purchase period), columns the periods since; a cell's colour is the
 * share of the cohort that bought in that period (revenue mode: its share of the top revenue).
 * An HTML table, so it mirrors in RTL by itself.
 */
export function CohortHeatmap({ report, mode }: { report: CohortReport; mode: CohortMode }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const offsets = Math.max(0, ...report.cohorts.flatMap((c) => c.cells.map((cell) => cell.offset))) + 1;
  // Offset 0 is 100 % by definition; the scale follows the later periods so they stay readable.
  const columns = Array.from({ length: offsets }, (_, i) => i);
  const laterCells = report.cohorts.flatMap((c) => c.cells.filter((cell) => cell.offset > 0));
  const maxPercent = Math.max(1, ...laterCells.map((c) => c.percent));
  const maxRevenue = Math.max(1, ...laterCells.map((c) => c.revenue));

  return (
    <Table.ScrollContainer minWidth={Math.max(480, 200 + offsets * 58)}>
      <Table withTableBorder withColumnBorders verticalSpacing={4} horizontalSpacing={6} fz="xs" data-testid="cohort-heatmap">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('analytics.cohorts.cohort')}</Table.Th>
            <Table.Th ta="end">{t('analytics.cohorts.size')}</Table.Th>
            {columns.map((n) => (
              <Table.Th key={n} ta="center" title={t('analytics.cohorts.offsetTitle', { n: format.number(n) })}>
                {n === 0 ? format.number(0) : t('analytics.cohorts.offset', { n: format.number(n) })}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {report.cohorts.map((cohort) => {
            const label = format.period({ start: cohort.start, end: cohort.start, label: cohort.label }, report.grain, report.calendar);
            const byOffset = new Map(cohort.cells.map((cell) => [cell.offset, cell]));
            return (
              <Table.Tr key={cohort.start} data-testid="cohort-row" data-cohort={cohort.start}>
                <Table.Td style={{ whiteSpace: 'nowrap' }} fw={500}>
                  {label}
                </Table.Td>
                <Table.Td ta="end">{format.number(cohort.size)}</Table.Td>
                {columns.map((n) => {
                  const cell = byOffset.get(n);
                  if (!cell) return <Table.Td key={n} />;
                  const fraction = mode === 'revenue' ? cell.revenue / maxRevenue : cell.percent / maxPercent;
                  const colours = heat(n === 0 ? Math.min(1, fraction) : fraction);
                  const text =
                    mode === 'percent' ? format.percent(cell.percent, 0) : mode === 'customers' ? format.number(cell.customers) : format.compactMoney(cell.revenue, report.currency);
                  return (
                    <Table.Td
                      key={n}
                      ta="center"
                      style={{ ...colours, whiteSpace: 'nowrap', minWidth: 52 }}
                      title={t('analytics.cohorts.cell', {
                        cohort: label,
                        n: format.number(n),
                        customers: format.number(cell.customers),
                        percent: format.percent(cell.percent),
                        revenue: format.money(cell.revenue, report.currency),
                      })}
                      data-testid="cohort-cell"
                      data-offset={n}
                      data-percent={cell.percent}
                    >
                      <Text span inherit>
                        {text}
                      </Text>
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
