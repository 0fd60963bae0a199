import { Button, Code, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { IconHistory } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { AuditEntry } from '../../api/types';
import { useFormat } from '../../i18n/format';
import { Ltr } from '../../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { useAuditLog } from './queries';

function changesText(changes: unknown): string {
  if (changes === null || changes === undefined) return '';
  const text = JSON.stringify(changes);
  return text === '{}' ? '' : text;
}

export function AuditLogTab() {
  const { t } = useTranslation();
  const format = useFormat();
  const log = useAuditLog();
  const entries = log.data?.pages.flatMap((p) => p.data) ?? [];

  const actor = (entry: AuditEntry): string =>
    entry.actorLabel || entry.actorId || t(`audit.actorKinds.${entry.actorType}`, { defaultValue: entry.actorType });

  if (log.isPending) return <Loading />;
  if (log.isError) return <QueryError error={log.error} onRetry={() => void log.refetch()} />;
  if (entries.length === 0) return <EmptyState icon={<IconHistory size={26} />} title={t('audit.empty')} />;

  return (
    <Stack>
      <Table.ScrollContainer minWidth={760}>
        <Table striped verticalSpacing="xs" data-testid="audit-log-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('audit.when')}</Table.Th>
              <Table.Th>{t('audit.who')}</Table.Th>
              <Table.Th>{t('audit.action')}</Table.Th>
              <Table.Th>{t('audit.target')}</Table.Th>
              <Table.Th>{t('audit.changes')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.map((entry) => {
              const changes = changesText(entry.changes);
              return (
                <Table.Tr key={entry.id} data-testid="audit-row">
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.dateTime(entry.at)}</Table.Td>
                  <Table.Td>
                    <Text size="sm">
                      <Ltr>{actor(entry)}</Ltr>
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t(`audit.actorKinds.${entry.actorType}`, { defaultValue: entry.actorType })}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Code>
                      <Ltr>{entry.action}</Ltr>
                    </Code>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed">
                      {entry.targetType ? t(`audit.targets.${entry.targetType}`, { defaultValue: entry.targetType }) : '—'}
                    </Text>
                    {entry.targetId && (
                      <Text size="xs" c="dimmed" ff="monospace">
                        <Ltr>{entry.targetId.slice(0, 8)}</Ltr>
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td maw={320}>
                    {changes ? (
                      <Tooltip label={<Ltr>{changes}</Ltr>} multiline maw={480} withinPortal>
                        <Text size="xs" ff="monospace" truncate="end">
                          <Ltr>{changes}</Ltr>
                        </Text>
                      </Tooltip>
                    ) : (
                      <Text c="dimmed">—</Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {log.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
