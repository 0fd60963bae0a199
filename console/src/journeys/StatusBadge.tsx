import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { JourneyStatus } from './types';

const colors: Record<JourneyStatus, string> = { draft: 'gray', active: 'green', paused: 'yellow', archived: 'red' };

export function JourneyStatusBadge({ status }: { status: JourneyStatus }) {
  const { t } = useTranslation();
  return (
    <Badge variant="light" color={colors[status]} data-testid="journey-status" data-status={status}>
      {t(`journeys.statuses.${status}`)}
    </Badge>
  );
}
