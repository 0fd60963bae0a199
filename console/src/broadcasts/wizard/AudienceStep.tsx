import { Alert, Select, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useSegment, useSegments } from '../../segments/queries';
import type { WizardDraft } from './draft';

/** Step 1: the broadcast's name and its segment, with the segment's live member count. */
export function AudienceStep({ draft, change }: { draft: WizardDraft; change: (patch: Partial<WizardDraft>) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const segments = useSegments('');
  // The count the segments API keeps live (entries and exits as they happen).
  const segment = useSegment(draft.segmentId ?? undefined);
  const count = segment.data?.memberCount;
  return (
    <Stack gap="sm" maw={520}>
      <TextInput label={t('broadcasts.wizard.name')} value={draft.name} onChange={(e) => change({ name: e.currentTarget.value })} required data-testid="wizard-name" />
      <Select
        label={t('broadcasts.wizard.segment')}
        data={(segments.data?.pages.flatMap((p) => p.data) ?? []).map((s) => ({ value: s.id, label: s.name }))}
        value={draft.segmentId}
        onChange={(segmentId) => change({ segmentId })}
        searchable
        required
        data-testid="wizard-segment"
      />
      {count !== undefined && (
        <Text size="sm" data-testid="wizard-segment-count" data-count={count}>
          {t('broadcasts.wizard.members', { n: format.number(count) })}
        </Text>
      )}
      {count === 0 && (
        <Alert color="yellow" data-testid="wizard-segment-empty">
          {t('broadcasts.wizard.noMembers')}
        </Alert>
      )}
    </Stack>
  );
}
