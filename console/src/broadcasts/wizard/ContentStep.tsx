import { ActionIcon, Button, Group, NumberInput, Select, Stack, Switch } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useTemplates } from '../../templates/queries';
import { VARIANT_KEYS } from '../types';
import type { WizardDraft } from './draft';
import { TemplatePreview } from './TemplatePreview';

/** Step 2: the template — or up to four A/B variants with weights — and the holdout. */
export function ContentStep({ draft, change }: { draft: WizardDraft; change: (patch: Partial<WizardDraft>) => void }) {
  const { t } = useTranslation();
  const templates = useTemplates();
  const options = (templates.data ?? []).map((x) => ({ value: x.id, label: x.name }));
  const ab = draft.variants.length > 1;
  const setVariant = (i: number, patch: Partial<WizardDraft['variants'][number]>) => change({ variants: draft.variants.map((v, j) => (i === j ? { ...v, ...patch } : v)) });
  const first = templates.data?.find((x) => x.id === draft.variants[0]?.templateId);
  return (
    <Stack gap="sm">
      <Switch
        label={t('broadcasts.wizard.abTest')}
        checked={ab}
        onChange={(e) => change({ variants: e.currentTarget.checked ? [...draft.variants, { templateId: null, weight: 1 }] : draft.variants.slice(0, 1) })}
        data-testid="wizard-ab"
      />
      {draft.variants.map((v, i) => (
        <Group key={VARIANT_KEYS[i]} align="flex-end" wrap="nowrap">
          <Select
            label={ab ? t('broadcasts.wizard.variant', { key: VARIANT_KEYS[i] }) : t('broadcasts.wizard.template')}
            data={options}
            value={v.templateId}
            onChange={(templateId) => setVariant(i, { templateId })}
            searchable
            w={320}
            data-testid={`wizard-template-${i}`}
          />
          {ab && (
            <>
              <NumberInput label={t('broadcasts.wizard.weight')} min={1} max={100} value={v.weight} onChange={(w) => setVariant(i, { weight: Number(w) || 1 })} w={100} data-testid={`wizard-weight-${i}`} />
              <ActionIcon variant="subtle" color="red" aria-label={t('broadcasts.wizard.removeVariant')} disabled={draft.variants.length <= 2} onClick={() => change({ variants: draft.variants.filter((_, j) => j !== i) })} mb={4}>
                <IconTrash size={16} />
              </ActionIcon>
            </>
          )}
        </Group>
      ))}
      {ab && draft.variants.length < VARIANT_KEYS.length && (
        <Button variant="subtle" leftSection={<IconPlus size={16} />} onClick={() => change({ variants: [...draft.variants, { templateId: null, weight: 1 }] })} w="fit-content" data-testid="wizard-add-variant">
          {t('broadcasts.wizard.addVariant')}
        </Button>
      )}
      <NumberInput label={t('broadcasts.wizard.holdout')} min={0} max={50} value={draft.holdoutPercent} onChange={(h) => change({ holdoutPercent: Number(h) || 0 })} w={320} suffix="%" data-testid="wizard-holdout" />
      {first && <TemplatePreview template={first} segmentId={draft.segmentId} />}
    </Stack>
  );
}
