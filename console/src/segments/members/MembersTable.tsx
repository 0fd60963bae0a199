import { Anchor, Button, Checkbox, Group, Stack, Table, Text } from '@mantine/core';
import { IconUserMinus, IconUsers } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../../i18n/format';
import { useNotifyError, useNotifySuccess } from '../../shared/errors';
import { Ltr } from '../../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { memberName } from '../PreviewPanel';
import { useRemoveMembers, useSegmentMembers } from '../queries';
import type { Segment } from '../types';

/** The members, latest entered first, 50 at a time; in a manual segment they can be removed. */
export function MembersTable({ segment, manage }: { segment: Segment; manage: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const members = useSegmentMembers(segment.id);
  const rows = members.data?.pages.flatMap((p) => p.data) ?? [];
  const selectable = manage && segment.kind === 'manual';
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const remove = useRemoveMembers(segment.id);
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();

  if (members.isPending) return <Loading testId="members-loading" />;
  if (members.isError) return <QueryError error={members.error} onRetry={() => void members.refetch()} />;
  if (rows.length === 0) {
    return (
      <EmptyState
        testId="members-empty"
        icon={<IconUsers size={26} />}
        title={t('segments.detail.noMembers')}
        description={segment.kind === 'dynamic' ? t('segments.detail.noMembersDynamic') : t('segments.detail.noMembersManual')}
      />
    );
  }

  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.customerId));

  return (
    <Stack gap="sm">
      {selectable && selected.size > 0 && (
        <Group>
          <Button
            color="red"
            variant="light"
            size="xs"
            leftSection={<IconUserMinus size={14} />}
            loading={remove.isPending}
            onClick={() =>
              remove.mutate([...selected], {
                onSuccess: (r) => {
                  notifySuccess(t('segments.detail.removed', { n: format.number(r.removed) }));
                  setSelected(new Set());
                },
                onError: notifyError,
              })
            }
            data-testid="members-remove"
          >
            {t('segments.detail.removeSelected', { n: format.number(selected.size) })}
          </Button>
        </Group>
      )}
      <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover verticalSpacing="xs" data-testid="members-table">
          <Table.Thead>
            <Table.Tr>
              {selectable && (
                <Table.Th w={40}>
                  <Checkbox
                    aria-label={t('segments.detail.select')}
                    checked={allSelected}
                    indeterminate={selected.size > 0 && !allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((r) => r.customerId)))}
                  />
                </Table.Th>
              )}
              <Table.Th>{t('segments.detail.columns.customer')}</Table.Th>
              <Table.Th>{t('segments.detail.columns.email')}</Table.Th>
              <Table.Th>{t('segments.detail.columns.phone')}</Table.Th>
              <Table.Th>{t('segments.detail.columns.entered')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((m) => (
              <Table.Tr key={m.customerId} data-testid="member-row" data-customer-id={m.customerId}>
                {selectable && (
                  <Table.Td>
                    <Checkbox aria-label={t('segments.detail.select')} checked={selected.has(m.customerId)} onChange={() => toggle(m.customerId)} data-testid="member-select" />
                  </Table.Td>
                )}
                <Table.Td>
                  <Anchor component={Link} to={`/customers/${m.customerId}`} fw={500}>
                    {memberName(m)}
                  </Anchor>
                </Table.Td>
                <Table.Td>{m.email ? <Ltr>{m.email}</Ltr> : <Text c="dimmed">—</Text>}</Table.Td>
                <Table.Td>{m.phone ? <Ltr>{m.phone}</Ltr> : <Text c="dimmed">—</Text>}</Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(m.enteredAt)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Group justify="space-between">
        <Text size="sm" c="dimmed" data-testid="members-shown">
          {t('segments.detail.shown', { shown: format.number(rows.length), total: format.number(segment.memberCount) })}
        </Text>
        {members.hasNextPage && (
          <Button variant="default" onClick={() => void members.fetchNextPage()} loading={members.isFetchingNextPage} data-testid="members-load-more">
            {t('common.loadMore')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
