import { Alert, Anchor, Badge, Button, Code, CopyButton, Group, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy, IconKey } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session';
import { useFormat } from '../../i18n/format';
import { useNotifyError } from '../../shared/errors';
import { Ltr } from '../../shared/Ltr';
import { useApiKeys, useCreateApiKey } from '../api-keys/queries';
import { EXAMPLE_CALLS, installSnippet } from './snippet';

/** Write keys this workspace has (prefixes only: the keys themselves were shown once). */
function WriteKeys() {
  const { t } = useTranslation();
  const format = useFormat();
  const keys = useApiKeys();
  const writeKeys = (keys.data ?? []).filter((k) => k.kind === 'write' && !k.revokedAt);
  if (keys.isPending || keys.isError) return null;
  return (
    <Stack gap={4} data-testid="install-write-keys">
      <Text size="sm" fw={600}>
        {t('install.existingKeys')}
      </Text>
      {writeKeys.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('install.noKeys')}
        </Text>
      ) : (
        <Group gap="xs">
          {writeKeys.map((k) => (
            <Badge key={k.id} variant="light" color="blue" style={{ textTransform: 'none' }}>
              {k.name} · <Ltr>{k.prefix ? `${k.prefix}…` : ''}</Ltr> · {format.date(k.createdAt)}
            </Badge>
          ))}
        </Group>
      )}
    </Stack>
  );
}

/** The copy-paste install snippet for websites, with this server's address and a write key. */
export function InstallTab() {
  const { t } = useTranslation();
  const session = useSession();
  const create = useCreateApiKey();
  const notifyError = useNotifyError();
  const [writeKey, setWriteKey] = useState<string | null>(null);
  const manage = can(session, 'keys:manage');
  const snippet = installSnippet(window.location.origin, writeKey ?? undefined);

  const createKey = () =>
    create.mutate(
      { kind: 'write', name: t('install.keyName') },
      { onSuccess: (key) => setWriteKey(key.key ?? null), onError: notifyError },
    );

  return (
    <Stack maw={860}>
      <Text c="dimmed" size="sm">
        {t('install.description')}
      </Text>
      {writeKey ? (
        <Alert color="yellow" icon={<IconAlertTriangle size={18} />} data-testid="install-key-created">
          {t('install.keyCreated')}
        </Alert>
      ) : (
        <Alert color="blue" icon={<IconKey size={18} />}>
          <Stack gap="xs" align="flex-start">
            <Text size="sm">{manage ? t('install.placeholder') : t('install.askAdmin')}</Text>
            {manage && (
              <Button size="xs" leftSection={<IconKey size={14} />} onClick={createKey} loading={create.isPending} data-testid="install-create-key">
                {t('install.createKey')}
              </Button>
            )}
          </Stack>
        </Alert>
      )}
      <Code block dir="ltr" style={{ whiteSpace: 'pre', overflowX: 'auto', textAlign: 'left' }} data-testid="install-snippet">
        {snippet}
      </Code>
      <Group>
        <CopyButton value={snippet}>
          {({ copied, copy }) => (
            <Button
              variant="light"
              color={copied ? 'teal' : undefined}
              leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
              onClick={copy}
              data-testid="install-copy"
            >
              {copied ? t('common.copied') : t('install.copySnippet')}
            </Button>
          )}
        </CopyButton>
      </Group>
      {manage && <WriteKeys />}
      <Title order={5}>{t('install.calls')}</Title>
      <Code block dir="ltr" style={{ whiteSpace: 'pre', overflowX: 'auto', textAlign: 'left' }}>
        {EXAMPLE_CALLS}
      </Code>
      <Text size="sm">
        <Anchor component={Link} to="/events">
          {t('install.verify')}
        </Anchor>
      </Text>
      <Text size="xs" c="dimmed">
        {t('install.docs')}
      </Text>
    </Stack>
  );
}
