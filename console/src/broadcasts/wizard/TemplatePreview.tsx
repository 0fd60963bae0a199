import { Card, Select, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import type { Page } from '../../api/types';
import type { SegmentMember } from '../../segments/types';
import { Loading, QueryError } from '../../shared/states';
import type { Preview, TemplateSummary } from '../../templates/types';

/** The first member of the segment: a real customer to render the template with. */
function useSampleMember(segmentId: string | null) {
  return useQuery({
    queryKey: ['broadcasts', 'sample', segmentId],
    queryFn: ({ signal }) => api.get<Page<SegmentMember>>(`/api/v1/segments/${encodeURIComponent(segmentId ?? '')}/members`, { limit: 1 }, signal).then((p) => p.data[0] ?? null),
    enabled: segmentId !== null,
  });
}

/** A saved template rendered for a sample member of the segment, on one of its channels. */
export function TemplatePreview({ template, segmentId }: { template: TemplateSummary; segmentId: string | null }) {
  const { t } = useTranslation();
  const [channel, setChannel] = useState<string | null>(template.channels[0] ?? null);
  useEffect(() => setChannel(template.channels[0] ?? null), [template]);
  const member = useSampleMember(segmentId);
  const customerId = member.data?.customerId;
  const preview = useQuery({
    queryKey: ['broadcasts', 'preview', template.id, template.version, customerId, channel],
    queryFn: () => api.post<Preview>(`/api/v1/templates/${encodeURIComponent(template.id)}/preview`, { customerId, channel }),
    enabled: Boolean(customerId && channel),
  });
  if (member.isPending) return <Loading testId="wizard-preview-loading" />;
  if (member.isError) return <QueryError error={member.error} />;
  if (!member.data) return <Text size="sm" c="dimmed">{t('broadcasts.wizard.previewNoMember')}</Text>;
  return (
    <Card withBorder padding="sm" data-testid="wizard-preview">
      <Stack gap="xs">
        <Text size="sm" fw={600}>
          {t('broadcasts.wizard.preview', { name: member.data.displayName ?? member.data.email ?? member.data.phone ?? '' })}
        </Text>
        <Select
          label={t('broadcasts.wizard.previewChannel')}
          data={template.channels.map((c) => ({ value: c, label: t(`messaging.kinds.${c as 'sms'}`) }))}
          value={channel}
          onChange={setChannel}
          size="xs"
          w={200}
        />
        {preview.isPending ? (
          <Loading testId="wizard-preview-rendering" />
        ) : preview.isError ? (
          <QueryError error={preview.error} onRetry={() => void preview.refetch()} />
        ) : (
          <>
            {preview.data.subject && <Text fw={600}>{preview.data.subject}</Text>}
            {preview.data.html ? (
              // sandbox="": the rendered HTML runs no script and reaches nothing of the console.
              <iframe title="preview" sandbox="" srcDoc={preview.data.html} style={{ width: '100%', height: 320, border: 0 }} />
            ) : (
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} data-testid="wizard-preview-text">
                {preview.data.text}
              </Text>
            )}
          </>
        )}
      </Stack>
    </Card>
  );
}
