import { Badge, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { IconPlayerPause, IconPlayerPlay, IconX } from '@tabler/icons-react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { useSession } from '../auth/session';
import { useFormat } from '../i18n/format';
import { canManageMessaging } from '../messaging/queries';
import { BackLink } from '../segments/BackLink';
import { ConfirmModal } from '../shared/ConfirmModal';
import { useNotifyError } from '../shared/errors';
import { Loading, QueryError } from '../shared/states';
import { ProgressBar } from './ProgressBar';
import { broadcastKeys, isLive, useBroadcast, useBroadcastAction } from './queries';
import { RecipientsTable } from './RecipientsTable';
import { StatusBadge } from './StatusBadge';
import { VariantReportTable } from './VariantReportTable';

/** `/broadcasts/:id`: progress (live while sending), pause/resume/cancel, the report, recipients. */
export function BroadcastDetailPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { id = '' } = useParams();
  const manage = canManageMessaging(useSession());
  const broadcast = useBroadcast(id);
  const action = useBroadcastAction(id);
  const notifyError = useNotifyError();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const queryClient = useQueryClient();
  const status = broadcast.data?.status;
  // Recipients and the report poll only while the broadcast is live: on the last transition
  // (sending → sent, paused, cancelled) they are fetched once more so they end up final.
  useEffect(() => {
    if (!status) return;
    void queryClient.invalidateQueries({ queryKey: ['broadcasts', 'recipients', id] });
    void queryClient.invalidateQueries({ queryKey: broadcastKeys.report(id) });
  }, [status, id, queryClient]);

  if (broadcast.isPending) return <Loading testId="broadcast-loading" />;
  if (broadcast.isError) return <QueryError error={broadcast.error} onRetry={() => void broadcast.refetch()} />;
  const b = broadcast.data;
  const live = isLive(b.status);
  const run = (what: 'pause' | 'resume' | 'cancel') => action.mutate(what, { onError: notifyError, onSuccess: () => setConfirmCancel(false) });
  const reasons = Object.entries(b.progress.byReason).sort((x, y) => y[1] - x[1]);

  return (
    <Stack gap="md" data-testid="broadcast-detail" data-status={b.status}>
      <BackLink to="/broadcasts">{t('broadcasts.detail.back')}</BackLink>
      <Group justify="space-between">
        <Group gap="sm">
          <Title order={2}>{b.name}</Title>
          <StatusBadge status={b.status} />
        </Group>
        {manage && (
          <Group gap="xs">
            {(b.status === 'sending' || b.status === 'scheduled') && (
              <Button variant="default" leftSection={<IconPlayerPause size={16} />} onClick={() => run('pause')} loading={action.isPending} data-testid="broadcast-pause">
                {t('broadcasts.detail.pause')}
              </Button>
            )}
            {b.status === 'paused' && (
              <Button variant="default" leftSection={<IconPlayerPlay size={16} />} onClick={() => run('resume')} loading={action.isPending} data-testid="broadcast-resume">
                {t('broadcasts.detail.resume')}
              </Button>
            )}
            {(b.status === 'sending' || b.status === 'scheduled' || b.status === 'paused') && (
              <Button color="red" variant="light" leftSection={<IconX size={16} />} onClick={() => setConfirmCancel(true)} data-testid="broadcast-cancel">
                {t('broadcasts.detail.cancel')}
              </Button>
            )}
          </Group>
        )}
      </Group>
      <Text size="sm" c="dimmed">
        {b.startedAt ? t('broadcasts.detail.startedAt', { at: format.dateTime(b.startedAt) }) : b.sendAt ? t('broadcasts.detail.sendsAt', { at: format.dateTime(b.sendAt) }) : null}
      </Text>

      <Card withBorder padding="md">
        <SimpleGrid cols={{ base: 1, sm: 3 }} mb="sm">
          {(
            [
              ['audience', b.progress.audience],
              ['holdout', b.progress.holdout],
              ['pending', b.progress.pending],
            ] as const
          ).map(([key, value]) => (
            <Stack key={key} gap={0} data-testid={`broadcast-${key}`} data-count={value ?? ''}>
              <Text size="xs" c="dimmed">
                {t(`broadcasts.detail.${key}`)}
              </Text>
              <Text fw={700} size="lg">
                {value === null ? '—' : format.number(value)}
              </Text>
            </Stack>
          ))}
        </SimpleGrid>
        <ProgressBar progress={b.progress} />
        <Group gap="xs" mt="sm">
          {Object.entries(b.progress.byStatus).map(([status, n]) => (
            <Badge key={status} variant="outline" data-testid="status-count" data-status={status} data-count={n}>
              {t(`messaging.statuses.${status as 'sent'}`)}: {format.number(n ?? 0)}
            </Badge>
          ))}
        </Group>
        {reasons.length > 0 && (
          <Stack gap={2} mt="sm" data-testid="broadcast-reasons">
            <Text size="sm" fw={600}>
              {t('broadcasts.detail.reasons')}
            </Text>
            {reasons.map(([reason, n]) => (
              <Text key={reason} size="sm">
                {t(`messaging.reasons.${reason as 'capped'}`, { defaultValue: reason })}: {format.number(n)}
              </Text>
            ))}
          </Stack>
        )}
      </Card>

      <Card withBorder padding="md">
        <Title order={4} mb="xs">
          {t('broadcasts.report.title')}
        </Title>
        <VariantReportTable broadcastId={b.id} live={live} />
      </Card>

      <Card withBorder padding="md">
        <Title order={4} mb="xs">
          {t('broadcasts.detail.recipients')}
        </Title>
        <RecipientsTable broadcastId={b.id} variants={b.variants.map((v) => v.key)} live={live} />
      </Card>

      <ConfirmModal opened={confirmCancel} title={t('broadcasts.detail.cancel')} confirmLabel={t('broadcasts.detail.cancel')} danger loading={action.isPending} onConfirm={() => run('cancel')} onClose={() => setConfirmCancel(false)} testId="broadcast-cancel-confirm">
        {t('broadcasts.detail.cancelConfirm')}
      </ConfirmModal>
    </Stack>
  );
}
