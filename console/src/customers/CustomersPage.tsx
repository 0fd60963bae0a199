import { Button, Group, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus, IconUsers } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { useSession } from '../auth/session';
import { can } from '../auth/permissions';
import { useFormat } from '../i18n/format';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { CustomerFiltersBar } from './CustomerFiltersBar';
import { CustomersTable } from './CustomersTable';
import { NewCustomerModal } from './NewCustomerModal';
import { type CustomerFilters, useCustomerList } from './queries';

const FILTER_KEYS = ['q', 'tag', 'city', 'consent'] as const;

export function CustomersPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const [creating, { open, close }] = useDisclosure(false);

  const filters = useMemo(() => {
    const result: CustomerFilters = {};
    for (const key of FILTER_KEYS) {
      const value = params.get(key);
      if (value) result[key] = value;
    }
    return result;
  }, [params]);
  const filtered = Object.keys(filters).length > 0;

  const setFilters = (next: CustomerFilters) => {
    const search = new URLSearchParams();
    for (const key of FILTER_KEYS) {
      const value = next[key]?.trim();
      if (value) search.set(key, value);
    }
    setParams(search, { replace: true });
  };

  const list = useCustomerList(filters);
  const customers = list.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('customers.title')}</Title>
        {can(session, 'customers:write') && (
          <Button leftSection={<IconPlus size={16} />} onClick={open} data-testid="new-customer">
            {t('customers.new')}
          </Button>
        )}
      </Group>

      <CustomerFiltersBar filters={filters} onChange={setFilters} />

      {list.isPending ? (
        <Loading testId="customers-loading" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : customers.length === 0 ? (
        <EmptyState
          testId="customers-empty"
          icon={<IconUsers size={26} />}
          title={filtered ? t('customers.noMatches') : t('customers.empty')}
          description={filtered ? t('customers.noMatchesHint') : t('customers.emptyHint')}
        />
      ) : (
        <>
          <CustomersTable customers={customers} />
          <Group justify="space-between">
            <Text size="sm" c="dimmed" data-testid="customers-count">
              {t('customers.shown', { shown: format.number(customers.length) })}
            </Text>
            {list.hasNextPage && (
              <Button
                variant="default"
                onClick={() => void list.fetchNextPage()}
                loading={list.isFetchingNextPage}
                data-testid="customers-load-more"
              >
                {t('common.loadMore')}
              </Button>
            )}
          </Group>
        </>
      )}

      <NewCustomerModal opened={creating} onClose={close} />
    </Stack>
  );
}
