import { Badge, Button, Group, Stack, Text, Tooltip } from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { useNotifyError } from '../shared/errors';
import { useAnalyticsFormat } from './format';
import { canAnalytics, useAnalyticsStatus, useRefreshAnalytics } from './queries';

/** "Figures as of …", the computation's state, and (for managers) "Recompute now". */
export function StatusBar() {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const session = useSession();
  const status = useAnalyticsStatus({ watch: true });
  const refresh = useRefreshAnalytics();
  const notifyError = useNotifyError();
  const data = status.data;
  const busy = data?.state === 'queued' || data?.state === 'running';

  return (
    <Group gap="sm" wrap="wrap" justify="flex-end" data-testid="analytics-status" data-state={data?.state ?? 'loading'} data-as-of={data?.asOf ?? ''}>
      <Stack gap={0} align="flex-end">
        <Text size="sm" fw={500} data-testid="analytics-as-of">
          {data?.asOf ? t('analytics.status.asOf', { date: format.dateTime(data.asOf) }) : data ? t('analytics.status.never') : ' '}
        </Text>
        {data?.asOf && (
          <Text size="xs" c="dimmed">
            {t('analytics.status.summary', { customers: format.number(data.customers), orders: format.number(data.orders) })}
            {data.durationMs !== null && ` · ${t('analytics.status.took', { seconds: format.decimal(data.durationMs / 1000, 1) })}`}
          </Text>
        )}
        {data && data.excludedOrders > 0 && (
          <Text size="xs" c="orange.8" data-testid="analytics-excluded">
            {t('analytics.status.excluded', { n: format.number(data.excludedOrders) })}
          </Text>
        )}
      </Stack>
      {busy && (
        <Badge variant="light" color="blue" data-testid="analytics-busy">
          {t(`analytics.status.${data.state as 'queued' | 'running'}`)}
        </Badge>
      )}
      {data?.state === 'failed' && (
        <Tooltip label={t('analytics.status.failed', { error: data.error ?? '' })} multiline maw={320} withArrow>
          <Badge variant="light" color="red" leftSection={<IconAlertTriangle size={12} />} data-testid="analytics-failed">
            {t('errors.codes.INTERNAL')}
          </Badge>
        </Tooltip>
      )}
      {canAnalytics(session, 'manage') && (
        <Button
          variant="light"
          size="xs"
          leftSection={<IconRefresh size={14} />}
          loading={refresh.isPending || busy}
          onClick={() => refresh.mutate(undefined, { onError: notifyError })}
          data-testid="analytics-refresh"
        >
          {t('analytics.status.refresh')}
        </Button>
      )}
    </Group>
  );
}
