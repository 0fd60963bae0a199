import { Chip, Group, Radio, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { CHANNEL_KINDS, type ChannelKind } from '../types';
import type { WizardDraft } from './draft';

/** Step 3: each customer's preferred channel, or channels in the order they are picked. */
export function ChannelsStep({ draft, change }: { draft: WizardDraft; change: (patch: Partial<WizardDraft>) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  // Picking appends, unpicking removes: the order of clicks is the order of preference.
  const toggle = (c: ChannelKind) => change({ channels: draft.channels.includes(c) ? draft.channels.filter((x) => x !== c) : [...draft.channels, c] });
  return (
    <Stack gap="sm" maw={640}>
      <Radio.Group label={t('broadcasts.wizard.channelsMode')} value={draft.channelsMode} onChange={(v) => change({ channelsMode: v as WizardDraft['channelsMode'] })}>
        <Stack gap={6} mt={6}>
          <Radio value="auto" label={t('broadcasts.wizard.auto')} data-testid="wizard-channels-auto" />
          <Radio value="chosen" label={t('broadcasts.wizard.chosen')} data-testid="wizard-channels-chosen" />
        </Stack>
      </Radio.Group>
      {draft.channelsMode === 'chosen' && (
        <Group gap="xs" data-testid="wizard-channels">
          {CHANNEL_KINDS.map((c) => {
            const position = draft.channels.indexOf(c);
            return (
              <Chip key={c} checked={position >= 0} onChange={() => toggle(c)} data-testid={`wizard-channel-${c}`}>
                {position >= 0 && (
                  <Text span size="xs" fw={700} me={4}>
                    {format.number(position + 1)}.
                  </Text>
                )}
                {t(`messaging.kinds.${c}`)}
              </Chip>
            );
          })}
        </Group>
      )}
    </Stack>
  );
}
