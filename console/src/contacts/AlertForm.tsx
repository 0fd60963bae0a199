import { Button, Card, Group, NumberInput, Select, Stack, Switch, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { memberLabel, useMembers } from '../settings/team/queries';
import { useFormErrors, useNotifyError, useNotifySuccess } from '../shared/errors';
import { QueryError } from '../shared/states';
import { useContactAlert, useRunContactAlert, useSaveContactAlert } from './queries';
import type { ContactChannel } from './types';

const FIELDS = { days: 'days', assigneeId: 'assigneeId', segmentId: 'segmentId', channel: 'channel' };

/**
 * The workspace's silence alert. It takes the page's channel and segment filters, so what the
 * list shows is what the alert watches.
 */
export function AlertForm({ channel, segmentId, manage }: { channel: ContactChannel | null; segmentId: string | null; manage: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const alert = useContactAlert();
  const members = useMembers();
  const save = useSaveContactAlert();
  const run = useRunContactAlert();
  const formErrors = useFormErrors();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const [enabled, setEnabled] = useState(true);
  const [days, setDays] = useState<number | string>(30);
  const [assigneeId, setAssigneeId] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const current = alert.data?.alert ?? null;

  useEffect(() => {
    if (!current) return;
    setEnabled(current.enabled);
    setDays(current.days);
    setAssigneeId(current.assigneeId);
  }, [current]);

  if (alert.isError) return <QueryError error={alert.error} onRetry={() => void alert.refetch()} />;

  const submit = () => {
    setErrors({});
    save.mutate(
      { enabled, days: Number(days), channel, segmentId, assigneeId },
      { onSuccess: () => notifySuccess(t('contacts.alert.saved')), onError: (e) => setErrors(formErrors(e, FIELDS)) },
    );
  };

  return (
    <Card withBorder padding="md" data-testid="contact-alert">
      <Stack gap="sm">
        <Title order={4}>{t('contacts.alert.title')}</Title>
        <Text size="sm" c="dimmed">
          {t('contacts.alert.hint')}
        </Text>
        <Group align="flex-end" wrap="wrap">
          <Switch label={t('contacts.alert.enabled')} checked={enabled} onChange={(e) => setEnabled(e.currentTarget.checked)} disabled={!manage} data-testid="alert-enabled" />
          <NumberInput label={t('contacts.alert.days')} min={1} max={3650} value={days} onChange={setDays} error={errors.days} w={180} disabled={!manage} data-testid="alert-days" />
          <Select
            label={t('contacts.alert.assignee')}
            placeholder={t('contacts.alert.nobody')}
            data={(members.data ?? []).map((m) => ({ value: m.userId, label: memberLabel(m) }))}
            value={assigneeId}
            onChange={setAssigneeId}
            clearable
            error={errors.assigneeId ?? errors.segmentId ?? errors.channel}
            disabled={!manage}
            w={280}
            data-testid="alert-assignee"
          />
        </Group>
        <Group justify="space-between">
          <Text size="xs" c="dimmed" data-testid="alert-last-run">
            {current?.lastRunAt ? t('contacts.alert.lastRun', { at: format.dateTime(current.lastRunAt) }) : t('contacts.alert.neverRun')}
          </Text>
          {manage && (
            <Group gap="xs">
              <Button
                variant="default"
                disabled={!current?.enabled}
                loading={run.isPending}
                onClick={() => run.mutate(undefined, { onSuccess: (r) => notifySuccess(t('contacts.alert.ran', { n: format.number(r.tasksCreated) })), onError: notifyError })}
                data-testid="alert-run"
              >
                {t('contacts.alert.run')}
              </Button>
              <Button onClick={submit} loading={save.isPending} data-testid="alert-save">
                {t('contacts.alert.save')}
              </Button>
            </Group>
          )}
        </Group>
      </Stack>
    </Card>
  );
}
