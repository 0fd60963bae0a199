import { Sparkline } from '@mantine/charts';
import { Badge, Card, Group, Stack, Text, Tooltip, useDirection } from '@mantine/core';
import { IconArrowDownLeft, IconArrowDownRight, IconArrowUpLeft, IconArrowUpRight, IconInfoCircle, IconMinus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useChartMirror } from '../charts';
import { Figure } from '../Figure';
import { useAnalyticsFormat } from '../format';
import { kpiDefinition, kpiName, lastValue, tone } from '../kpis';
import type { Kpi } from '../types';
import { Ltr } from '../../shared/Ltr';

const TONE_COLOR = { better: 'teal', worse: 'red', same: 'gray' } as const;

function Change({ kpi }: { kpi: Kpi }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const { dir } = useDirection();
  const direction = tone(kpi);
  // No figure now: the "—" (and its reason) says it all.
  if (lastValue(kpi).value === null) return <span />;
  if (direction === null || kpi.change === null) {
    return (
      <Text size="xs" c="dimmed" data-testid="kpi-change" data-tone="none">
        {t('analytics.overview.noChange')}
      </Text>
    );
  }
  // Time runs toward the reading direction's end, so the arrows lean that way.
  const up = dir === 'rtl' ? IconArrowUpLeft : IconArrowUpRight;
  const down = dir === 'rtl' ? IconArrowDownLeft : IconArrowDownRight;
  const Arrow = Math.abs(kpi.change) < 0.05 ? IconMinus : kpi.change > 0 ? up : down;
  return (
    <Tooltip label={t(`analytics.overview.${direction}`)} withArrow>
      <Badge variant="light" color={TONE_COLOR[direction]} leftSection={<Arrow size={12} />} data-testid="kpi-change" data-tone={direction}>
        {format.change(kpi)}
      </Badge>
    </Tooltip>
  );
}

/** One figure: its value in the last period, the change from the one before, a sparkline of all. */
export function KpiCard({ kpi, currency, period }: { kpi: Kpi; currency: string; period: string }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const { rtl } = useChartMirror();
  const current = lastValue(kpi);
  const points = kpi.values.map((v) => v.value);
  const hasTrend = kpi.values.filter((v) => v.value !== null).length > 1;

  return (
    <Card withBorder radius="md" padding="md" data-testid="kpi-card" data-kpi={kpi.id}>
      <Stack gap={6}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" c="dimmed" fw={500} truncate>
            {kpiName(t, kpi.id)}
          </Text>
          <Tooltip
            multiline
            maw={300}
            withArrow
            label={
              <Stack gap={4}>
                <Text size="xs">{kpiDefinition(t, kpi)}</Text>
                <Text size="xs" c="gray.4">
                  {t('analytics.overview.formula')}: <Ltr>{kpi.formula}</Ltr>
                </Text>
              </Stack>
            }
          >
            <IconInfoCircle size={16} color="var(--mantine-color-dimmed)" aria-label={kpiDefinition(t, kpi)} />
          </Tooltip>
        </Group>
        <Figure value={current.value} reason={current.reason} render={(v) => format.kpi(kpi.unit, v, currency)} fz={24} fw={700} testId="kpi-value" />
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Change kpi={kpi} />
          <Text size="xs" c="dimmed" truncate>
            {period}
          </Text>
        </Group>
        {hasTrend && (
          <Sparkline
            h={36}
            data={rtl ? [...points].reverse() : points}
            curveType="monotone"
            connectNulls
            color={kpi.higherIsBetter ? 'teal.6' : 'orange.6'}
            fillOpacity={0.25}
            strokeWidth={1.6}
            aria-hidden
          />
        )}
      </Stack>
    </Card>
  );
}
