import { Anchor, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconPlus, IconSpeakerphone } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../auth/session';
import { useFormat } from '../i18n/format';
import { canManageMessaging } from '../messaging/queries';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { ProgressBar } from './ProgressBar';
import { useBroadcast, useBroadcasts } from './queries';
import { StatusBadge } from './StatusBadge';
import type { Broadcast } from './types';

/** A row's bar: the detail carries the progress (fetched per row, polled only while it moves). */
function RowProgress({ id }: { id: string }) {
  const detail = useBroadcast(id);
  return detail.data ? <ProgressBar progress={detail.data.progress} size="sm" /> : null;
}

/** `/broadcasts`: every broadcast, newest first, with its status and progress. */
export function BroadcastsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const manage = canManageMessaging(useSession());
  const list = useBroadcasts();
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];
  const when = (b: Broadcast) => b.startedAt ?? b.sendAt ?? b.createdAt;
  return (
    <Stack gap="md" data-testid="broadcasts-page">
      <Group justify="space-between">
        <Group gap="xs">
          <IconSpeakerphone size={26} stroke={1.6} />
          <Title order={2}>{t('broadcasts.title')}</Title>
        </Group>
        {manage && (
          <Button component={Link} to="/broadcasts/new" leftSection={<IconPlus size={16} />} data-testid="new-broadcast">
            {t('broadcasts.new')}
          </Button>
        )}
      </Group>
      <Text c="dimmed" size="sm" maw={720}>
        {t('broadcasts.description')}
      </Text>
      {list.isPending ? (
        <Loading testId="broadcasts-loading" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState testId="broadcasts-empty" icon={<IconSpeakerphone size={26} />} title={t('broadcasts.empty')} description={t('broadcasts.emptyHint')} />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="broadcasts-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('broadcasts.columns.name')}</Table.Th>
                <Table.Th>{t('broadcasts.columns.status')}</Table.Th>
                <Table.Th w={260}>{t('broadcasts.columns.progress')}</Table.Th>
                <Table.Th>{t('broadcasts.columns.when')}</Table.Th>
                <Table.Th>{t('broadcasts.columns.createdBy')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((b) => (
                <Table.Tr key={b.id} data-testid="broadcast-row" data-broadcast-id={b.id} data-name={b.name}>
                  <Table.Td>
                    <Anchor component={Link} to={`/broadcasts/${b.id}`} fw={600} data-testid="broadcast-link">
                      {b.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <StatusBadge status={b.status} />
                  </Table.Td>
                  <Table.Td>{b.status !== 'draft' && <RowProgress id={b.id} />}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(when(b))}</Table.Td>
                  <Table.Td>{b.createdBy}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="subtle" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
