import { Badge, Group, Paper, SimpleGrid, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { useMoney } from '../i18n/money';
import { usePercent } from './format';
import type { JourneyAnalytics } from './types';

function Figure({ label, value, testId, hint }: { label: string; value: string; testId: string; hint?: string }) {
  const body = (
    <Paper withBorder p="xs" radius="md" data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700} size="lg" data-testid={`${testId}-value`}>
        {value}
      </Text>
    </Paper>
  );
  return hint ? <Tooltip label={hint}>{body}</Tooltip> : body;
}

/** Totals over the canvas: entered, in it now, completed, goal rate, revenue; with a holdout, the lift and its 95 % interval. */
export function AnalyticsSummary({ analytics }: { analytics: JourneyAnalytics }) {
  const { t } = useTranslation();
  const format = useFormat();
  const money = useMoney();
  const percent = usePercent();
  const { totals, holdout } = analytics;
  return (
    <Group gap="xs" align="stretch" wrap="wrap" data-testid="journey-analytics">
      <SimpleGrid cols={{ base: 3, md: 6 }} spacing="xs" style={{ flex: 1 }}>
        <Figure label={t('journeys.totals.entered')} value={format.number(totals.entered)} testId="total-entered" />
        <Figure label={t('journeys.totals.active')} value={format.number(totals.active)} testId="total-active" />
        <Figure label={t('journeys.totals.completed')} value={format.number(totals.completed)} testId="total-completed" />
        <Figure label={t('journeys.totals.exited')} value={format.number(totals.exited)} testId="total-exited" />
        <Figure label={t('journeys.totals.goalRate')} value={percent(totals.conversionRate)} testId="total-goal" hint={t('journeys.totals.goalHint', { n: format.number(totals.goalReached) })} />
        <Figure label={t('journeys.totals.revenue')} value={money(totals.revenue.amountMinor, totals.revenue.currency)} testId="total-revenue" />
      </SimpleGrid>
      {holdout && (
        <Paper withBorder p="xs" radius="md" data-testid="journey-lift" miw={220}>
          <Group gap={6}>
            <Text size="xs" c="dimmed">
              {t('journeys.lift.title')}
            </Text>
            <Badge size="xs" color={holdout.lift.significant ? 'teal' : 'gray'} variant="light">
              {holdout.lift.significant ? t('journeys.lift.significant') : t('journeys.lift.notSignificant')}
            </Badge>
          </Group>
          <Text fw={700} size="lg">
            {percent(holdout.lift.absolute)}
          </Text>
          <Text size="xs" c="dimmed">
            {t('journeys.lift.detail', {
              treated: percent(holdout.treated.rate),
              control: percent(holdout.control.rate),
              low: percent(holdout.lift.ci95.low),
              high: percent(holdout.lift.ci95.high),
            })}
          </Text>
        </Paper>
      )}
    </Group>
  );
}
