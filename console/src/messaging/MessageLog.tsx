import { Anchor, Button, Group, Select, Stack, Table, Text } from '@mantine/core';
import { IconMailForward } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useFormat } from '../i18n/format';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { MessageDrawer } from './MessageDrawer';
import { type MessageFilters, useMessages } from './queries';
import { StatusChip } from './StatusChip';
import { channelKinds, type MessageStatus, messageStatuses } from './types';

/** Every message sent or held back, newest first, filtered by status and channel; a row opens its history. */
export function MessageLog() {
  const { t } = useTranslation();
  const format = useFormat();
  const [filters, setFilters] = useState<MessageFilters>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const [open, setOpen] = useState<string | null>(null);
  const messages = useMessages({ ...filters, cursor: cursors.at(-1) });
  const filter = (patch: MessageFilters) => {
    setFilters((f) => ({ ...f, ...patch }));
    setCursors([]);
  };

  return (
    <Stack gap="md" data-testid="message-log">
      <Group gap="sm">
        <Select
          label={t('messaging.log.filters.status')}
          placeholder={t('messaging.log.filters.any')}
          clearable
          data={messageStatuses.map((s) => ({ value: s, label: t(`messaging.statuses.${s}`) }))}
          value={filters.status ?? null}
          onChange={(value) => filter({ status: (value as MessageStatus | null) ?? undefined })}
          data-testid="filter-status"
          w={200}
        />
        <Select
          label={t('messaging.log.filters.channel')}
          placeholder={t('messaging.log.filters.any')}
          clearable
          data={channelKinds.map((k) => ({ value: k, label: t(`messaging.kinds.${k}`) }))}
          value={filters.channel ?? null}
          onChange={(value) => filter({ channel: value ?? undefined })}
          data-testid="filter-channel"
          w={200}
        />
      </Group>
      {messages.isPending ? (
        <Loading />
      ) : messages.isError ? (
        <QueryError error={messages.error} onRetry={() => void messages.refetch()} />
      ) : messages.data.data.length === 0 ? (
        <EmptyState icon={<IconMailForward size={26} />} title={t('messaging.log.empty')} description={t('messaging.log.emptyHint')} testId="messages-empty" />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="messages-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('messaging.log.columns.created')}</Table.Th>
                <Table.Th>{t('messaging.log.columns.customer')}</Table.Th>
                <Table.Th>{t('messaging.log.columns.template')}</Table.Th>
                <Table.Th>{t('messaging.log.columns.category')}</Table.Th>
                <Table.Th>{t('messaging.log.columns.channel')}</Table.Th>
                <Table.Th>{t('messaging.log.columns.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {messages.data.data.map((m) => (
                <Table.Tr key={m.id} onClick={() => setOpen(m.id)} style={{ cursor: 'pointer' }} data-testid="message-row">
                  <Table.Td>{format.dateTime(m.createdAt)}</Table.Td>
                  <Table.Td onClick={(e) => e.stopPropagation()}>
                    <Anchor component={Link} to={`/customers/${m.customerId}`} size="sm">
                      {t('messaging.log.profile')}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{m.templateId ?? t('messaging.log.inline')}</Table.Td>
                  <Table.Td>{t(`messaging.categories.${m.category}`)}</Table.Td>
                  <Table.Td>{m.channel ? t(`messaging.kinds.${m.channel}`, { defaultValue: m.channel }) : '—'}</Table.Td>
                  <Table.Td>
                    <Group gap={6} wrap="nowrap">
                      <StatusChip status={m.status} />
                      {m.reason && (
                        <Text size="xs" c="dimmed">
                          {t(`messaging.reasons.${m.reason}`, { defaultValue: m.reason })}
                        </Text>
                      )}
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Group justify="flex-end" gap="xs">
        {cursors.length > 0 && (
          <Button variant="default" onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t('messaging.log.newer')}
          </Button>
        )}
        {messages.data?.nextCursor && (
          <Button variant="default" onClick={() => setCursors((c) => [...c, messages.data.nextCursor as string])} data-testid="messages-older">
            {t('messaging.log.older')}
          </Button>
        )}
      </Group>
      <MessageDrawer id={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
