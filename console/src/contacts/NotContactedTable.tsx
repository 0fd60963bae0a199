import { Anchor, Button, Group, Stack, Table, Text } from '@mantine/core';
import { IconMoodSmile } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../i18n/format';
import { Ltr } from '../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { type NotContactedFilters, useNotContacted } from './queries';

/** Customers silent for at least `days`, longest silence first, 50 at a time. */
export function NotContactedTable({ filters }: { filters: NotContactedFilters }) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useNotContacted(filters);
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  if (list.isPending) return <Loading testId="not-contacted-loading" />;
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  if (rows.length === 0) {
    return <EmptyState testId="not-contacted-empty" icon={<IconMoodSmile size={26} />} title={t('contacts.notContacted.empty', { days: format.number(filters.days) })} />;
  }
  return (
    <Stack gap="xs">
      <Table.ScrollContainer minWidth={420}>
        <Table striped verticalSpacing="xs" data-testid="not-contacted-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('contacts.notContacted.columns.customer')}</Table.Th>
              <Table.Th>{t('contacts.notContacted.columns.lastContact')}</Table.Th>
              <Table.Th style={{ textAlign: 'end' }}>{t('contacts.notContacted.columns.silentFor')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => (
              <Table.Tr key={r.customerId} data-testid="not-contacted-row" data-customer-id={r.customerId}>
                <Table.Td>
                  <Anchor component={Link} to={`/customers/${r.customerId}`} fw={600}>
                    {r.displayName}
                  </Anchor>
                  {(r.email ?? r.phone) && (
                    <Text size="xs" c="dimmed">
                      <Ltr>{r.email ?? r.phone}</Ltr>
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{r.lastContactAt ? format.dateTime(r.lastContactAt) : t('contacts.notContacted.never')}</Table.Td>
                <Table.Td style={{ textAlign: 'end' }}>{t('contacts.notContacted.days', { n: format.number(r.daysSilent) })}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="subtle" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="not-contacted-more">
            {t('common.loadMore')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
