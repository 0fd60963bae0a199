import { BarChart } from '@mantine/charts';
import { Card, Group, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Ltr } from '../../shared/Ltr';
import { useChartMirror } from '../charts';
import { featureName } from '../compare/features';
import { useAnalyticsFormat } from '../format';
import type { ModelsReport, TransactionsModel } from '../types';

/** Fitted parameters (r, α, a, b…) and the log-likelihood. */
export function ParamsTable({ params, logLikelihood, testId }: { params: Record<string, number>; logLikelihood: number; testId: string }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  return (
    <Table withTableBorder verticalSpacing={4} fz="sm" data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('analytics.models.param')}</Table.Th>
          <Table.Th ta="end">{t('analytics.models.value')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {Object.entries(params).map(([name, value]) => (
          <Table.Tr key={name}>
            <Table.Td ff="monospace">
              <Ltr>{name}</Ltr>
            </Table.Td>
            <Table.Td ta="end">{format.decimal(value, 4)}</Table.Td>
          </Table.Tr>
        ))}
        <Table.Tr>
          <Table.Td fw={600}>{t('analytics.models.logLikelihood')}</Table.Td>
          <Table.Td ta="end" fw={600} data-testid={`${testId}-ll`}>
            {format.decimal(logLikelihood, 2)}
          </Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={700}>{value}</Text>
    </Stack>
  );
}

export function AccuracyStats({ model }: { model: TransactionsModel }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const { accuracy } = model;
  return (
    <SimpleGrid cols={{ base: 2, sm: 4 }} data-testid="model-accuracy">
      <Stat label={t('analytics.models.mae')} value={format.decimal(accuracy.mae, 3)} />
      <Stat label={t('analytics.models.rmse')} value={format.decimal(accuracy.rmse, 3)} />
      <Stat label={t('analytics.models.aggregateError')} value={format.percent(accuracy.aggregateErrorPercent)} />
      <Stat label={t('analytics.models.correlation')} value={accuracy.correlation === null ? '—' : format.decimal(accuracy.correlation, 2)} />
    </SimpleGrid>
  );
}

/** The churn classifier (contractual businesses): cross-validated AUC and its strongest weights. */
export function ChurnModelCard({ churn }: { churn: NonNullable<ModelsReport['churn']> }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const mirror = useChartMirror();
  const weight = t('analytics.models.weight');
  const top = [...churn.coefficients].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 10);
  const data = top.map((c) => ({ feature: featureName(t, c.feature), [weight]: c.weight }));
  return (
    <Card withBorder radius="md" data-testid="churn-model">
      <Title order={4}>{t('analytics.models.churn')}</Title>
      <Text size="sm" c="dimmed" mb="sm">
        {t('analytics.models.churnLabel', { attribute: churn.labelAttribute, positives: format.number(churn.positives), rows: format.number(churn.rows) })}
      </Text>
      <Group gap="xl" mb="sm">
        <Stat label={t('analytics.models.auc')} value={t('analytics.models.aucValue', { auc: format.decimal(churn.auc, 3), sd: format.decimal(churn.aucSd, 3), folds: format.number(churn.folds) })} />
      </Group>
      {data.length > 0 && (
        <>
          <Text size="sm" fw={600}>
            {t('analytics.models.coefficients')}
          </Text>
          <Text size="xs" c="dimmed" mb="xs">
            {t('analytics.models.coefficientsHint')}
          </Text>
          <BarChart
            h={Math.max(160, data.length * 30)}
            data={data}
            dataKey="feature"
            orientation="vertical"
            series={[{ name: weight, color: 'indigo.5' }]}
            valueFormatter={(v) => format.decimal(v, 3)}
            xAxisProps={{ reversed: mirror.rtl }}
            yAxisProps={{ ...mirror.yAxisProps, width: 150 }}
          />
        </>
      )}
    </Card>
  );
}
