import { Card, Group, Progress, Stack, Table, Text, Tooltip, useDirection } from '@mantine/core';
import { IconArrowLeft, IconArrowRight, IconShoppingCartPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { useAnalyticsFormat } from '../format';
import { useRules } from '../queries';
import { productName } from '../products';

/** "Bought together": association rules between products, strongest first. */
export function RulesTab() {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const { dir } = useDirection();
  const rules = useRules();
  const Arrow = dir === 'rtl' ? IconArrowLeft : IconArrowRight;

  if (rules.isPending) return <Loading />;
  if (rules.isError) return <QueryError error={rules.error} onRetry={() => void rules.refetch()} />;
  if (rules.data.length === 0) {
    return <EmptyState testId="rules-empty" icon={<IconShoppingCartPlus size={26} />} title={t('analytics.rules.empty')} description={t('analytics.rules.emptyHint')} />;
  }
  const maxLift = Math.max(...rules.data.map((r) => r.lift), 1);

  return (
    <Stack gap="md" data-testid="analytics-rules">
      <Text size="sm" c="dimmed" maw={760}>
        {t('analytics.rules.description')}
      </Text>
      <Card withBorder radius="md" padding="sm">
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="xs" data-testid="rules-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('analytics.rules.antecedent')}</Table.Th>
                <Table.Th w={24} />
                <Table.Th>{t('analytics.rules.consequent')}</Table.Th>
                <Table.Th ta="end">
                  <Tooltip label={t('analytics.rules.supportHint')} withArrow>
                    <span>{t('analytics.rules.support')}</span>
                  </Tooltip>
                </Table.Th>
                <Table.Th w={160}>{t('analytics.rules.confidence')}</Table.Th>
                <Table.Th w={140}>{t('analytics.rules.lift')}</Table.Th>
                <Table.Th ta="end">{t('analytics.rules.orders')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rules.data.map((rule) => (
                <Table.Tr key={`${rule.antecedent.id}>${rule.consequent.id}`} data-testid="rule-row">
                  <Table.Td fw={500}>{productName(t, rule.antecedent)}</Table.Td>
                  <Table.Td>
                    <Arrow size={14} color="var(--mantine-color-dimmed)" />
                  </Table.Td>
                  <Table.Td fw={500}>{productName(t, rule.consequent)}</Table.Td>
                  <Table.Td ta="end">{format.share(rule.support, 2)}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Progress value={rule.confidence * 100} style={{ flex: 1 }} size="sm" />
                      <Text size="xs" w={44} ta="end">
                        {format.share(rule.confidence, 0)}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <Progress value={(rule.lift / maxLift) * 100} color="indigo" style={{ flex: 1 }} size="sm" />
                      <Text size="xs" w={44} ta="end">
                        {t('analytics.rules.liftValue', { value: format.decimal(rule.lift, 1) })}
                      </Text>
                    </Group>
                  </Table.Td>
                  <Table.Td ta="end">{format.number(rule.orders)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Card>
    </Stack>
  );
}
