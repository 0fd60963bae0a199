import { Table } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useSegment } from '../../segments/queries';
import { useTemplates } from '../../templates/queries';
import { VARIANT_KEYS } from '../types';
import { sendAtOf, type WizardDraft } from './draft';

/** Step 5: everything the broadcast will do, in words, before it is stored and sent. */
export function ReviewStep({ draft }: { draft: WizardDraft }) {
  const { t } = useTranslation();
  const format = useFormat();
  const segment = useSegment(draft.segmentId ?? undefined);
  const templates = useTemplates();
  const nameOf = (id: string | null) => templates.data?.find((x) => x.id === id)?.name ?? '';
  const at = sendAtOf(draft);
  const rows: [string, string][] = [
    [t('broadcasts.wizard.name'), draft.name],
    [t('broadcasts.wizard.review.segment'), segment.data ? `${segment.data.name} (${t('broadcasts.wizard.members', { n: format.number(segment.data.memberCount) })})` : ''],
    draft.variants.length === 1
      ? [t('broadcasts.wizard.review.template'), nameOf(draft.variants[0]?.templateId ?? null)]
      : [t('broadcasts.wizard.review.variants'), draft.variants.map((v, i) => `${VARIANT_KEYS[i]}: ${nameOf(v.templateId)} ×${format.number(v.weight)}`).join(' · ')],
    [t('broadcasts.wizard.review.holdout'), new Intl.NumberFormat(format.locale, { style: 'percent' }).format(draft.holdoutPercent / 100)],
    [t('broadcasts.wizard.review.channels'), draft.channelsMode === 'auto' ? t('broadcasts.wizard.auto') : draft.channels.map((c) => t(`messaging.kinds.${c}`)).join(' → ')],
    [t('broadcasts.wizard.review.when'), at ? format.dateTime(at) : t('broadcasts.wizard.review.now')],
  ];
  return (
    <Table withTableBorder maw={720} data-testid="wizard-review">
      <Table.Tbody>
        {rows.map(([label, value]) => (
          <Table.Tr key={label}>
            <Table.Th w={180}>{label}</Table.Th>
            <Table.Td>{value}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
