import { translateReason } from '../reasons';
import { Badge, Button, Card, Center, Group, Progress, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconScale } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { type AnalyticsFormat, useAnalyticsFormat } from '../format';
import { isolate } from '../products';
import { useAnalyticsStatus, useCompare } from '../queries';
import { RFM_SEGMENTS, type CompareFeature } from '../types';
import { featureName, groupName } from './features';

/** Features shown before "Show all": the largest differences. */
const TOP = 12;
const MONEY_FEATURES = new Set(['revenue', 'averageOrderValue']);

function value(format: AnalyticsFormat, feature: CompareFeature, v: number, currency: string): string {
  if (feature.kind === 'share') return format.share(v, 0);
  return MONEY_FEATURES.has(feature.feature) ? format.money(v, currency) : format.decimal(v, 1);
}

function FeatureRow({ feature, groupA, groupB, currency }: { feature: CompareFeature; groupA: string; groupB: string; currency: string }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const a = value(format, feature, feature.a, currency);
  const b = value(format, feature, feature.b, currency);
  const scale = feature.kind === 'share' ? 1 : Math.max(Math.abs(feature.a), Math.abs(feature.b), 1e-9);
  const sentence = t(feature.sentence.key === 'share' ? 'analytics.compare.share' : 'analytics.compare.numeric', { feature: isolate(featureName(t, feature.feature)), a: isolate(a), b: isolate(b), groupA, groupB });
  return (
    <Card withBorder radius="md" padding="sm" data-testid="compare-feature" data-feature={feature.feature}>
      <Group justify="space-between" wrap="nowrap" mb={6}>
        <Text size="sm" fw={500}>
          {sentence}
        </Text>
        <Badge variant="light" color="gray" title={t('analytics.compare.effect')}>
          {format.decimal(feature.effectSize, 2)}
        </Badge>
      </Group>
      {(
        [
          [groupA, feature.a, a, 'teal'],
          [groupB, feature.b, b, 'red'],
        ] as const
      ).map(([name, raw, shown, color]) => (
        <Group key={color} gap="xs" wrap="nowrap">
          <Text size="xs" w={140} c="dimmed" truncate>
            {name}
          </Text>
          <Progress value={Math.max(0, (Math.abs(raw) / scale) * 100)} color={color} style={{ flex: 1 }} size="lg" aria-label={`${name}: ${shown}`} />
          <Text size="xs" w={90} ta="end" fw={600}>
            {shown}
          </Text>
        </Group>
      ))}
    </Card>
  );
}

export function CompareTab() {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const [groupA, setGroupA] = useState('vip');
  const [groupB, setGroupB] = useState('churned');
  const [all, setAll] = useState(false);
  const status = useAnalyticsStatus();
  const report = useCompare(groupA, groupB);
  const options = ['vip', 'churned', ...RFM_SEGMENTS.map((s) => `segment:${s}`)].map((key) => ({ value: key, label: groupName(t, key) }));
  const currency = status.data?.currency ?? 'USD';

  return (
    <Stack gap="md" data-testid="analytics-compare">
      <Text size="sm" c="dimmed" maw={760}>
        {t('analytics.compare.description')}
      </Text>
      <Group gap="sm" align="flex-end">
        <Select size="xs" w={220} label={t('analytics.compare.groupA')} data={options} value={groupA} onChange={(v) => v && setGroupA(v)} allowDeselect={false} data-testid="compare-group-a" />
        <Select size="xs" w={220} label={t('analytics.compare.groupB')} data={options} value={groupB} onChange={(v) => v && setGroupB(v)} allowDeselect={false} data-testid="compare-group-b" />
      </Group>
      {report.isPending ? (
        <Loading />
      ) : report.isError ? (
        <QueryError error={report.error} onRetry={() => void report.refetch()} />
      ) : (
        <>
          <SimpleGrid cols={2} spacing="md">
            {([report.data.groupA, report.data.groupB] as const).map((g, i) => (
              <Card key={g.key} withBorder radius="md" padding="sm" style={{ borderInlineStart: `4px solid var(--mantine-color-${i === 0 ? 'teal' : 'red'}-6)` }} data-testid="compare-group">
                <Title order={5}>{groupName(t, g.key)}</Title>
                <Text size="xs" c="dimmed">
                  {g.key === 'vip' ? t('analytics.compare.vipHint') : g.key === 'churned' ? t('analytics.compare.churnedHint') : ' '}
                </Text>
                <Text fw={700} fz={20}>
                  {t('analytics.compare.size', { n: format.number(g.customers) })}
                </Text>
              </Card>
            ))}
          </SimpleGrid>
          {report.data.features.length === 0 ? (
            <EmptyState testId="compare-empty" icon={<IconScale size={26} />} title={t('analytics.compare.empty')} description={report.data.reason ? translateReason(t, report.data.reason) : undefined} />
          ) : (
            <Stack gap="sm" data-testid="compare-features">
              {(all ? report.data.features : report.data.features.slice(0, TOP)).map((f) => (
                <FeatureRow key={f.feature} feature={f} groupA={groupName(t, report.data.groupA.key)} groupB={groupName(t, report.data.groupB.key)} currency={currency} />
              ))}
              {!all && report.data.features.length > TOP && (
                <Center>
                  <Button variant="default" size="xs" onClick={() => setAll(true)} data-testid="compare-all">
                    {t('analytics.compare.showAll', { n: format.number(report.data.features.length) })}
                  </Button>
                </Center>
              )}
            </Stack>
          )}
        </>
      )}
    </Stack>
  );
}
