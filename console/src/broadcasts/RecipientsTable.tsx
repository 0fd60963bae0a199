import { Anchor, Badge, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../i18n/format';
import { Ltr } from '../shared/Ltr';
import { Loading, QueryError } from '../shared/states';
import { type RecipientFilters, useRecipients } from './queries';
import { MESSAGE_STATUSES, type RecipientStatus, VARIANT_KEYS, type VariantKey } from './types';

export function recipientStatusLabel(t: TFunction, status: RecipientStatus): string {
  return status === 'holdout' || status === 'pending' ? t(`broadcasts.recipientStatuses.${status}`) : t(`messaging.statuses.${status}`);
}

/** Per-recipient status of one broadcast, filterable by status and variant, 50 at a time. */
export function RecipientsTable({ broadcastId, variants, live }: { broadcastId: string; variants: VariantKey[]; live: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [filters, setFilters] = useState<RecipientFilters>({});
  const list = useRecipients(broadcastId, filters, live);
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const statuses: RecipientStatus[] = [...MESSAGE_STATUSES, 'holdout', 'pending'];
  return (
    <Stack gap="xs">
      <Group>
        <Select
          placeholder={t('broadcasts.detail.allStatuses')}
          data={statuses.map((s) => ({ value: s, label: recipientStatusLabel(t, s) }))}
          value={filters.status ?? null}
          onChange={(v) => setFilters((f) => ({ ...f, status: (v ?? undefined) as RecipientStatus | undefined }))}
          clearable
          w={200}
          data-testid="recipients-status"
        />
        <Select
          placeholder={t('broadcasts.detail.allVariants')}
          data={[...VARIANT_KEYS.filter((k) => variants.includes(k)), 'holdout' as const].map((k) => ({ value: k, label: k === 'holdout' ? t('broadcasts.report.holdout') : k }))}
          value={filters.variant ?? null}
          onChange={(v) => setFilters((f) => ({ ...f, variant: (v ?? undefined) as RecipientFilters['variant'] }))}
          clearable
          w={180}
          data-testid="recipients-variant"
        />
      </Group>
      {list.isPending ? (
        <Loading testId="recipients-loading" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="recipients-empty">
          {t('broadcasts.detail.noRecipients')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped verticalSpacing="xs" data-testid="recipients-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('broadcasts.detail.recipientColumns.customer')}</Table.Th>
                <Table.Th>{t('broadcasts.detail.recipientColumns.variant')}</Table.Th>
                <Table.Th>{t('broadcasts.detail.recipientColumns.status')}</Table.Th>
                <Table.Th>{t('broadcasts.detail.recipientColumns.channel')}</Table.Th>
                <Table.Th>{t('broadcasts.detail.recipientColumns.sentAt')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((r) => (
                <Table.Tr key={r.customerId} data-testid="recipient-row" data-customer-id={r.customerId} data-status={r.status}>
                  <Table.Td>
                    <Anchor component={Link} to={`/customers/${r.customerId}`} size="sm">
                      <Ltr>{r.customerId.slice(0, 8)}</Ltr>
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{r.variant === 'holdout' ? t('broadcasts.report.holdout') : r.variant}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" size="sm">
                      {recipientStatusLabel(t, r.status)}
                    </Badge>
                    {r.reason && (
                      <Text size="xs" c="dimmed">
                        {t(`messaging.reasons.${r.reason as 'capped'}`, { defaultValue: r.reason })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>{r.channel ? t(`messaging.kinds.${r.channel as 'sms'}`, { defaultValue: r.channel }) : ''}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(r.sentAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="subtle" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="recipients-more">
            {t('common.loadMore')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
