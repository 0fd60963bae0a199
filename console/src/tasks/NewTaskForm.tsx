import { Button, Group, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { memberLabel, useMembers } from '../settings/team/queries';
import { useFormErrors } from '../shared/errors';
import { useCreateTask } from './queries';

/** A calendar day from <input type="date"> becomes the end of that day, local time. */
function dueAtFromDay(day: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return undefined;
  const date = new Date(`${day}T23:59:00`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

const FIELDS = { title: 'title', assigneeId: 'assigneeId', dueAt: 'dueAt' };

export function NewTaskForm({ customerId, onDone }: { customerId?: string; onDone?: () => void }) {
  const { t } = useTranslation();
  const members = useMembers();
  const create = useCreateTask();
  const formErrors = useFormErrors();
  const [title, setTitle] = useState('');
  const [assigneeId, setAssigneeId] = useState<string | null>(null);
  const [due, setDue] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    setErrors({});
    create.mutate(
      { title: title.trim(), customerId, assigneeId: assigneeId ?? undefined, dueAt: dueAtFromDay(due) },
      {
        onSuccess: () => {
          setTitle('');
          setAssigneeId(null);
          setDue('');
          onDone?.();
        },
        onError: (error) => setErrors(formErrors(error, FIELDS)),
      },
    );
  };

  return (
    <form onSubmit={submit} data-testid="new-task-form">
      <Stack gap="xs">
        <TextInput
          size="xs"
          label={t('tasks.fields.title')}
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={errors.title}
          data-testid="task-title"
        />
        <Group grow gap="xs" align="flex-start">
          <Select
            size="xs"
            label={t('tasks.fields.assignee')}
            placeholder={t('tasks.unassigned')}
            data={(members.data ?? []).map((m) => ({ value: m.userId, label: memberLabel(m) }))}
            value={assigneeId}
            onChange={setAssigneeId}
            clearable
            searchable
            error={errors.assigneeId}
            data-testid="task-assignee"
          />
          <TextInput
            size="xs"
            type="date"
            label={t('tasks.fields.due')}
            value={due}
            onChange={(e) => setDue(e.currentTarget.value)}
            error={errors.dueAt}
            data-testid="task-due"
          />
        </Group>
        <Group justify="flex-end">
          <Button type="submit" size="xs" loading={create.isPending} disabled={!title.trim()} data-testid="task-submit">
            {t('tasks.create')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
