import { ActionIcon, Badge, Button, Code, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconKey, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiKey } from '../../api/types';
import { useSession } from '../../auth/session';
import { can } from '../../auth/permissions';
import { useFormat } from '../../i18n/format';
import { ConfirmModal } from '../../shared/ConfirmModal';
import { useNotifyError } from '../../shared/errors';
import { Ltr } from '../../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { CreateKeyModal } from './CreateKeyModal';
import { useApiKeys, useRevokeApiKey } from './queries';

export function ApiKeysTab() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const keys = useApiKeys();
  const revoke = useRevokeApiKey();
  const notifyError = useNotifyError();
  const [creating, create] = useDisclosure(false);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const manage = can(session, 'keys:manage');

  if (keys.isPending) return <Loading />;
  if (keys.isError) return <QueryError error={keys.error} onRetry={() => void keys.refetch()} />;

  return (
    <Stack>
      <Group justify="space-between">
        <Text c="dimmed" size="sm" maw={640}>
          {t('apiKeys.description')}
        </Text>
        {manage && (
          <Button leftSection={<IconPlus size={16} />} onClick={create.open} data-testid="create-api-key">
            {t('apiKeys.create')}
          </Button>
        )}
      </Group>
      {keys.data.length === 0 ? (
        <EmptyState icon={<IconKey size={26} />} title={t('apiKeys.empty')} />
      ) : (
        <Table.ScrollContainer minWidth={700}>
          <Table verticalSpacing="sm" data-testid="api-keys-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('apiKeys.name')}</Table.Th>
                <Table.Th>{t('apiKeys.kind')}</Table.Th>
                <Table.Th>{t('apiKeys.role')}</Table.Th>
                <Table.Th>{t('apiKeys.key')}</Table.Th>
                <Table.Th>{t('apiKeys.created')}</Table.Th>
                <Table.Th>{t('apiKeys.lastUsed')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {keys.data.map((key) => (
                <Table.Tr key={key.id} data-testid="api-key-row" style={{ opacity: key.revokedAt ? 0.55 : 1 }}>
                  <Table.Td>
                    {key.name}{' '}
                    {key.revokedAt && (
                      <Badge size="xs" color="gray" ms={4}>
                        {t('apiKeys.revoked')}
                      </Badge>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="light" color={key.kind === 'secret' ? 'red' : 'blue'}>
                      {t(`apiKeys.kinds.${key.kind}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{key.role ? t(`roles.${key.role}`) : '—'}</Table.Td>
                  <Table.Td>
                    {key.prefix ? (
                      <Code>
                        <Ltr>{key.prefix}…</Ltr>
                      </Code>
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.date(key.createdAt)}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>
                    {key.lastUsedAt ? format.dateTime(key.lastUsedAt) : t('apiKeys.never')}
                  </Table.Td>
                  <Table.Td>
                    {manage && !key.revokedAt && (
                      <Tooltip label={t('apiKeys.revoke')}>
                        <ActionIcon
                          variant="subtle"
                          color="red"
                          aria-label={t('apiKeys.revoke')}
                          onClick={() => setRevoking(key)}
                          data-testid="revoke-api-key"
                        >
                          <IconTrash size={16} />
                        </ActionIcon>
                      </Tooltip>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateKeyModal opened={creating} onClose={create.close} />
      <ConfirmModal
        opened={revoking !== null}
        title={t('apiKeys.revokeTitle', { name: revoking?.name ?? '' })}
        confirmLabel={t('apiKeys.revoke')}
        danger
        loading={revoke.isPending}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSuccess: () => setRevoking(null), onError: notifyError })}
        testId="revoke-modal"
      >
        {t('apiKeys.revokeBody')}
      </ConfirmModal>
    </Stack>
  );
}
