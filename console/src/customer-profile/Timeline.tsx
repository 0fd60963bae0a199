import { Button, Card, Group, Timeline as MantineTimeline, Text, ThemeIcon, Title } from '@mantine/core';
import { IconTimeline } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { describe } from './timelineKinds';
import { useTimeline } from './queries';

/** Newest first; "load more" follows nextCursor. */
export function Timeline({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const timeline = useTimeline(customerId);
  const entries = timeline.data?.pages.flatMap((p) => p.data) ?? [];

  return (
    <Card withBorder radius="md" data-testid="timeline">
      <Title order={4} mb="md">
        {t('profile.timeline')}
      </Title>
      {timeline.isPending ? (
        <Loading testId="timeline-loading" />
      ) : timeline.isError ? (
        <QueryError error={timeline.error} onRetry={() => void timeline.refetch()} />
      ) : entries.length === 0 ? (
        <EmptyState testId="timeline-empty" icon={<IconTimeline size={26} />} title={t('profile.timelineEmpty')} />
      ) : (
        <>
          <MantineTimeline bulletSize={28} lineWidth={2}>
            {entries.map((entry) => {
              const view = describe(entry, t, format);
              return (
                <MantineTimeline.Item
                  key={`${entry.kind}-${entry.id}`}
                  bullet={
                    <ThemeIcon size={28} radius="xl" variant="light" color={view.color}>
                      <view.icon size={16} />
                    </ThemeIcon>
                  }
                  data-testid="timeline-entry"
                  data-kind={entry.kind}
                >
                  <Group justify="space-between" gap="xs" wrap="wrap">
                    <Text fw={600} size="sm">
                      {view.title}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {format.dateTime(entry.occurredAt)}
                      {view.actor ? ` · ${t('timeline.by', { name: view.actor })}` : ''}
                    </Text>
                  </Group>
                  {view.body}
                </MantineTimeline.Item>
              );
            })}
          </MantineTimeline>
          {timeline.hasNextPage && (
            <Group justify="center" mt="md">
              <Button
                variant="default"
                size="xs"
                onClick={() => void timeline.fetchNextPage()}
                loading={timeline.isFetchingNextPage}
                data-testid="timeline-load-more"
              >
                {t('common.loadMore')}
              </Button>
            </Group>
          )}
        </>
      )}
    </Card>
  );
}
