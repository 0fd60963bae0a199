import { Button, Card, Checkbox, Divider, Group, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { can } from '../auth/permissions';
import { useFormat } from '../i18n/format';
import { useMembers } from '../settings/team/queries';
import { useNotifyError } from '../shared/errors';
import { Loading, QueryError } from '../shared/states';
import { NewTaskForm } from '../tasks/NewTaskForm';
import { useTasks, useUpdateTask } from '../tasks/queries';

/** The customer's open tasks; tick one to mark it done. */
export function CustomerTasks({ customerId, readOnly }: { customerId: string; readOnly: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const tasks = useTasks({ customerId, status: 'open' });
  const members = useMembers();
  const update = useUpdateTask();
  const notifyError = useNotifyError();
  const [creating, { toggle, close }] = useDisclosure(false);
  const editable = !readOnly && can(session, 'tasks:write');
  const list = tasks.data?.pages.flatMap((p) => p.data) ?? [];
  const assignee = (id?: string | null) => members.data?.find((m) => m.userId === id);

  return (
    <Card withBorder radius="md" data-testid="customer-tasks">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{t('profile.tasks')}</Title>
        {editable && (
          <Button size="xs" variant="subtle" leftSection={<IconPlus size={14} />} onClick={toggle} data-testid="task-new">
            {t('tasks.new')}
          </Button>
        )}
      </Group>
      {creating && (
        <>
          <NewTaskForm customerId={customerId} onDone={close} />
          <Divider my="sm" />
        </>
      )}
      {tasks.isPending ? (
        <Loading />
      ) : tasks.isError ? (
        <QueryError error={tasks.error} onRetry={() => void tasks.refetch()} />
      ) : list.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="customer-tasks-empty">
          {t('profile.noOpenTasks')}
        </Text>
      ) : (
        <Stack gap="xs">
          {list.map((task) => (
            <Group key={task.id} gap="sm" wrap="nowrap" align="flex-start" data-testid="customer-task">
              <Checkbox
                mt={2}
                checked={task.status === 'done'}
                disabled={!editable || (update.isPending && update.variables?.id === task.id)}
                aria-label={t('tasks.markDone')}
                onChange={() => update.mutate({ id: task.id, status: 'done' }, { onError: notifyError })}
                data-testid="task-done"
              />
              <Stack gap={0}>
                <Text size="sm">{task.title}</Text>
                <Text size="xs" c="dimmed">
                  {[
                    assignee(task.assigneeId)?.name || assignee(task.assigneeId)?.email,
                    task.dueAt ? t('tasks.due', { date: format.date(task.dueAt) }) : null,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Text>
              </Stack>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
