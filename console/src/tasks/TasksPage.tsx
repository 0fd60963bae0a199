import { Anchor, Badge, Button, Group, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { IconCheck, IconChecklist } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { TaskStatus } from '../api/types';
import { useSession } from '../auth/session';
import { can } from '../auth/permissions';
import { useFormat } from '../i18n/format';
import { useMembers } from '../settings/team/queries';
import { useNotifyError } from '../shared/errors';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { useTasks, useUpdateTask } from './queries';

export function TasksPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const [params, setParams] = useSearchParams();
  const status: TaskStatus = params.get('status') === 'done' ? 'done' : 'open';
  const tasks = useTasks({ status });
  const members = useMembers();
  const update = useUpdateTask();
  const notifyError = useNotifyError();
  const list = tasks.data?.pages.flatMap((p) => p.data) ?? [];
  const memberName = (id?: string | null) => {
    const member = members.data?.find((m) => m.userId === id);
    return member ? member.name || member.email : null;
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>{t('tasks.title')}</Title>
        <SegmentedControl
          value={status}
          onChange={(value) => setParams(value === 'open' ? {} : { status: value }, { replace: true })}
          data={[
            { value: 'open', label: t('tasks.status.open') },
            { value: 'done', label: t('tasks.status.done') },
          ]}
          data-testid="tasks-status"
        />
      </Group>

      {tasks.isPending ? (
        <Loading testId="tasks-loading" />
      ) : tasks.isError ? (
        <QueryError error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : list.length === 0 ? (
        <EmptyState
          testId="tasks-empty"
          icon={<IconChecklist size={26} />}
          title={status === 'open' ? t('tasks.emptyOpen') : t('tasks.emptyDone')}
          description={t('tasks.emptyHint')}
        />
      ) : (
        <>
          <Table.ScrollContainer minWidth={720}>
            <Table striped highlightOnHover verticalSpacing="sm" data-testid="tasks-table">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('tasks.fields.title')}</Table.Th>
                  <Table.Th>{t('tasks.fields.customer')}</Table.Th>
                  <Table.Th>{t('tasks.fields.assignee')}</Table.Th>
                  <Table.Th>{t('tasks.fields.due')}</Table.Th>
                  <Table.Th>{t('tasks.fields.status')}</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((task) => {
                  const overdue = task.status === 'open' && task.dueAt && new Date(task.dueAt) < new Date();
                  return (
                    <Table.Tr key={task.id} data-testid="task-row">
                      <Table.Td>
                        <Text size="sm" fw={500}>
                          {task.title}
                        </Text>
                        {task.priority && task.priority !== 'normal' && (
                          <Badge size="xs" variant="outline" color={task.priority === 'urgent' ? 'red' : 'gray'}>
                            {t(`tasks.priority.${task.priority}`)}
                          </Badge>
                        )}
                        {task.description && (
                          <Text size="xs" c="dimmed" className="vafa-clamp">
                            {task.description}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        {task.customerId ? (
                          <Anchor component={Link} to={`/customers/${task.customerId}`} size="sm">
                            {t('tasks.openCustomer')}
                          </Anchor>
                        ) : (
                          <Text c="dimmed">—</Text>
                        )}
                      </Table.Td>
                      <Table.Td>{memberName(task.assigneeId) ?? <Text c="dimmed">{t('tasks.unassigned')}</Text>}</Table.Td>
                      <Table.Td style={{ whiteSpace: 'nowrap' }}>
                        {task.dueAt ? (
                          <Text size="sm" c={overdue ? 'red' : undefined}>
                            {format.date(task.dueAt)}
                          </Text>
                        ) : (
                          <Text c="dimmed">—</Text>
                        )}
                      </Table.Td>
                      <Table.Td>
                        <Badge variant="light" color={task.status === 'done' ? 'teal' : 'blue'}>
                          {t(`tasks.status.${task.status}`, { defaultValue: task.status })}
                        </Badge>
                      </Table.Td>
                      <Table.Td>
                        {task.status !== 'done' && can(session, 'tasks:write') && (
                          <Button
                            size="xs"
                            variant="light"
                            leftSection={<IconCheck size={14} />}
                            loading={update.isPending && update.variables?.id === task.id}
                            onClick={() => update.mutate({ id: task.id, status: 'done' }, { onError: notifyError })}
                            data-testid="task-mark-done"
                          >
                            {t('tasks.markDone')}
                          </Button>
                        )}
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          {tasks.hasNextPage && (
            <Group justify="center">
              <Button variant="default" onClick={() => void tasks.fetchNextPage()} loading={tasks.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Stack>
  );
}
