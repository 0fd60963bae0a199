import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { IconBroadcast, IconPlayerPause, IconPlayerPlay } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { EVENT_TYPES, type EventType } from '../api/types';
import { useFormat } from '../i18n/format';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { EventFiltersBar } from './EventFiltersBar';
import { EventsTable } from './EventsTable';
import { type EventFilters, REFRESH_SECONDS, useEvents } from './queries';

/** Filters live in the URL (`?name=&customerId=&type=`), so a filtered stream can be shared. */
function useFiltersFromUrl(): [EventFilters, (next: EventFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => {
    const result: EventFilters = {};
    const name = params.get('name');
    const customerId = params.get('customerId');
    const type = params.get('type');
    if (name) result.name = name;
    if (customerId) result.customerId = customerId;
    if (type && EVENT_TYPES.includes(type as EventType)) result.type = type as EventType;
    return result;
  }, [params]);
  const setFilters = (next: EventFilters) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(next)) if (value) search.set(key, value);
    setParams(search, { replace: true });
  };
  return [filters, setFilters];
}

export function LiveEventsTab() {
  const { t } = useTranslation();
  const format = useFormat();
  const [filters, setFilters] = useFiltersFromUrl();
  const [paused, setPaused] = useState(false);
  const list = useEvents(filters, paused);
  const events = list.data?.pages.flatMap((p) => p.data) ?? [];
  const filtered = Object.keys(filters).length > 0;

  return (
    <Stack gap="md">
      <Group justify="space-between" align="flex-end" wrap="wrap">
        <Group gap="sm" align="flex-end" wrap="wrap">
          <EventFiltersBar filters={filters} onChange={setFilters} />
        </Group>
        <Group gap="sm">
          <Badge variant="dot" color={paused ? 'gray' : 'green'} size="lg" data-testid="events-refresh-state">
            {paused ? t('events.paused') : t('events.refreshing', { seconds: format.number(REFRESH_SECONDS) })}
          </Badge>
          <Button
            variant="default"
            leftSection={paused ? <IconPlayerPlay size={16} /> : <IconPlayerPause size={16} />}
            onClick={() => setPaused((p) => !p)}
            aria-pressed={paused}
            data-testid="events-pause"
          >
            {paused ? t('events.resume') : t('events.pause')}
          </Button>
        </Group>
      </Group>

      {list.isPending ? (
        <Loading testId="events-loading" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : events.length === 0 ? (
        <EmptyState
          testId="events-empty"
          icon={<IconBroadcast size={26} />}
          title={filtered ? t('events.noMatches') : t('events.empty')}
          description={filtered ? undefined : t('events.emptyHint')}
        />
      ) : (
        <>
          <EventsTable events={events} />
          <Group justify="space-between">
            <Text size="sm" c="dimmed" data-testid="events-count">
              {t('events.shown', { shown: format.number(events.length) })}
            </Text>
            {list.hasNextPage && (
              <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="events-load-more">
                {t('common.loadMore')}
              </Button>
            )}
          </Group>
        </>
      )}
    </Stack>
  );
}
