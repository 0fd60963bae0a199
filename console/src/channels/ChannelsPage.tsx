import { ActionIcon, Badge, Button, Group, Menu, Stack, Switch, Table, Text, Title, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { IconDots, IconEdit, IconPlugConnected, IconPlus, IconSend, IconShieldCheck, IconStar, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { useFormat } from '../i18n/format';
import { ConfirmModal } from '../shared/ConfirmModal';
import { useNotifyError, useNotifySuccess } from '../shared/errors';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { ChannelFormModal } from './ChannelFormModal';
import { canManageChannels, useChannels, useDeleteChannel, useProviders, useUpdateChannel, useVerifyChannel } from './queries';
import { TestSendModal } from './TestSendModal';
import type { Channel } from './types';

const statusColor = { unverified: 'gray', ok: 'teal', failing: 'red' } as const;

/** `/channels`: configured providers with their status; add, edit, verify, test send, default, enable, delete. */
export function ChannelsPage() {
  const { t } = useTranslation();
  const format = useFormat();
  const manage = canManageChannels(useSession());
  const channels = useChannels();
  const providers = useProviders();
  const update = useUpdateChannel();
  const verify = useVerifyChannel();
  const remove = useDeleteChannel();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const [editing, setEditing] = useState<Channel | null | undefined>(undefined);
  const [testing, setTesting] = useState<Channel | null>(null);
  const [deleting, setDeleting] = useState<Channel | null>(null);

  if (channels.isPending || providers.isPending) return <Loading />;
  if (channels.isError) return <QueryError error={channels.error} onRetry={() => void channels.refetch()} />;
  if (providers.isError) return <QueryError error={providers.error} onRetry={() => void providers.refetch()} />;
  const label = (provider: string) => providers.data.find((p) => p.provider === provider)?.label ?? provider;

  const onVerify = (channel: Channel) =>
    verify.mutate(channel.id, {
      onSuccess: (answer) =>
        answer.status === 'ok'
          ? notifySuccess(t('channelSettings.verified'))
          : notifications.show({ color: 'red', title: t('channelSettings.statuses.failing'), message: t('channelSettings.verifyFailed', { message: answer.statusMessage ?? '' }), autoClose: 8000 }),
      onError: notifyError,
    });

  return (
    <Stack gap="md" data-testid="channels-page">
      <Group justify="space-between">
        <Group gap="xs">
          <IconPlugConnected size={26} stroke={1.6} />
          <Title order={2}>{t('channelSettings.title')}</Title>
        </Group>
        {manage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing(null)} data-testid="channel-add">
            {t('channelSettings.add')}
          </Button>
        )}
      </Group>
      <Text c="dimmed" size="sm" maw={720}>
        {t('channelSettings.description')}
      </Text>
      {channels.data.length === 0 ? (
        <EmptyState icon={<IconPlugConnected size={26} />} title={t('channelSettings.empty')} description={t('channelSettings.emptyHint')} testId="channels-empty" />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table verticalSpacing="sm" data-testid="channels-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('channelSettings.columns.name')}</Table.Th>
                <Table.Th>{t('channelSettings.columns.kind')}</Table.Th>
                <Table.Th>{t('channelSettings.columns.provider')}</Table.Th>
                <Table.Th>{t('channelSettings.columns.status')}</Table.Th>
                <Table.Th>{t('channelSettings.columns.enabled')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {channels.data.map((channel) => (
                <Table.Tr key={channel.id} data-testid="channel-row" data-name={channel.name} data-status={channel.status}>
                  <Table.Td>
                    <Group gap={6}>
                      <Text fw={500}>{channel.name}</Text>
                      {channel.isDefault && (
                        <Badge size="xs" variant="light" data-testid="channel-default">
                          {t('channelSettings.default')}
                        </Badge>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>{t(`channelSettings.kinds.${channel.kind}`, { defaultValue: channel.kind })}</Table.Td>
                  <Table.Td>{label(channel.provider)}</Table.Td>
                  <Table.Td maw={320}>
                    <Badge color={statusColor[channel.status]} variant="light" data-testid="channel-status">
                      {t(`channelSettings.statuses.${channel.status}`)}
                    </Badge>
                    {channel.statusMessage && (
                      <Text size="xs" c={channel.status === 'failing' ? 'red' : 'dimmed'} dir="ltr" style={{ overflowWrap: 'anywhere' }} data-testid="channel-status-message">
                        {channel.statusMessage}
                      </Text>
                    )}
                    {channel.statusAt && (
                      <Text size="xs" c="dimmed">
                        {t('channelSettings.checkedAt', { time: format.dateTime(channel.statusAt) })}
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Switch
                      checked={channel.enabled}
                      disabled={!manage}
                      aria-label={t('channelSettings.columns.enabled')}
                      onChange={(e) => update.mutate({ id: channel.id, enabled: e.currentTarget.checked }, { onError: notifyError })}
                      data-testid="channel-enabled"
                    />
                  </Table.Td>
                  <Table.Td>
                    {manage && (
                      <Group gap={4} wrap="nowrap" justify="flex-end">
                        <Tooltip label={t('channelSettings.actions.verify')}>
                          <ActionIcon variant="subtle" aria-label={t('channelSettings.actions.verify')} onClick={() => onVerify(channel)} loading={verify.isPending && verify.variables === channel.id} data-testid="channel-verify">
                            <IconShieldCheck size={18} />
                          </ActionIcon>
                        </Tooltip>
                        <Tooltip label={t('channelSettings.actions.test')}>
                          <ActionIcon variant="subtle" aria-label={t('channelSettings.actions.test')} onClick={() => setTesting(channel)} data-testid="channel-test">
                            <IconSend size={18} />
                          </ActionIcon>
                        </Tooltip>
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" aria-label={t('channelSettings.actions.more')} data-testid="channel-menu">
                              <IconDots size={18} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item leftSection={<IconEdit size={16} />} onClick={() => setEditing(channel)} data-testid="channel-edit">
                              {t('channelSettings.actions.edit')}
                            </Menu.Item>
                            {!channel.isDefault && channel.enabled && (
                              <Menu.Item leftSection={<IconStar size={16} />} onClick={() => update.mutate({ id: channel.id, isDefault: true }, { onError: notifyError })} data-testid="channel-make-default">
                                {t('channelSettings.actions.makeDefault')}
                              </Menu.Item>
                            )}
                            <Menu.Item color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(channel)} data-testid="channel-delete">
                              {t('channelSettings.actions.delete')}
                            </Menu.Item>
                          </Menu.Dropdown>
                        </Menu>
                      </Group>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {editing !== undefined && <ChannelFormModal opened channel={editing} providers={providers.data} onClose={() => setEditing(undefined)} />}
      <TestSendModal channel={testing} onClose={() => setTesting(null)} />
      <ConfirmModal
        opened={deleting !== null}
        title={t('channelSettings.deleteTitle', { name: deleting?.name ?? '' })}
        confirmLabel={t('channelSettings.actions.delete')}
        danger
        loading={remove.isPending}
        onClose={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting.id, { onSuccess: () => setDeleting(null), onError: notifyError })}
        testId="channel-delete-modal"
      >
        {t('channelSettings.deleteBody')}
      </ConfirmModal>
    </Stack>
  );
}
