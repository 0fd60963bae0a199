import { Badge, Card, Group, List, SimpleGrid, Stack, Text, ThemeIcon, Title, Tooltip } from '@mantine/core';
import { IconShoppingBag } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { Ltr } from '../shared/Ltr';
import { Figure } from './Figure';
import { useAnalyticsFormat } from './format';
import { canAnalytics, useAnalyticsSettings, useAnalyticsStatus, useCustomerAnalytics } from './queries';
import { isolate, productName } from './products';
import { RISK_COLOR, SEGMENT_COLOR } from './segments';
import type { ScoredCustomer } from './types';

function Stat({ label, hint, children, testId }: { label: string; hint?: string; children: ReactNode; testId?: string }) {
  return (
    <Stack gap={0} data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm" fw={700} component="div">
        {children}
      </Text>
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Stack>
  );
}

function Scores({ scores, currency, horizonDays }: { scores: ScoredCustomer; currency: string; horizonDays: number | undefined }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const money = (v: number) => format.money(v, currency);
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Badge color={SEGMENT_COLOR[scores.segment]} variant="light" data-testid="card-segment" data-segment={scores.segment}>
          {t(`analytics.segments.${scores.segment}`)}
        </Badge>
        {scores.risk && (
          <Badge color={RISK_COLOR[scores.risk]} variant="dot" data-testid="card-risk">
            {t(`analytics.risk.${scores.risk}`)}
          </Badge>
        )}
        <Tooltip label={t(`analytics.segmentActions.${scores.segment}`)} multiline maw={260} withArrow>
          <Text size="xs" c="dimmed">
            <Ltr>{t('analytics.card.rfm', { r: format.number(scores.r), f: format.number(scores.f), m: format.number(scores.m) })}</Ltr>
          </Text>
        </Tooltip>
      </Group>
      <SimpleGrid cols={2} spacing="sm" verticalSpacing="xs">
        <Stat label={t('analytics.card.pAlive')} testId="card-p-alive">
          <Figure value={scores.pAlive} render={(v) => format.share(v, 0)} inherit />
        </Stat>
        <Stat label={t('analytics.card.expected')} hint={horizonDays ? t('analytics.card.expectedHorizon', { days: format.number(horizonDays) }) : undefined} testId="card-expected">
          <Figure value={scores.expectedPurchases} render={(v) => format.decimal(v, 1)} inherit />
        </Stat>
        <Stat label={t('analytics.card.clv')} testId="card-clv">
          <Figure value={scores.clv} render={money} inherit />
        </Stat>
        <Stat label={t('analytics.card.clvAtRisk')} testId="card-clv-at-risk">
          <Figure value={scores.clvAtRisk} render={money} inherit c={scores.risk === 'high' ? 'red.7' : undefined} />
        </Stat>
        <Stat label={t('analytics.card.revenue')}>{money(scores.revenue)}</Stat>
        <Stat label={t('analytics.card.orders')}>{format.number(scores.orders)}</Stat>
        <Stat label={t('analytics.card.firstOrder')}>{format.day(scores.firstOrderAt)}</Stat>
        <Stat label={t('analytics.card.lastOrder')}>{format.day(scores.lastOrderAt)}</Stat>
      </SimpleGrid>
    </Stack>
  );
}

/** On the customer profile: RFM segment, P(active), expected purchases, CLV, risk and recommendations. */
export function CustomerAnalyticsCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const allowed = canAnalytics(session, 'read');
  const query = useCustomerAnalytics(customerId, allowed);
  const settings = useAnalyticsSettings();
  const status = useAnalyticsStatus();
  if (!allowed || query.isPending || query.isError || !query.data.asOf) return null;
  const { scores, recommendations } = query.data;
  const currency = status.data?.currency ?? 'USD';

  return (
    <Card withBorder radius="md" data-testid="customer-analytics-card">
      <Title order={4} mb="sm">
        {t('analytics.card.title')}
      </Title>
      {scores ? (
        <Scores scores={scores} currency={currency} horizonDays={settings.data?.horizonDays} />
      ) : (
        <Text size="sm" c="dimmed" data-testid="card-no-orders">
          {t('analytics.card.noOrders')}
        </Text>
      )}
      <Title order={5} mt="md" mb="xs">
        {t('analytics.card.recommendations')}
      </Title>
      {recommendations.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="card-no-recommendations">
          {t('analytics.card.noRecommendations')}
        </Text>
      ) : (
        <List
          spacing={6}
          size="sm"
          icon={
            <ThemeIcon size={20} radius="xl" variant="light">
              <IconShoppingBag size={12} />
            </ThemeIcon>
          }
          data-testid="card-recommendations"
        >
          {recommendations.slice(0, 5).map((r) => (
            <List.Item key={r.productId} data-testid="card-recommendation">
              <Text size="sm" fw={500}>
                {productName(t, { id: r.productId, name: r.name })}
              </Text>
              {r.because.length > 0 && (
                <Text size="xs" c="dimmed">
                  {t('analytics.card.because', { products: r.because.slice(0, 2).map((p) => isolate(productName(t, p))).join(t('common.listSeparator')) })}
                </Text>
              )}
            </List.Item>
          ))}
        </List>
      )}
    </Card>
  );
}
