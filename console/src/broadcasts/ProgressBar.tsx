import { Progress, Text, Tooltip } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { progressOf } from './progress';
import type { Progress as ProgressData } from './types';

/** One stacked bar: delivered, sent, failed, held back, still queued — out of all messages. */
export function ProgressBar({ progress, size = 'lg' }: { progress: ProgressData; size?: 'sm' | 'lg' }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { total, done, sections } = progressOf(progress);
  return (
    <div data-testid="broadcast-progress" data-done={done} data-total={total}>
      <Progress.Root size={size}>
        {sections.map((s) => (
          <Tooltip key={s.id} label={`${t(`messaging.statuses.${s.id}`)}: ${format.number(s.value)}`}>
            <Progress.Section value={total === 0 ? 0 : (s.value / total) * 100} color={s.color} data-testid={`progress-${s.id}`} data-count={s.value} />
          </Tooltip>
        ))}
      </Progress.Root>
      <Text size="xs" c="dimmed" mt={2}>
        {t('broadcasts.progressLabel', { done: format.number(done), total: format.number(total) })}
      </Text>
    </div>
  );
}
