import { ActionIcon, Button, Card, Group, NumberInput, SegmentedControl, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { fieldOf, useNotifyError, useNotifySuccess, withoutFieldPrefix } from '../shared/errors';
import { Loading, QueryError } from '../shared/states';
import { canManageMessaging, useMessagingSettings, useSaveMessagingSettings } from './queries';
import { type Cap, channelKinds, type MessagingSettings } from './types';

const timeZones = ['Asia/Tehran', 'Asia/Dubai', 'Asia/Baghdad', 'Asia/Kabul', 'Europe/Istanbul', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'UTC'];

/** Caps, quiet hours, consent modes and the default time zone of the workspace's messaging. */
export function SettingsForm() {
  const { t } = useTranslation();
  const manage = canManageMessaging(useSession());
  const settings = useMessagingSettings();
  const save = useSaveMessagingSettings();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const [draft, setDraft] = useState<MessagingSettings | null>(null);
  const [problem, setProblem] = useState<{ field: string; message: string } | null>(null);
  // Caps are positional and have no id: each row gets a client-side key for React.
  const [capKeys, setCapKeys] = useState<string[]>([]);
  useEffect(() => {
    if (settings.data) {
      setDraft(settings.data);
      setCapKeys(settings.data.caps.map(() => crypto.randomUUID()));
    }
  }, [settings.data]);

  if (settings.isPending || (!draft && !settings.isError)) return <Loading />;
  if (settings.isError) return <QueryError error={settings.error} onRetry={() => void settings.refetch()} />;
  if (!draft) return <Loading />;

  const set = (patch: Partial<MessagingSettings>) => setDraft({ ...draft, ...patch });
  const setCap = (i: number, patch: Partial<Cap>) => set({ caps: draft.caps.map((c, j) => (j === i ? { ...c, ...patch } : c)) });
  const errorFor = (field: string) => (problem?.field === field ? problem.message : undefined);
  const onSave = () => {
    setProblem(null);
    save.mutate(draft, {
      onSuccess: () => notifySuccess(t('messaging.settings.saved')),
      onError: (error) => {
        if (isApiError(error) && error.field) setProblem({ field: fieldOf(error) ?? error.field, message: withoutFieldPrefix(error) });
        notifyError(error);
      },
    });
  };

  return (
    <Stack gap="md" maw={900} data-testid="messaging-settings">
      <Card withBorder>
        <Stack gap="sm">
          <Title order={4}>{t('messaging.settings.quietTitle')}</Title>
          <Text size="sm" c="dimmed">
            {t('messaging.settings.quietHint')}
          </Text>
          <Switch
            label={t('messaging.settings.quietEnabled')}
            checked={draft.quietHours.enabled}
            onChange={(e) => set({ quietHours: { ...draft.quietHours, enabled: e.currentTarget.checked } })}
            disabled={!manage}
            data-testid="quiet-enabled"
          />
          <Group gap="md" align="flex-end">
            <TextInput
              type="time"
              label={t('messaging.settings.quietStart')}
              value={draft.quietHours.start}
              onChange={(e) => set({ quietHours: { ...draft.quietHours, start: e.currentTarget.value } })}
              error={errorFor('quietHours')}
              disabled={!manage}
              dir="ltr"
              data-testid="quiet-start"
            />
            <TextInput
              type="time"
              label={t('messaging.settings.quietEnd')}
              value={draft.quietHours.end}
              onChange={(e) => set({ quietHours: { ...draft.quietHours, end: e.currentTarget.value } })}
              disabled={!manage}
              dir="ltr"
              data-testid="quiet-end"
            />
            <Select
              label={t('messaging.settings.timezone')}
              description={t('messaging.settings.timezoneHint')}
              data={timeZones.includes(draft.timezone) ? timeZones : [draft.timezone, ...timeZones]}
              value={draft.timezone}
              onChange={(value) => value && set({ timezone: value })}
              searchable
              error={errorFor('timezone')}
              disabled={!manage}
              data-testid="timezone"
            />
          </Group>
        </Stack>
      </Card>

      <Card withBorder>
        <Stack gap="sm">
          <Title order={4}>{t('messaging.settings.capsTitle')}</Title>
          <Text size="sm" c="dimmed">
            {t('messaging.settings.capsHint')}
          </Text>
          {draft.caps.map((cap, i) => (
            <Group key={capKeys[i] ?? cap.channel} gap="sm" align="flex-end" data-testid="cap-row">
              <NumberInput label={t('messaging.settings.capLimit')} min={0} max={1000} value={cap.limit} onChange={(v) => setCap(i, { limit: Number(v) || 0 })} disabled={!manage} w={140} />
              <Select
                label={t('messaging.settings.capChannel')}
                data={[{ value: 'all', label: t('messaging.settings.allChannels') }, ...channelKinds.map((k) => ({ value: k, label: t(`messaging.kinds.${k}`) }))]}
                value={cap.channel}
                onChange={(v) => v && setCap(i, { channel: v as Cap['channel'] })}
                disabled={!manage}
                w={200}
              />
              <NumberInput label={t('messaging.settings.capDays')} min={1} max={90} value={cap.days} onChange={(v) => setCap(i, { days: Number(v) || 1 })} disabled={!manage} w={140} />
              {manage && (
                <ActionIcon variant="subtle" color="red" aria-label={t('messaging.settings.removeCap')} onClick={() => {
                    set({ caps: draft.caps.filter((_, j) => j !== i) });
                    setCapKeys(capKeys.filter((_, j) => j !== i));
                  }} mb={4}>
                  <IconTrash size={16} />
                </ActionIcon>
              )}
            </Group>
          ))}
          {manage && (
            <Group>
              <Button variant="light" leftSection={<IconPlus size={16} />} onClick={() => {
                  set({ caps: [...draft.caps, { channel: 'all', limit: 3, days: 7 }] });
                  setCapKeys([...capKeys, crypto.randomUUID()]);
                }}>
                {t('messaging.settings.addCap')}
              </Button>
            </Group>
          )}
        </Stack>
      </Card>

      <Card withBorder>
        <Stack gap="sm">
          <Title order={4}>{t('messaging.settings.consentTitle')}</Title>
          <Text size="sm" c="dimmed">
            {t('messaging.settings.consentHint')}
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
            {channelKinds.map((kind) => (
              <Group key={kind} justify="space-between" wrap="nowrap">
                <Text size="sm">{t(`messaging.kinds.${kind}`)}</Text>
                <SegmentedControl
                  size="xs"
                  data={[
                    { value: 'opt-in', label: t('messaging.settings.optIn') },
                    { value: 'opt-out', label: t('messaging.settings.optOut') },
                  ]}
                  value={draft.consentModes[kind]}
                  onChange={(v) => set({ consentModes: { ...draft.consentModes, [kind]: v as 'opt-in' | 'opt-out' } })}
                  disabled={!manage}
                  data-testid={`consent-${kind}`}
                />
              </Group>
            ))}
          </SimpleGrid>
        </Stack>
      </Card>

      {manage && (
        <Group>
          <Button onClick={onSave} loading={save.isPending} data-testid="messaging-settings-save">
            {t('messaging.settings.save')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
