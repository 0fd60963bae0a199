import { Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconEdit, IconFileUpload, IconUserPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useSession } from '../auth/session';
import { useFormat } from '../i18n/format';
import { Loading, QueryError } from '../shared/states';
import { BackLink } from './BackLink';
import { AddMembersModal } from './members/AddMembersModal';
import { CsvImportModal } from './members/CsvImportModal';
import { MembersTable } from './members/MembersTable';
import { canManageSegments, useSegment } from './queries';
import { conditionCount } from './rules';

/** `/segments/:id`: what the segment is, how big, and who is in it. */
export function SegmentDetailPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { id = '' } = useParams();
  const segment = useSegment(id);
  const manage = canManageSegments(useSession());
  const [importing, importModal] = useDisclosure(false);
  const [adding, addModal] = useDisclosure(false);

  if (segment.isPending) return <Loading testId="segment-loading" />;
  if (segment.isError) return <QueryError error={segment.error} onRetry={() => void segment.refetch()} />;
  const s = segment.data;

  return (
    <Stack gap="md" data-testid="segment-detail" data-segment-id={s.id} data-kind={s.kind} data-member-count={s.memberCount}>
      <Stack gap={2}>
        <BackLink to="/segments">{t('segments.editor.back')}</BackLink>
        <Group justify="space-between" align="flex-start">
          <Stack gap={4}>
            <Group gap="xs">
              <Title order={2} data-testid="segment-title">
                {s.name}
              </Title>
              <Badge variant="light" color={s.kind === 'dynamic' ? 'blue' : 'gray'}>
                {t(`segments.kinds.${s.kind}`)}
              </Badge>
            </Group>
            {s.description && (
              <Text size="sm" c="dimmed">
                {s.description}
              </Text>
            )}
          </Stack>
          {manage && (
            <Group gap="xs">
              <Button component={Link} to={`/segments/${s.id}/edit`} variant="light" leftSection={<IconEdit size={16} />} data-testid="segment-edit">
                {s.kind === 'dynamic' ? t('segments.actions.edit') : t('common.edit')}
              </Button>
              {s.kind === 'manual' && (
                <>
                  <Button variant="light" leftSection={<IconUserPlus size={16} />} onClick={addModal.open} data-testid="segment-add-members">
                    {t('segments.add.button')}
                  </Button>
                  <Button variant="light" leftSection={<IconFileUpload size={16} />} onClick={importModal.open} data-testid="segment-import">
                    {t('segments.csv.button')}
                  </Button>
                </>
              )}
            </Group>
          )}
        </Group>
      </Stack>

      <Paper withBorder p="sm" radius="md">
        <Group gap="xl">
          <Text fw={600} data-testid="segment-member-count">
            {t('segments.detail.memberCount', { n: format.number(s.memberCount) })}
          </Text>
          {s.rules && <Text size="sm">{t('segments.detail.conditions', { n: format.number(conditionCount(s.rules)) })}</Text>}
          <Text size="sm" c="dimmed">
            {s.computedAt ? t('segments.detail.computedAt', { date: format.dateTime(s.computedAt) }) : t('segments.detail.notComputed')}
          </Text>
        </Group>
      </Paper>

      <Title order={4}>{t('segments.detail.members')}</Title>
      <MembersTable segment={s} manage={manage} />

      {s.kind === 'manual' && manage && (
        <>
          <CsvImportModal segment={s} opened={importing} onClose={importModal.close} />
          <AddMembersModal segment={s} opened={adding} onClose={addModal.close} />
        </>
      )}
    </Stack>
  );
}
