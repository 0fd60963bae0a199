import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { BroadcastStatus } from './types';

const colors: Record<BroadcastStatus, string> = { draft: 'gray', scheduled: 'violet', sending: 'blue', paused: 'yellow', sent: 'green', cancelled: 'red' };

export function StatusBadge({ status }: { status: BroadcastStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={colors[status]} data-testid="broadcast-status" data-status={status}>
      {t(`broadcasts.statuses.${status}`)}
    </Badge>
  );
}
