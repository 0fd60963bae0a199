import { Alert, Anchor, Badge, Group, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { IconDownload } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { type ImportJob, isRunning } from './types';

const STATUS_COLORS: Record<ImportJob['status'], string> = { queued: 'gray', running: 'blue', interrupted: 'orange', completed: 'teal', failed: 'red' };

function duration(seconds: number, locale: string): string {
  const minutes = Math.floor(seconds / 60);
  const unit = minutes >= 1 ? { value: minutes, unit: 'minute' as const } : { value: Math.max(1, Math.round(seconds)), unit: 'second' as const };
  return new Intl.NumberFormat(locale, { style: 'unit', unit: unit.unit, unitDisplay: 'long' }).format(unit.value);
}

/** An import's state: a progress bar with rows/s and ETA while it runs, its counts, and the error report. */
export function ImportProgress({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const format = useFormat();
  const running = isRunning(job);
  return (
    <Paper withBorder p="md" data-testid="import-progress" data-status={job.status}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>
            {job.dryRun ? t('imports.progress.dryRunTitle') : t('imports.progress.title')} · <bdi>{job.fileName}</bdi>
          </Title>
          <Badge color={STATUS_COLORS[job.status]} variant="light" data-testid="import-status">
            {t(`imports.status.${job.status}`)}
          </Badge>
        </Group>
        <Progress value={job.percent} animated={running} size="lg" color={job.rowsFailed ? 'orange' : 'teal'} data-testid="import-progress-bar" />
        <Group gap="lg">
          <Text size="sm" data-testid="import-rows">
            {t('imports.progress.rows', { done: format.number(job.rowsDone + job.rowsFailed), total: format.number(job.rowsTotal) })}
          </Text>
          {job.rowsPerSecond !== null && running && <Text size="sm">{t('imports.progress.rate', { rate: format.number(job.rowsPerSecond) })}</Text>}
          {job.etaSeconds !== null && running && <Text size="sm">{t('imports.progress.eta', { time: duration(job.etaSeconds, format.locale) })}</Text>}
        </Group>
        {Object.keys(job.counts).length > 0 && (
          <Group gap="xs" data-testid="import-counts">
            {Object.entries(job.counts).map(([key, value]) => (
              <Badge key={key} variant="outline" color="gray" style={{ textTransform: 'none' }}>
                {format.number(value)} {t(`imports.counts.${key}` as 'imports.counts.created', { defaultValue: key })}
              </Badge>
            ))}
          </Group>
        )}
        {job.error && (
          <Alert color="red" variant="light">
            {job.error}
          </Alert>
        )}
        {job.rowsFailed > 0 ? (
          <Group gap="xs">
            <Text size="sm" c="orange">
              {t('imports.progress.failed', { count: job.rowsFailed })}
            </Text>
            <Anchor href={`/api/v1/imports/${job.id}/errors`} download size="sm" data-testid="import-errors-link">
              <Group gap={4}>
                <IconDownload size={14} />
                {t('imports.progress.downloadErrors')}
              </Group>
            </Anchor>
          </Group>
        ) : (
          !running && (
            <Text size="sm" c="dimmed">
              {t('imports.progress.noErrors')}
            </Text>
          )
        )}
      </Stack>
    </Paper>
  );
}
