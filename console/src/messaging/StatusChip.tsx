import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { MessageStatus } from './types';

const colors: Record<MessageStatus, string> = {
  queued: 'gray',
  scheduled: 'indigo',
  sending: 'blue',
  sent: 'teal',
  delivered: 'green',
  read: 'lime',
  failed: 'red',
  suppressed: 'orange',
  skipped: 'yellow',
};

export function StatusChip({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = status in colors ? (status as MessageStatus) : undefined;
  return (
    <Badge variant="light" color={known ? colors[known] : 'gray'} data-testid={`status-${status}`}>
      {known ? t(`messaging.statuses.${known}`) : status}
    </Badge>
  );
}
