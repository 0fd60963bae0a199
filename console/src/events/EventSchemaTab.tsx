import { Anchor, Badge, Card, Group, Stack, Table, Text } from '@mantine/core';
import { IconSchema } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { EventSchema } from '../api/types';
import { useFormat } from '../i18n/format';
import { Ltr } from '../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { EVENT_COLORS, eventTitle } from './eventView';
import { useEventSchemas } from './queries';

function SchemaCard({ schema }: { schema: EventSchema }) {
  const { t } = useTranslation();
  const format = useFormat();
  const live = new URLSearchParams({ type: schema.type, ...(schema.name ? { name: schema.name } : {}) });
  return (
    <Card withBorder radius="md" data-testid="schema-event" data-name={schema.name ?? ''} data-type={schema.type}>
      <Group justify="space-between" mb="xs" wrap="wrap">
        <Group gap="xs">
          <Anchor component={Link} to={`/events?${live}`} fw={600}>
            {eventTitle(schema, t)}
          </Anchor>
          <Badge size="xs" variant="light" color={EVENT_COLORS[schema.type as keyof typeof EVENT_COLORS] ?? 'gray'}>
            {t(`events.types.${schema.type}`, { defaultValue: schema.type })}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          {t('events.schema.properties', { n: format.number(schema.properties.length) })} ·{' '}
          {t('events.schema.lastSeen')}: {format.dateTime(schema.lastSeen)}
        </Text>
      </Group>
      <Table.ScrollContainer minWidth={520}>
        <Table verticalSpacing={4} withRowBorders={false} layout="fixed">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w="35%">{t('events.schema.property')}</Table.Th>
              <Table.Th w="40%">{t('events.schema.types')}</Table.Th>
              <Table.Th>{t('events.schema.lastSeen')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {schema.properties.map((p) => (
              <Table.Tr key={p.name} data-testid="schema-property" data-property={p.name}>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    <Ltr>{p.name}</Ltr>
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    {p.types.map((type) => (
                      <Badge key={type.type} size="sm" variant="outline" color="gray" style={{ textTransform: 'none' }} data-testid="schema-type">
                        {t(`events.schema.jsonTypes.${type.type}`, { defaultValue: type.type })} · {format.number(type.count)}
                      </Badge>
                    ))}
                  </Group>
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>
                  <Text size="xs" c="dimmed">
                    {format.dateTime(p.lastSeen)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Card>
  );
}

/** Event names with the properties they carried, their JSON types and counts. */
export function EventSchemaTab() {
  const { t } = useTranslation();
  const schemas = useEventSchemas();
  if (schemas.isPending) return <Loading testId="schema-loading" />;
  if (schemas.isError) return <QueryError error={schemas.error} onRetry={() => void schemas.refetch()} />;
  return (
    <Stack gap="md">
      <Text c="dimmed" size="sm" maw={720}>
        {t('events.schema.description')}
      </Text>
      {schemas.data.length === 0 ? (
        <EmptyState testId="schema-empty" icon={<IconSchema size={26} />} title={t('events.schema.empty')} description={t('events.schema.emptyHint')} />
      ) : (
        schemas.data.map((schema) => <SchemaCard key={`${schema.type}:${schema.name ?? ''}`} schema={schema} />)
      )}
    </Stack>
  );
}
