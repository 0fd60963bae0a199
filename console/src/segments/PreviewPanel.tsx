import { Alert, Anchor, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import type { UseQueryResult } from '@tanstack/react-query';
import { IconUsers } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../api/client';
import { useFormat } from '../i18n/format';
import { Ltr } from '../shared/Ltr';
import type { SegmentMember, SegmentPreview } from './types';

export function memberName(m: SegmentMember): string {
  return m.displayName || m.email || m.phone || m.customerId.slice(0, 8);
}

/**
 * The live count as the rules change, with a sample of the customers it finds (each links to
 * the profile). A rules error the builder can place is shown there; here only its gist.
 */
export function PreviewPanel({ preview, complete, manual }: { preview: UseQueryResult<SegmentPreview>; complete: boolean; manual: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const data = preview.data;
  const state = manual ? 'manual' : !complete ? 'incomplete' : preview.isError ? 'error' : preview.isFetching ? 'counting' : data ? 'ready' : 'counting';

  return (
    <Paper withBorder p="md" radius="md" data-testid="segment-preview" data-state={state} data-count={data && state === 'ready' ? data.count : ''}>
      <Stack gap="sm">
        <Group justify="space-between">
          <Title order={4}>{t('segments.preview.title')}</Title>
          {state === 'counting' && <Loader size="xs" />}
        </Group>
        {manual ? (
          <Text size="sm" c="dimmed">
            {t('segments.preview.manual')}
          </Text>
        ) : (
          <>
            {data && (
              <Group gap="xs" align="baseline" style={{ opacity: state === 'ready' ? 1 : 0.5 }}>
                <IconUsers size={20} />
                <Text fz={32} fw={700} lh={1} data-testid="preview-count">
                  {format.number(data.count)}
                </Text>
                <Text c="dimmed">{t('segments.preview.matching')}</Text>
              </Group>
            )}
            {state === 'incomplete' && (
              <Text size="sm" c="orange.8" data-testid="preview-incomplete">
                {t('segments.preview.incomplete')}
              </Text>
            )}
            {state === 'counting' && !data && (
              <Text size="sm" c="dimmed">
                {t('segments.preview.counting')}
              </Text>
            )}
            {state === 'error' && (
              <Alert color="red" p="xs" data-testid="preview-error">
                {isApiError(preview.error) && preview.error.field?.startsWith('rules')
                  ? t('segments.preview.invalid')
                  : t('segments.preview.failed', { message: preview.error instanceof Error ? preview.error.message : String(preview.error) })}
              </Alert>
            )}
            {data && state !== 'error' && (
              <Stack gap={4}>
                <Text size="xs" fw={600} c="dimmed" tt="uppercase">
                  {t('segments.preview.sample')}
                </Text>
                {data.sample.length === 0 ? (
                  <Text size="sm" c="dimmed">
                    {t('segments.preview.noSample')}
                  </Text>
                ) : (
                  data.sample.map((m) => (
                    <Group key={m.customerId} gap="xs" justify="space-between" wrap="nowrap" data-testid="preview-sample-row">
                      <Anchor component={Link} to={`/customers/${m.customerId}`} size="sm" truncate>
                        {memberName(m)}
                      </Anchor>
                      {(m.email || m.phone) && (
                        <Text size="xs" c="dimmed" truncate>
                          <Ltr>{m.email ?? m.phone}</Ltr>
                        </Text>
                      )}
                    </Group>
                  ))
                )}
              </Stack>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
