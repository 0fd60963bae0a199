import { Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconMicrophone, IconPlus, IconTemplate } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../auth/session';
import { useFormat } from '../i18n/format';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { canManageMessaging, useTemplates } from './queries';
import type { ContentKind } from './types';
import { VoiceModal } from './VoiceModal';

/** `/templates`: every message template with its languages and channels, and the brand voice. */
export function TemplatesPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const navigate = useNavigate();
  const manage = canManageMessaging(useSession());
  const templates = useTemplates();
  const [voiceOpen, setVoiceOpen] = useState(false);

  if (templates.isPending) return <Loading />;
  if (templates.isError) return <QueryError error={templates.error} onRetry={() => void templates.refetch()} />;

  return (
    <Stack gap="md" data-testid="templates-page">
      <Group justify="space-between">
        <Group gap="xs">
          <IconTemplate size={26} stroke={1.6} />
          <Title order={2}>{t('templates.title')}</Title>
        </Group>
        <Group gap="xs">
          <Button variant="default" leftSection={<IconMicrophone size={16} />} onClick={() => setVoiceOpen(true)} data-testid="voice-open">
            {t('templates.voiceButton')}
          </Button>
          {manage && (
            <Button component={Link} to="/templates/new" leftSection={<IconPlus size={16} />} data-testid="template-add">
              {t('templates.add')}
            </Button>
          )}
        </Group>
      </Group>
      <Text c="dimmed" size="sm" maw={720}>
        {t('templates.description')}
      </Text>
      {templates.data.length === 0 ? (
        <EmptyState icon={<IconTemplate size={26} />} title={t('templates.empty')} description={t('templates.emptyHint')} testId="templates-empty" />
      ) : (
        <Table.ScrollContainer minWidth={680}>
          <Table verticalSpacing="sm" highlightOnHover data-testid="templates-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('templates.columns.name')}</Table.Th>
                <Table.Th>{t('templates.columns.category')}</Table.Th>
                <Table.Th>{t('templates.columns.languages')}</Table.Th>
                <Table.Th>{t('templates.columns.channels')}</Table.Th>
                <Table.Th>{t('templates.columns.updated')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {templates.data.map((row) => (
                <Table.Tr key={row.id} style={{ cursor: 'pointer' }} onClick={() => navigate(`/templates/${row.id}`)} data-testid="template-row" data-name={row.name}>
                  <Table.Td>
                    <Text fw={500}>{row.name}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={row.category === 'marketing' ? 'grape' : 'blue'}>
                      {t(`templates.categories.${row.category}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{row.languages.join(t('common.listSeparator'))}</Table.Td>
                  <Table.Td>{row.channels.map((c) => t(`templates.kinds.${c as ContentKind}`)).join(t('common.listSeparator'))}</Table.Td>
                  <Table.Td>{format.dateTime(row.updatedAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <VoiceModal opened={voiceOpen} onClose={() => setVoiceOpen(false)} canEdit={manage} />
    </Stack>
  );
}
