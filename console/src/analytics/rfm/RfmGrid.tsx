import { Box, Group, Stack, Table, Text, useDirection } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { heat } from '../charts';
import { useAnalyticsFormat } from '../format';
import type { RfmReport } from '../types';

const SCORES = [1, 2, 3, 4, 5] as const;

/** 5×5 heat map: recency score down the side (5 on top), frequency along (5 at the end). */
export function RfmGrid({ report }: { report: RfmReport }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const { dir } = useDirection();
  const cells = new Map(report.grid.map((c) => [`${c.r}:${c.f}`, c]));
  const max = Math.max(1, ...report.grid.map((c) => c.customers));

  return (
    <Group gap={4} wrap="nowrap" align="stretch" data-testid="rfm-grid">
      <Box style={{ writingMode: 'vertical-rl', transform: 'rotate(180deg)', textAlign: 'center' }}>
        <Text size="xs" fw={600} c="dimmed">
          {t('analytics.rfm.recency')} →
        </Text>
      </Box>
      <Stack gap={4} style={{ flex: 1 }}>
        <Table withTableBorder withColumnBorders verticalSpacing={6} fz="xs" style={{ tableLayout: 'fixed' }}>
          <Table.Tbody>
            {[...SCORES].reverse().map((r) => (
              <Table.Tr key={r}>
                <Table.Th w={36} ta="center">
                  {format.number(r)}
                </Table.Th>
                {SCORES.map((f) => {
                  const cell = cells.get(`${r}:${f}`);
                  const customers = cell?.customers ?? 0;
                  return (
                    <Table.Td
                      key={f}
                      ta="center"
                      style={heat(customers / max)}
                      title={t('analytics.rfm.cell', {
                        r: format.number(r),
                        f: format.number(f),
                        customers: format.number(customers),
                        revenue: format.money(cell?.revenue ?? 0, report.currency),
                      })}
                      data-testid="rfm-grid-cell"
                      data-r={r}
                      data-f={f}
                      data-customers={customers}
                    >
                      {format.number(customers)}
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
            <Table.Tr>
              <Table.Th />
              {SCORES.map((f) => (
                <Table.Th key={f} ta="center">
                  {format.number(f)}
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Tbody>
        </Table>
        <Text size="xs" fw={600} c="dimmed" ta="center">
          {t('analytics.rfm.frequency')} {dir === 'rtl' ? '←' : '→'}
        </Text>
      </Stack>
    </Group>
  );
}
