import { Badge, Button, Card, Group, Progress, RingProgress, Stack, Text, Title } from '@mantine/core';
import { IconTarget } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useSession } from '../../auth/session';
import { useAnalyticsFormat } from '../format';
import { kpiName } from '../kpis';
import { canAnalytics } from '../queries';
import type { KpiReport } from '../types';

type Verdict = 'reached' | 'onTrack' | 'behind';
const VERDICT_COLOR: Record<Verdict, string> = { reached: 'teal', onTrack: 'blue', behind: 'orange' };

/** Progress toward the focus target, against how much of its period has passed. */
export function FocusCard({ report }: { report: KpiReport }) {
  const { t } = useTranslation();
  const format = useAnalyticsFormat();
  const session = useSession();
  const focus = report.focus;

  if (!focus) {
    return (
      <Card withBorder radius="md" data-testid="focus-card" data-focus="none">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <IconTarget size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
            <div>
              <Text fw={600}>{t('analytics.focus.none')}</Text>
              <Text size="sm" c="dimmed">
                {t('analytics.focus.noneHint')}
              </Text>
            </div>
          </Group>
          {canAnalytics(session, 'manage') && (
            <Button component={Link} to="/analytics/settings" variant="light" size="xs" data-testid="focus-choose">
              {t('analytics.focus.choose')}
            </Button>
          )}
        </Group>
      </Card>
    );
  }

  const kpi = report.kpis.find((k) => k.id === focus.kpi);
  const unit = kpi?.unit ?? 'count';
  const higherIsBetter = kpi?.higherIsBetter ?? true;
  const show = (v: number) => format.kpi(unit, v, report.currency);
  const verdict: Verdict | null =
    focus.current === null || focus.progress === null
      ? null
      : higherIsBetter
        ? focus.progress >= 100
          ? 'reached'
          : focus.progress >= focus.elapsed
            ? 'onTrack'
            : 'behind'
        : focus.current <= focus.target
          ? 'reached'
          : 'behind';
  const ring = Math.max(0, Math.min(100, focus.progress ?? 0));

  return (
    <Card withBorder radius="md" data-testid="focus-card" data-focus={focus.kpi} data-verdict={verdict ?? 'none'}>
      <Group wrap="nowrap" align="center" gap="lg">
        <RingProgress
          size={110}
          thickness={11}
          roundCaps
          sections={[{ value: ring, color: verdict ? VERDICT_COLOR[verdict] : 'gray' }]}
          label={
            <Text ta="center" fw={700} size="sm" data-testid="focus-progress">
              {focus.progress === null ? '—' : format.percent(focus.progress, 0)}
            </Text>
          }
        />
        <Stack gap={6} style={{ flex: 1 }}>
          <Group justify="space-between" wrap="nowrap">
            <Group gap={6} wrap="nowrap">
              <IconTarget size={18} />
              <Title order={4}>
                {t('analytics.focus.title')}: {kpiName(t, focus.kpi)}
              </Title>
            </Group>
            {verdict && (
              <Badge color={VERDICT_COLOR[verdict]} variant="light" data-testid="focus-verdict">
                {t(`analytics.focus.${verdict}`)}
              </Badge>
            )}
          </Group>
          <Group gap="lg">
            <Text size="sm">
              {focus.current === null ? t('analytics.focus.noValue') : t('analytics.focus.current', { value: show(focus.current) })}
            </Text>
            <Text size="sm" fw={600}>
              {t('analytics.focus.target', { value: show(focus.target) })}
            </Text>
          </Group>
          <Text size="xs" c="dimmed">
            {t('analytics.focus.period', { start: format.day(focus.start), end: format.day(focus.end) })} ·{' '}
            {t('analytics.focus.elapsed', { value: format.percent(focus.elapsed, 0) })}
          </Text>
          <Progress.Root size="sm" aria-label={t('analytics.focus.elapsed', { value: format.percent(focus.elapsed, 0) })}>
            <Progress.Section value={Math.max(0, Math.min(100, focus.elapsed))} color="gray.5" />
          </Progress.Root>
          {focus.progress !== null && (
            <Text size="xs" c="dimmed">
              {t('analytics.focus.progress', { value: format.percent(focus.progress, 0) })}
            </Text>
          )}
        </Stack>
      </Group>
    </Card>
  );
}
