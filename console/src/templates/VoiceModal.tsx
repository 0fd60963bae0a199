import { Button, Group, Modal, SegmentedControl, Stack, Tabs, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { directionOf } from '../i18n/language';
import { useNotifyError, useNotifySuccess } from '../shared/errors';
import { Loading, QueryError } from '../shared/states';
import { EDITOR_LANGUAGES } from './draft';
import { useSaveVoice, useVoice } from './queries';
import type { Tone, Voice } from './types';

/** The brand voice form: tone, and a greeting and signature per language (empty = the tone's built-in line). */
export function VoiceModal({ opened, onClose, canEdit }: { opened: boolean; onClose: () => void; canEdit: boolean }) {
  const { t } = useTranslation();
  const voice = useVoice();
  return (
    <Modal opened={opened} onClose={onClose} title={t('templates.voice.title')} size="lg" data-testid="voice-modal">
      {voice.isPending ? <Loading /> : voice.isError ? <QueryError error={voice.error} onRetry={() => void voice.refetch()} /> : <VoiceForm voice={voice.data} onDone={onClose} canEdit={canEdit} />}
    </Modal>
  );
}

function VoiceForm({ voice, onDone, canEdit }: { voice: Voice; onDone: () => void; canEdit: boolean }) {
  const { t } = useTranslation();
  const [tone, setTone] = useState<Tone>(voice.tone);
  const [greetings, setGreetings] = useState(voice.greetings);
  const [signatures, setSignatures] = useState(voice.signatures);
  const save = useSaveVoice();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const compact = (map: Record<string, string>) => Object.fromEntries(Object.entries(map).filter(([, v]) => v.trim() !== ''));
  // The built-in lines depend on the tone being edited, not the saved one: show the saved ones only when the tone is unchanged.
  const builtIn = (language: string, kind: 'greeting' | 'signature') => (tone === voice.tone ? (voice.effective[language]?.[kind] ?? '') : '');

  return (
    <Stack>
      <Text size="sm" c="dimmed">
        {t('templates.voice.description')}
      </Text>
      <SegmentedControl value={tone} onChange={(v) => setTone(v as Tone)} data={(['formal', 'friendly'] as const).map((v) => ({ value: v, label: t(`templates.voice.tones.${v}`) }))} data-testid="voice-tone" disabled={!canEdit} />
      <Tabs defaultValue="fa">
        <Tabs.List>
          {EDITOR_LANGUAGES.map((l) => (
            <Tabs.Tab key={l} value={l}>
              {l}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {EDITOR_LANGUAGES.map((l) => (
          <Tabs.Panel key={l} value={l} pt="sm">
            <Stack gap="xs">
              <Textarea
                label={t('templates.voice.greeting')}
                dir={directionOf(l)}
                value={greetings[l] ?? ''}
                placeholder={builtIn(l, 'greeting')}
                onChange={(e) => setGreetings({ ...greetings, [l]: e.currentTarget.value })}
                autosize
                minRows={1}
                readOnly={!canEdit}
                data-testid={`voice-greeting-${l}`}
              />
              <Textarea
                label={t('templates.voice.signature')}
                dir={directionOf(l)}
                value={signatures[l] ?? ''}
                placeholder={builtIn(l, 'signature')}
                onChange={(e) => setSignatures({ ...signatures, [l]: e.currentTarget.value })}
                autosize
                minRows={1}
                readOnly={!canEdit}
                data-testid={`voice-signature-${l}`}
              />
            </Stack>
          </Tabs.Panel>
        ))}
      </Tabs>
      {canEdit && (
        <Group justify="flex-end">
          <Button
            loading={save.isPending}
            onClick={() =>
              save.mutate(
                { tone, greetings: compact(greetings), signatures: compact(signatures) },
                {
                  onSuccess: () => {
                    notifySuccess(t('templates.voice.saved'));
                    onDone();
                  },
                  onError: notifyError,
                },
              )
            }
            data-testid="voice-save"
          >
            {t('common.save')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
