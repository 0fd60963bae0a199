import { ActionIcon, Anchor, Badge, Button, Group, Menu, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCopy, IconDots, IconEdit, IconPlus, IconSearch, IconTrash, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../auth/session';
import { useFormat } from '../i18n/format';
import { ConfirmModal } from '../shared/ConfirmModal';
import { useNotifyError, useNotifySuccess } from '../shared/errors';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { canManageSegments, useDeleteSegment, useDuplicateSegment, useSegments } from './queries';
import type { Segment } from './types';

/** `/segments`: every segment with its kind, size and last change; create, duplicate, delete. */
export function SegmentsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const manage = canManageSegments(useSession());
  const [q, setQ] = useState('');
  const [query] = useDebouncedValue(q.trim(), 300);
  const list = useSegments(query);
  const segments = list.data?.pages.flatMap((p) => p.data) ?? [];
  const [deleting, setDeleting] = useState<Segment | null>(null);
  const remove = useDeleteSegment();
  const duplicate = useDuplicateSegment();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();

  const onDuplicate = (source: Segment) => {
    const name = t('segments.copyName', { name: source.name });
    duplicate.mutate(
      { source, name },
      {
        onSuccess: (copy) => {
          notifySuccess(t('segments.duplicated', { name }));
          navigate(`/segments/${copy.id}`);
        },
        onError: notifyError,
      },
    );
  };

  return (
    <Stack gap="md" data-testid="segments-page">
      <Group justify="space-between">
        <Group gap="xs">
          <IconUsersGroup size={26} stroke={1.6} />
          <Title order={2}>{t('segments.title')}</Title>
        </Group>
        {manage && (
          <Button component={Link} to="/segments/new" leftSection={<IconPlus size={16} />} data-testid="new-segment">
            {t('segments.new')}
          </Button>
        )}
      </Group>

      <TextInput leftSection={<IconSearch size={16} />} placeholder={t('segments.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} maw={360} data-testid="segments-search" />

      {list.isPending ? (
        <Loading testId="segments-loading" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : segments.length === 0 ? (
        <EmptyState testId="segments-empty" icon={<IconUsersGroup size={26} />} title={query ? t('segments.noMatches') : t('segments.empty')} description={query ? undefined : t('segments.emptyHint')} />
      ) : (
        <>
          <Table.ScrollContainer minWidth={700}>
            <Table striped highlightOnHover verticalSpacing="sm" data-testid="segments-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('segments.columns.name')}</Table.Th>
                  <Table.Th>{t('segments.columns.kind')}</Table.Th>
                  <Table.Th style={{ textAlign: 'end' }}>{t('segments.columns.members')}</Table.Th>
                  <Table.Th>{t('segments.columns.updated')}</Table.Th>
                  <Table.Th w={50}>{t('segments.columns.actions')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {segments.map((s) => (
                  <Table.Tr key={s.id} data-testid="segment-row" data-segment-id={s.id} data-name={s.name}>
                    <Table.Td>
                      <Anchor component={Link} to={`/segments/${s.id}`} fw={600} data-testid="segment-link">
                        {s.name}
                      </Anchor>
                      {s.description && (
                        <Text size="xs" c="dimmed" lineClamp={1}>
                          {s.description}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Badge variant="light" color={s.kind === 'dynamic' ? 'blue' : 'gray'} data-testid="segment-kind">
                        {t(`segments.kinds.${s.kind}`)}
                      </Badge>
                    </Table.Td>
                    <Table.Td style={{ textAlign: 'end' }} data-testid="segment-members" data-count={s.memberCount}>
                      {format.number(s.memberCount)}
                    </Table.Td>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(s.updatedAt)}</Table.Td>
                    <Table.Td>
                      {manage && (
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" color="gray" aria-label={t('segments.columns.actions')} data-testid="segment-actions">
                              <IconDots size={16} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            {s.kind === 'dynamic' && (
                              <Menu.Item leftSection={<IconEdit size={14} />} component={Link} to={`/segments/${s.id}/edit`}>
                                {t('segments.actions.edit')}
                              </Menu.Item>
                            )}
                            <Menu.Item leftSection={<IconCopy size={14} />} onClick={() => onDuplicate(s)} disabled={duplicate.isPending} data-testid="segment-duplicate">
                              {t('segments.actions.duplicate')}
                            </Menu.Item>
                            <Menu.Item leftSection={<IconTrash size={14} />} color="red" onClick={() => setDeleting(s)} data-testid="segment-delete">
                              {t('segments.actions.delete')}
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              {t('segments.shown', { shown: format.number(segments.length) })}
            </Text>
            {list.hasNextPage && (
              <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            )}
          </Group>
        </>
      )}

      <ConfirmModal
        opened={deleting !== null}
        title={t('segments.deleteTitle')}
        confirmLabel={t('segments.actions.delete')}
        danger
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => {
              notifySuccess(t('segments.deleted'));
              setDeleting(null);
            },
            onError: notifyError,
          })
        }
        testId="segment-delete-confirm"
      >
        {t('segments.deleteBody', { name: deleting?.name ?? '' })}
      </ConfirmModal>
    </Stack>
  );
}
