import { Anchor, Badge, Paper, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { useRecentImports } from './queries';

/** The workspace's last imports; picking one shows its progress and report. */
export function RecentImports({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const list = useRecentImports();
  const rows = list.data?.data ?? [];
  return (
    <Paper withBorder p="md">
      <Title order={4} mb="sm">
        {t('imports.recent.title')}
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('imports.recent.empty')}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table verticalSpacing="xs" data-testid="recent-imports">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('imports.recent.file')}</Table.Th>
                <Table.Th>{t('imports.kind.label')}</Table.Th>
                <Table.Th>{t('imports.recent.when')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((job) => (
                <Table.Tr key={job.id}>
                  <Table.Td>
                    <Anchor component="button" size="sm" onClick={() => onOpen(job.id)}>
                      <bdi>{job.fileName}</bdi>
                    </Anchor>
                    {job.dryRun && (
                      <Badge size="xs" variant="outline" ms={6}>
                        {t('imports.dryRun')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>{t(`imports.kind.${job.kind}`)}</Table.Td>
                  <Table.Td>{format.dateTime(job.createdAt)}</Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={job.status === 'completed' ? 'teal' : job.status === 'failed' ? 'red' : 'blue'}>
                      {t(`imports.status.${job.status}`)}
                    </Badge>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
