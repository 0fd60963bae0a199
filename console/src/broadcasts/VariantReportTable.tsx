import { Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { Loading, QueryError } from '../shared/states';
import { useBroadcastReport } from './queries';
import type { VariantReport } from './types';

/** Delivery and conversions per variant and the holdout; lift with its 95 % interval. */
export function VariantReportTable({ broadcastId, live }: { broadcastId: string; live: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const report = useBroadcastReport(broadcastId, live);
  if (report.isPending) return <Loading testId="report-loading" />;
  if (report.isError) return <QueryError error={report.error} onRetry={() => void report.refetch()} />;
  const { goal, variants, holdout } = report.data;
  const percent = new Intl.NumberFormat(format.locale, { style: 'percent', maximumFractionDigits: 1 });
  const points = new Intl.NumberFormat(format.locale, { style: 'percent', maximumFractionDigits: 1, signDisplay: 'always' });
  const rows: VariantReport[] = holdout ? [...variants, holdout] : variants;
  return (
    <>
      <Text size="sm" c="dimmed" mb="xs">
        {t('broadcasts.report.goal', { event: goal.event, days: format.number(goal.days) })}
      </Text>
      <Table.ScrollContainer minWidth={760}>
        <Table verticalSpacing="xs" data-testid="variant-report">
          <Table.Thead>
            <Table.Tr>
              {(['variant', 'recipients', 'sent', 'delivered', 'failed', 'conversions', 'rate', 'lift'] as const).map((c) => (
                <Table.Th key={c}>{t(`broadcasts.report.columns.${c}`)}</Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((v) => (
              <Table.Tr key={v.key} data-testid="variant-row" data-variant={v.key} data-sent={v.sent}>
                <Table.Td fw={600}>{v.key === 'holdout' ? t('broadcasts.report.holdout') : v.key}</Table.Td>
                <Table.Td>{format.number(v.recipients)}</Table.Td>
                <Table.Td>{format.number(v.sent)}</Table.Td>
                <Table.Td>{format.number(v.delivered)}</Table.Td>
                <Table.Td>{format.number(v.failed + v.suppressed + v.skipped)}</Table.Td>
                <Table.Td>{format.number(v.conversions)}</Table.Td>
                <Table.Td>{percent.format(v.conversionRate)}</Table.Td>
                <Table.Td data-testid="variant-lift">
                  {v.lift ? `${points.format(v.lift.absolute)} [${points.format(v.lift.ci95.low)}, ${points.format(v.lift.ci95.high)}]` : v.key === 'holdout' ? '' : '—'}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {!holdout && (
        <Text size="xs" c="dimmed" mt="xs">
          {t('broadcasts.report.noHoldout')}
        </Text>
      )}
    </>
  );
}
