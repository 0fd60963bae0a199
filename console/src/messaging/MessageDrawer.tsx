import { Drawer, Group, Stack, Table, Text, Timeline } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { Ltr } from '../shared/Ltr';
import { Loading, QueryError } from '../shared/states';
import { useMessage } from './queries';
import { StatusChip } from './StatusChip';

/** One message: what was asked, where it went, and every status change with its reason. */
export function MessageDrawer({ id, onClose }: { id: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const message = useMessage(id);
  const reason = (r: string | null) => (r ? t(`messaging.reasons.${r}`, { defaultValue: r }) : '');
  return (
    <Drawer opened={id !== null} onClose={onClose} position="right" size="lg" title={t('messaging.log.detailTitle')} data-testid="message-drawer">
      {message.isPending ? (
        <Loading />
      ) : message.isError ? (
        <QueryError error={message.error} onRetry={() => void message.refetch()} />
      ) : (
        <Stack gap="md">
          <Group gap="xs">
            <StatusChip status={message.data.status} />
            {message.data.reason && <Text size="sm">{reason(message.data.reason)}</Text>}
          </Group>
          <Table variant="vertical" withTableBorder>
            <Table.Tbody>
              <Table.Tr>
                <Table.Th>{t('messaging.log.columns.channel')}</Table.Th>
                <Table.Td>{message.data.channel ? t(`messaging.kinds.${message.data.channel}`, { defaultValue: message.data.channel }) : '—'}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('messaging.log.columns.category')}</Table.Th>
                <Table.Td>{t(`messaging.categories.${message.data.category}`)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('messaging.log.columns.template')}</Table.Th>
                <Table.Td>{message.data.templateId ?? t('messaging.log.inline')}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('messaging.log.attempts')}</Table.Th>
                <Table.Td>{format.number(message.data.attempts)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('messaging.log.key')}</Table.Th>
                <Table.Td>
                  <Ltr>{message.data.idempotencyKey}</Ltr>
                </Table.Td>
              </Table.Tr>
              {message.data.error && (
                <Table.Tr>
                  <Table.Th>{t('messaging.log.error')}</Table.Th>
                  <Table.Td>
                    <Ltr>{message.data.error}</Ltr>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
          <Text fw={600}>{t('messaging.log.history')}</Text>
          <Timeline active={message.data.history.length} bulletSize={14} lineWidth={2} data-testid="message-history">
            {message.data.history.map((h) => (
              <Timeline.Item key={h.id} title={<StatusChip status={h.status} />} data-testid="history-item">
                {h.reason && <Text size="sm">{reason(h.reason)}</Text>}
                <Text size="xs" c="dimmed">
                  {format.dateTime(h.at)}
                </Text>
              </Timeline.Item>
            ))}
          </Timeline>
        </Stack>
      )}
    </Drawer>
  );
}
