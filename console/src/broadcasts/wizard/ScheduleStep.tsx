import { Group, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { DatePicker, todayIso } from './DatePicker';
import { sendAtOf, type WizardDraft } from './draft';

/** Step 4: now, or a day (Jalali grid in fa) and a time. */
export function ScheduleStep({ draft, change }: { draft: WizardDraft; change: (patch: Partial<WizardDraft>) => void }) {
  const { t, i18n } = useTranslation();
  const format = useFormat();
  const at = sendAtOf(draft);
  const past = at !== null && at.getTime() <= Date.now();
  return (
    <Stack gap="sm">
      <Radio.Group value={draft.when} onChange={(v) => change({ when: v as WizardDraft['when'] })}>
        <Group gap="lg">
          <Radio value="now" label={t('broadcasts.wizard.sendNow')} data-testid="wizard-when-now" />
          <Radio value="later" label={t('broadcasts.wizard.sendLater')} data-testid="wizard-when-later" />
        </Group>
      </Radio.Group>
      {draft.when === 'later' && (
        <Group align="flex-start" gap="xl">
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('broadcasts.wizard.date')}
            </Text>
            <DatePicker calendar={i18n.language === 'fa' ? 'jalali' : 'gregorian'} value={draft.date} onChange={(date) => change({ date })} min={todayIso()} testId="wizard-date" />
          </Stack>
          <Stack gap={4}>
            <TextInput type="time" label={t('broadcasts.wizard.time')} value={draft.time} onChange={(e) => change({ time: e.currentTarget.value })} w={140} data-testid="wizard-time" />
            {at && (
              <Text size="sm" c={past ? 'red' : undefined} data-testid="wizard-send-at" data-iso={at.toISOString()}>
                {past ? t('broadcasts.wizard.pastTime') : format.dateTime(at)}
              </Text>
            )}
          </Stack>
        </Group>
      )}
    </Stack>
  );
}
