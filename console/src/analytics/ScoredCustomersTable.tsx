import { Anchor, Badge, Button, Center, Stack, Table, Text, Tooltip, UnstyledButton } from '@mantine/core';
import { IconArrowDown } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { Ltr } from '../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { Figure } from './Figure';
import { useAnalyticsFormat } from './format';
import { type ScoredFilters, useScoredCustomers } from './queries';
import { RISK_COLOR, SEGMENT_COLOR } from './segments';
import type { ScoredCustomer, ScoredSort } from './types';

/** Badges in table cells show their whole label instead of an ellipsis. */
const FULL_LABEL = { label: { overflow: 'visible' } } as const;

function SortHeader({ sort, current, onSort, children }: { sort: ScoredSort; current: ScoredSort; onSort?: (sort: ScoredSort) => void; children: string }) {
  if (!onSort) return <Table.Th ta="end">{children}</Table.Th>;
  const active = sort === current;
  return (
    <Table.Th ta="end" aria-sort={active ? 'descending' : undefined}>
      <UnstyledButton onClick={() => onSort(sort)} fw={active ? 700 : 500} fz="sm" data-testid={`sort-${sort}`}>
        {children}
        {active && <IconArrowDown size={12} style={{ marginInlineStart: 4 }} />}
      </UnstyledButton>
    </Table.Th>
  );
}

function Name({ customer }: { customer: ScoredCustomer }) {
  const { t } = useTranslation();
  const contact = customer.email ?? customer.phone;
  return (
    <Stack gap={0}>
      <Anchor component={Link} to={`/customers/${customer.customerId}`} fw={600} size="sm" data-testid="scored-customer-link">
        {customer.name || (contact ? <Ltr>{contact}</Ltr> : t('analytics.customers.unnamed'))}
      </Anchor>
      {customer.name && contact && (
        <Text size="xs" c="dimmed">
          <Ltr>{contact}</Ltr>
        </Text>
      )}
    </Stack>
  );
}

/**
 * Scored customers (a segment's, or the at-risk list), newest page last, each linking to the
 * profile. Column headers sort when `onSort` is given.
 */
export function ScoredCustomersTable({ filters, currency, onSort, pageSize, empty }: {
  filters: ScoredFilters;
  currency: string;
  onSort?: (sort: ScoredSort) => void;
  pageSize?: number;
  /** What an empty list says; "No customers here" by default. */
  empty?: { title: string; description?: string };
}) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const list = useScoredCustomers(filters, { limit: pageSize });

  if (list.isPending) return <Loading />;
  if (list.isError) return <QueryError error={list.error} onRetry={() => void list.refetch()} />;
  const rows = list.data.pages.flatMap((p) => p.data);
  if (rows.length === 0) return <EmptyState testId="scored-empty" title={empty?.title ?? t('analytics.customers.empty')} description={empty?.description} />;
  const money = (v: number) => format.money(v, currency);

  return (
    <Stack gap="sm">
      <Table.ScrollContainer minWidth={1100}>
        <Table striped highlightOnHover verticalSpacing="xs" data-testid="scored-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('analytics.customers.name')}</Table.Th>
              <Table.Th>{t('analytics.customers.segment')}</Table.Th>
              <Table.Th>{t('analytics.customers.risk')}</Table.Th>
              <SortHeader sort="p_alive" current={filters.sort} onSort={onSort}>
                {t('analytics.customers.pAlive')}
              </SortHeader>
              <Table.Th ta="end">{t('analytics.customers.expected')}</Table.Th>
              <SortHeader sort="clv" current={filters.sort} onSort={onSort}>
                {t('analytics.customers.clv')}
              </SortHeader>
              <SortHeader sort="clv_at_risk" current={filters.sort} onSort={onSort}>
                {t('analytics.customers.clvAtRisk')}
              </SortHeader>
              <SortHeader sort="revenue" current={filters.sort} onSort={onSort}>
                {t('analytics.customers.revenue')}
              </SortHeader>
              <Table.Th ta="end">{t('analytics.customers.orders')}</Table.Th>
              <SortHeader sort="last_order" current={filters.sort} onSort={onSort}>
                {t('analytics.customers.lastOrder')}
              </SortHeader>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((c) => (
              <Table.Tr key={c.customerId} data-testid="scored-row" data-customer-id={c.customerId} data-clv-at-risk={c.clvAtRisk ?? ''}>
                <Table.Td>
                  <Name customer={c} />
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Badge variant="light" color={SEGMENT_COLOR[c.segment]} size="sm" styles={FULL_LABEL}>
                    {t(`analytics.segments.${c.segment}`)}
                  </Badge>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  {c.risk ? (
                    <Badge variant="dot" color={RISK_COLOR[c.risk]} size="sm" styles={FULL_LABEL} data-testid="scored-risk">
                      {t(`analytics.risk.${c.risk}`)}
                    </Badge>
                  ) : (
                    <Text c="dimmed">—</Text>
                  )}
                </Table.Td>
                <Table.Td ta="end">
                  <Tooltip label={t('analytics.customers.pAliveHint')} withArrow openDelay={400}>
                    <span>
                      <Figure value={c.pAlive} render={(v) => format.share(v, 0)} size="sm" />
                    </span>
                  </Tooltip>
                </Table.Td>
                <Table.Td ta="end">
                  <Figure value={c.expectedPurchases} render={(v) => format.decimal(v, 2)} size="sm" />
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }}>
                  <Figure value={c.clv} render={money} size="sm" />
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }}>
                  <Figure value={c.clvAtRisk} render={money} size="sm" fw={600} c={c.risk === 'high' ? 'red.7' : undefined} testId="scored-clv-at-risk" />
                </Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }}>
                  {money(c.revenue)}
                </Table.Td>
                <Table.Td ta="end">{format.number(c.orders)}</Table.Td>
                <Table.Td ta="end" style={{ whiteSpace: 'nowrap' }}>
                  {format.day(c.lastOrderAt)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {list.hasNextPage && (
        <Center>
          <Button variant="default" size="xs" loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()} data-testid="scored-more">
            {t('common.loadMore')}
          </Button>
        </Center>
      )}
    </Stack>
  );
}
