import { Alert, Button, Code, CopyButton, Group, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { type FormEvent, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { useNotifyError, useNotifySuccess, withoutFieldPrefix } from '../shared/errors';
import { useCreateChannel, useUpdateChannel, useVapidKeys } from './queries';
import { SettingsFields } from './SettingsFields';
import { type Channel, isSecretSet, type Provider } from './types';

/** Defaults from the schema, so the form starts with what the server would assume. */
function initialValues(provider: Provider, channel: Channel | null): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(provider.settingsSchema.properties ?? {})) {
    if (provider.secrets.includes(key)) continue;
    const current = channel?.settings[key];
    if (current !== undefined) values[key] = current;
    else if (property.default !== undefined) values[key] = property.default;
  }
  return values;
}

/** Add a channel (choose a provider, fill its generated form) or edit one (secrets only if retyped). */
export function ChannelFormModal({ opened, channel, providers, onClose }: { opened: boolean; channel: Channel | null; providers: Provider[]; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateChannel();
  const update = useUpdateChannel();
  const vapid = useVapidKeys();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const [providerId, setProviderId] = useState<string | null>(channel?.provider ?? null);
  const [name, setName] = useState(channel?.name ?? '');
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const provider = providers.find((p) => p.provider === providerId);
  const stored = useMemo(() => new Set(provider?.secrets.filter((s) => isSecretSet(channel?.settings[s])) ?? []), [provider, channel]);

  useEffect(() => {
    if (!opened) return;
    setProviderId(channel?.provider ?? null);
    setName(channel?.name ?? '');
    setErrors({});
  }, [opened, channel]);
  useEffect(() => {
    if (provider) setValues(initialValues(provider, channel));
  }, [provider, channel]);

  const onError = (error: unknown) => {
    // `settings.host` → under the host input; `name`, `provider` → under theirs.
    if (isApiError(error) && error.field) {
      const [head, field] = error.field.split('.');
      const key = head === 'settings' && field ? field : head;
      if (key && (key === 'name' || key === 'provider' || key in (provider?.settingsSchema.properties ?? {}))) {
        setErrors({ [key]: withoutFieldPrefix(error) });
        return;
      }
    }
    notifyError(error);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!provider) return setErrors({ provider: t('channelSettings.form.providerPlaceholder') });
    setErrors({});
    // Empty inputs are left out: an omitted secret keeps its stored value, an omitted setting its default.
    const settings = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== ''));
    const done = () => {
      notifySuccess(t('channelSettings.saved'));
      onClose();
    };
    if (channel) update.mutate({ id: channel.id, name: name.trim(), settings }, { onSuccess: done, onError });
    else create.mutate({ provider: provider.provider, name: name.trim(), settings }, { onSuccess: done, onError });
  };

  const generate = () =>
    vapid.mutate(undefined, {
      onSuccess: (keys) => setValues((v) => ({ ...v, publicKey: keys.publicKey, privateKey: keys.privateKey })),
      onError: notifyError,
    });

  return (
    <Modal opened={opened} onClose={onClose} title={channel ? t('channelSettings.form.editTitle', { name: channel.name }) : t('channelSettings.form.addTitle')} size="lg" data-testid="channel-form">
      <form onSubmit={submit}>
        <Stack>
          <Select
            label={t('channelSettings.form.provider')}
            placeholder={t('channelSettings.form.providerPlaceholder')}
            data={providers.map((p) => ({ value: p.provider, label: `${p.label} · ${t(`channelSettings.kinds.${p.kind}`, { defaultValue: p.kind })}` }))}
            value={providerId}
            onChange={setProviderId}
            disabled={channel !== null}
            error={errors.provider}
            searchable
            data-testid="channel-provider"
          />
          <TextInput label={t('channelSettings.form.name')} placeholder={t('channelSettings.form.namePlaceholder')} value={name} onChange={(e) => setName(e.currentTarget.value)} error={errors.name} required data-testid="channel-name" />
          {provider && (
            <>
              {provider.provider === 'webpush' && (
                <Group>
                  <Button variant="light" leftSection={<IconKey size={16} />} onClick={generate} loading={vapid.isPending} data-testid="channel-generate-keys">
                    {t('channelSettings.form.generateKeys')}
                  </Button>
                </Group>
              )}
              <SettingsFields provider={provider} values={values} storedSecrets={stored} errors={errors} onChange={(key, value) => setValues((v) => ({ ...v, [key]: value }))} />
            </>
          )}
          {channel?.webhookUrl && (
            <Alert color="gray" title={t('channelSettings.form.webhookUrl')}>
              <Stack gap={6}>
                <Text size="sm">{t('channelSettings.form.webhookUrlHint')}</Text>
                <Group gap="xs" wrap="nowrap">
                  <Code dir="ltr" style={{ overflowWrap: 'anywhere' }} data-testid="channel-webhook-url">
                    {channel.webhookUrl}
                  </Code>
                  <CopyButton value={channel.webhookUrl}>
                    {({ copied, copy }) => (
                      <Button size="xs" variant="subtle" onClick={copy} leftSection={copied ? <IconCheck size={14} /> : <IconCopy size={14} />}>
                        {copied ? t('common.copied') : t('common.copy')}
                      </Button>
                    )}
                  </CopyButton>
                </Group>
              </Stack>
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending || update.isPending} data-testid="channel-save">
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
