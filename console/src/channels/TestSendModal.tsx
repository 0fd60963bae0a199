import { Alert, Badge, Button, Group, Modal, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { type FormEvent, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { useNotifyError, withoutFieldPrefix } from '../shared/errors';
import { useTestSend } from './queries';
import type { Channel, SendOutcome } from './types';

const outcomeColor: Record<SendOutcome['status'], string> = { sent: 'teal', delivered: 'teal', 'failed-retryable': 'yellow', 'failed-permanent': 'red', suppressed: 'orange' };

/** Sends one real message through the channel and shows how the provider's answer was classified. */
export function TestSendModal({ channel, onClose }: { channel: Channel | null; onClose: () => void }) {
  const { t } = useTranslation();
  const send = useTestSend();
  const notifyError = useNotifyError();
  const [address, setAddress] = useState('');
  const [subject, setSubject] = useState('');
  const [text, setText] = useState('');
  const [addressError, setAddressError] = useState<string | undefined>();
  const [outcome, setOutcome] = useState<SendOutcome | null>(null);

  useEffect(() => {
    if (!channel) return;
    setAddress('');
    setSubject(t('channelSettings.test.subjectDefault'));
    setText(t('channelSettings.test.textDefault'));
    setOutcome(null);
    setAddressError(undefined);
  }, [channel, t]);

  if (!channel) return null;
  const kind = channel.kind;
  const hintKey = kind === 'email' || kind === 'sms' || kind === 'webpush' || kind === 'webhook' ? kind : 'other';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setOutcome(null);
    setAddressError(undefined);
    send.mutate(
      { id: channel.id, address: address.trim(), subject: kind === 'email' || kind === 'webpush' ? subject : undefined, text },
      {
        onSuccess: (answer) => setOutcome(answer.outcome),
        onError: (error) => (isApiError(error) && error.field === 'address' ? setAddressError(withoutFieldPrefix(error)) : notifyError(error)),
      },
    );
  };

  return (
    <Modal opened onClose={onClose} title={t('channelSettings.test.title', { name: channel.name })} size="lg" data-testid="channel-test-modal">
      <form onSubmit={submit}>
        <Stack>
          {kind === 'webpush' ? (
            <Textarea label={t('channelSettings.test.address')} description={t('channelSettings.test.addressHints.webpush')} value={address} onChange={(e) => setAddress(e.currentTarget.value)} error={addressError} autosize minRows={3} dir="ltr" data-testid="channel-test-address" />
          ) : (
            <TextInput
              label={t('channelSettings.test.address')}
              description={t(`channelSettings.test.addressHints.${hintKey}`)}
              value={address}
              onChange={(e) => setAddress(e.currentTarget.value)}
              error={addressError}
              disabled={kind === 'webhook'}
              dir="ltr"
              data-testid="channel-test-address"
            />
          )}
          {(kind === 'email' || kind === 'webpush') && <TextInput label={t('channelSettings.test.subject')} value={subject} onChange={(e) => setSubject(e.currentTarget.value)} data-testid="channel-test-subject" />}
          <Textarea label={t('channelSettings.test.text')} value={text} onChange={(e) => setText(e.currentTarget.value)} autosize minRows={2} data-testid="channel-test-text" />
          {outcome && (
            <Alert color={outcomeColor[outcome.status]} title={t('channelSettings.test.outcome')} data-testid="channel-test-outcome" data-status={outcome.status}>
              <Group gap="xs">
                <Badge color={outcomeColor[outcome.status]}>{t(`channelSettings.test.outcomes.${outcome.status}`)}</Badge>
                {(outcome.error ?? outcome.providerMessageId) && (
                  <Text size="sm" dir="ltr" style={{ overflowWrap: 'anywhere' }}>
                    {outcome.error ?? outcome.providerMessageId}
                  </Text>
                )}
              </Group>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={send.isPending} data-testid="channel-test-send">
              {t('channelSettings.test.send')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
