import { Anchor, Badge, Group, Stack, Table, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { TrackedEvent } from '../api/types';
import { DataSummary } from '../customer-profile/timelineKinds';
import { useFormat } from '../i18n/format';
import { EVENT_COLORS, eventTitle, keyProperties, PageUrl } from './eventView';

/** Latest events; a row opens the customer's profile. */
export function EventsTable({ events }: { events: TrackedEvent[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  // A live stream needs seconds; fa-IR gives Jalali months.
  const time = useMemo(
    () => new Intl.DateTimeFormat(format.locale, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' }),
    [format.locale],
  );

  return (
    <Table.ScrollContainer minWidth={860}>
      <Table highlightOnHover verticalSpacing="xs" data-testid="events-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('events.columns.received')}</Table.Th>
            <Table.Th>{t('events.columns.event')}</Table.Th>
            <Table.Th>{t('events.columns.customer')}</Table.Th>
            <Table.Th>{t('events.columns.details')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {events.map((e) => (
            <Table.Tr
              key={e.id}
              data-testid="event-row"
              data-event-name={e.name ?? ''}
              data-event-type={e.type}
              style={{ cursor: 'pointer' }}
              onClick={() => navigate(`/customers/${e.customerId}`)}
            >
              <Table.Td style={{ whiteSpace: 'nowrap' }}>
                <Text size="sm" title={e.occurredAt}>
                  {time.format(new Date(e.receivedAt))}
                </Text>
              </Table.Td>
              <Table.Td>
                <Stack gap={2} align="flex-start">
                  <Text size="sm" fw={600} data-testid="event-name">
                    {eventTitle(e, t)}
                  </Text>
                  <Badge size="xs" variant="light" color={EVENT_COLORS[e.type] ?? 'gray'}>
                    {t(`events.types.${e.type}`, { defaultValue: e.type })}
                  </Badge>
                </Stack>
              </Table.Td>
              <Table.Td>
                <Anchor
                  component={Link}
                  to={`/customers/${e.customerId}`}
                  size="sm"
                  onClick={(event) => event.stopPropagation()}
                  c={e.customerName ? undefined : 'dimmed'}
                  data-testid="event-customer"
                >
                  {e.customerName ?? t('events.visitor')}
                </Anchor>
              </Table.Td>
              <Table.Td maw={420}>
                <Group gap={4}>
                  <PageUrl url={e.pageUrl} />
                </Group>
                <DataSummary data={keyProperties(e.type, e.properties)} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
