import { translateReason } from '../reasons';
import { Alert, Badge, Card, Grid, Group, List, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconChartDots, IconInfoCircle } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { useAnalyticsFormat } from '../format';
import { useModels } from '../queries';
import type { TransactionsModel } from '../types';
import { AccuracyStats, ChurnModelCard, ParamsTable } from './ModelDetails';
import { HoldoutByFrequencyChart, TrackingChart } from './TrackingChart';

function TransactionsCard({ model }: { model: TransactionsModel }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const name = (m: TransactionsModel['model']) => t(`analytics.models.modelNames.${m}`);
  return (
    <Card withBorder radius="md" data-testid="transactions-model" data-model={model.model} data-converged={model.converged}>
      <Group justify="space-between" mb="xs">
        <Title order={4}>
          {t('analytics.models.transactions')}: {t('analytics.models.using', { model: name(model.model) })}
        </Title>
        <Group gap="xs">
          <Badge variant="light" color={model.converged ? 'teal' : 'red'} data-testid="model-converged">
            {model.converged ? t('analytics.models.converged') : t('analytics.models.notConverged')}
          </Badge>
          <Badge variant="light" color="gray">
            {t('analytics.models.customers', { n: format.number(model.customers) })}
          </Badge>
        </Group>
      </Group>
      <Stack gap="xs">
        {model.fallbackReason && (
          <Alert color="yellow" variant="light" icon={<IconInfoCircle size={18} />} data-testid="model-fallback">
            {t('analytics.models.fallback', { preferred: name(model.preferred), model: name(model.model), reason: model.fallbackReason })}
          </Alert>
        )}
        {model.boundary.length > 0 && (
          <Alert color="orange" variant="light" icon={<IconAlertTriangle size={18} />} data-testid="model-boundary">
            {t('analytics.models.boundary', { params: model.boundary.join(t('common.listSeparator')) })}
          </Alert>
        )}
        <Text size="sm" c="dimmed">
          {t('analytics.models.calibration', { date: format.day(model.calibrationEnd), days: format.number(model.holdoutDays) })}
        </Text>
        <Title order={5}>{t('analytics.models.tracking')}</Title>
        <Text size="xs" c="dimmed">
          {t('analytics.models.trackingHint')}
        </Text>
        <TrackingChart model={model} />
        <Title order={5} mt="sm">
          {t('analytics.models.accuracy')}
        </Title>
        <AccuracyStats model={model} />
      </Stack>
    </Card>
  );
}

/** How well the models fit: tracking plot, holdout check, parameters, churn model. */
export function ModelsTab() {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const report = useModels();
  if (report.isPending) return <Loading />;
  if (report.isError) return <QueryError error={report.error} onRetry={() => void report.refetch()} />;
  const { transactions, spend, churn, discrete, reasons } = report.data;

  return (
    <Stack gap="md" data-testid="analytics-models">
      <Text size="sm" c="dimmed" maw={760}>
        {t('analytics.models.description')}
      </Text>
      {reasons.length > 0 && (
        <Alert color="gray" variant="light" icon={<IconInfoCircle size={18} />} data-testid="model-reasons">
          <List size="sm">
            {reasons.map((r) => (
              <List.Item key={r}>{translateReason(t, r)}</List.Item>
            ))}
          </List>
        </Alert>
      )}
      {!transactions && !spend && !churn && <EmptyState testId="models-empty" icon={<IconChartDots size={26} />} title={t('analytics.models.noModels')} />}
      {transactions && (
        <Grid gutter="md">
          <Grid.Col span={{ base: 12, lg: 8 }}>
            <TransactionsCard model={transactions} />
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 4 }}>
            <Stack gap="md">
              <Card withBorder radius="md">
                <Title order={5} mb="xs">
                  {t('analytics.models.params')}
                </Title>
                <ParamsTable params={transactions.params} logLikelihood={transactions.logLikelihood} testId="transactions-params" />
              </Card>
              {spend && (
                <Card withBorder radius="md" data-testid="spend-model">
                  <Group justify="space-between" mb="xs">
                    <Title order={5}>{t('analytics.models.spend')}</Title>
                    <Badge variant="light" color={spend.converged ? 'teal' : 'red'}>
                      {spend.converged ? t('analytics.models.converged') : t('analytics.models.notConverged')}
                    </Badge>
                  </Group>
                  <ParamsTable params={spend.params} logLikelihood={spend.logLikelihood} testId="spend-params" />
                </Card>
              )}
              {discrete && (
                <Card withBorder radius="md" data-testid="discrete-model">
                  <Group justify="space-between" mb="xs">
                    <Title order={5}>{t('analytics.models.discrete')}</Title>
                    <Badge variant="light" color={discrete.converged ? 'teal' : 'red'}>
                      {discrete.converged ? t('analytics.models.converged') : t('analytics.models.notConverged')}
                    </Badge>
                  </Group>
                  <Text size="xs" c="dimmed" mb="xs">
                    {t('analytics.models.discreteHint', {
                      customers: format.number(discrete.customers),
                      m3: format.decimal(discrete.expectedRepeat[2] ?? 0, 2),
                      m12: format.decimal(discrete.expectedRepeat[11] ?? 0, 2),
                    })}
                  </Text>
                  <ParamsTable params={discrete.params} logLikelihood={discrete.logLikelihood} testId="discrete-params" />
                </Card>
              )}
            </Stack>
          </Grid.Col>
          {transactions.holdoutByFrequency.length > 0 && (
            <Grid.Col span={12}>
              <Card withBorder radius="md">
                <Title order={5} mb="xs">
                  {t('analytics.models.byFrequency')}
                </Title>
                <HoldoutByFrequencyChart model={transactions} />
              </Card>
            </Grid.Col>
          )}
        </Grid>
      )}
      {churn && <ChurnModelCard churn={churn} />}
    </Stack>
  );
}
