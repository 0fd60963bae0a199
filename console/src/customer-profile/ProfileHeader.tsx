import { Avatar, Badge, Button, Group, Menu, Paper, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconDownload, IconEraser, IconGitMerge, IconPencil } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../api/types';
import { useSession } from '../auth/session';
import { can } from '../auth/permissions';
import { customerName } from '../customers/queries';
import { useFormat } from '../i18n/format';
import { useNotifyError, useNotifySuccess } from '../shared/errors';
import { ConfirmModal } from '../shared/ConfirmModal';
import { Ltr } from '../shared/Ltr';
import { EditCustomerModal } from './EditCustomerModal';
import { MergeModal } from './MergeModal';
import { downloadExport, useEraseCustomer } from './queries';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text size="sm">{children}</Text>
    </Stack>
  );
}

export function ProfileHeader({ customer, readOnly }: { customer: Customer; readOnly: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const erase = useEraseCustomer(customer.id);
  const [editing, edit] = useDisclosure(false);
  const [merging, merge] = useDisclosure(false);
  const [erasing, eraseModal] = useDisclosure(false);
  const [exporting, setExporting] = useState(false);
  const name = customerName(customer, t);
  const editable = can(session, 'customers:write') && !readOnly;
  const erasable = can(session, 'customers:erase') && !readOnly;

  const exportJson = () => {
    setExporting(true);
    downloadExport(customer.id)
      .catch(notifyError)
      .finally(() => setExporting(false));
  };

  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" align="flex-start" wrap="wrap" gap="md">
        <Group gap="md" wrap="nowrap" align="flex-start">
          <Avatar size="lg" radius="xl" color="teal">
            {name.slice(0, 1)}
          </Avatar>
          <Stack gap={6}>
            <Group gap="xs">
              <Title order={2} data-testid="profile-name">
                {name}
              </Title>
              {customer.erasedAt && <Badge color="gray">{t('profile.erased')}</Badge>}
              {customer.mergedIntoId && <Badge color="yellow">{t('profile.merged')}</Badge>}
            </Group>
            <Group gap="xl" wrap="wrap" align="flex-start">
              {customer.emails[0] && (
                <Fact label={t('fields.emails')}>
                  <Ltr>{customer.emails.join(', ')}</Ltr>
                </Fact>
              )}
              {customer.phones[0] && (
                <Fact label={t('fields.phones')}>
                  <Ltr>{customer.phones.join(', ')}</Ltr>
                </Fact>
              )}
              {customer.city && <Fact label={t('fields.city')}>{customer.city}</Fact>}
              <Fact label={t('fields.createdAt')}>
                <span data-testid="profile-created">{format.date(customer.createdAt)}</span>
              </Fact>
              <Fact label={t('fields.updatedAt')}>{format.dateTime(customer.updatedAt)}</Fact>
            </Group>
          </Stack>
        </Group>

        <Group gap="xs">
          {editable && (
            <Button variant="light" leftSection={<IconPencil size={16} />} onClick={edit.open} data-testid="profile-edit">
              {t('common.edit')}
            </Button>
          )}
          <Menu position="bottom-end" withinPortal>
            <Menu.Target>
              <Button variant="default" rightSection={<IconChevronDown size={14} />} data-testid="profile-actions">
                {t('profile.actions')}
              </Button>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconDownload size={16} />} onClick={exportJson} disabled={exporting} data-testid="profile-export">
                {t('profile.export')}
              </Menu.Item>
              {erasable && (
                <Menu.Item leftSection={<IconGitMerge size={16} />} onClick={merge.open} data-testid="profile-merge">
                  {t('profile.merge')}
                </Menu.Item>
              )}
              {erasable && (
                <Menu.Item color="red" leftSection={<IconEraser size={16} />} onClick={eraseModal.open} data-testid="profile-erase">
                  {t('profile.erase')}
                </Menu.Item>
              )}
            </Menu.Dropdown>
          </Menu>
        </Group>
      </Group>

      {editing && <EditCustomerModal customer={customer} onClose={edit.close} />}
      {merging && <MergeModal customer={customer} onClose={merge.close} />}
      <ConfirmModal
        opened={erasing}
        title={t('profile.eraseTitle', { name })}
        confirmLabel={t('profile.eraseConfirm')}
        danger
        loading={erase.isPending}
        onClose={eraseModal.close}
        onConfirm={() =>
          erase.mutate(undefined, {
            onSuccess: () => {
              eraseModal.close();
              notifySuccess(t('profile.erasedDone'));
            },
            onError: notifyError,
          })
        }
        testId="erase-modal"
      >
        {t('profile.eraseBody')}
      </ConfirmModal>
    </Paper>
  );
}
