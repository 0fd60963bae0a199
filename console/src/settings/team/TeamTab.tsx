import { ActionIcon, Badge, Button, Group, Select, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconTrash, IconUserPlus, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Member, ROLES, type Role } from '../../api/types';
import { useSession } from '../../auth/session';
import { can } from '../../auth/permissions';
import { ConfirmModal } from '../../shared/ConfirmModal';
import { useNotifyError, useNotifySuccess } from '../../shared/errors';
import { Ltr } from '../../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { AddMemberModal } from './AddMemberModal';
import { useChangeRole, useMembers, useRemoveMember } from './queries';

/** Only an owner hands out or takes away ownership. */
export function assignableRoles(myRole: Role): Role[] {
  return myRole === 'owner' ? [...ROLES] : ROLES.filter((r) => r !== 'owner');
}

export function TeamTab() {
  const { t } = useTranslation();
  const session = useSession();
  const members = useMembers();
  const changeRole = useChangeRole();
  const remove = useRemoveMember();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const [adding, add] = useDisclosure(false);
  const [removing, setRemoving] = useState<Member | null>(null);
  const manage = can(session, 'team:manage');
  const roles = assignableRoles(session.role).map((r) => ({ value: r, label: t(`roles.${r}`) }));

  if (members.isPending) return <Loading />;
  if (members.isError) return <QueryError error={members.error} onRetry={() => void members.refetch()} />;

  return (
    <Stack>
      <Group justify="space-between">
        <Text c="dimmed" size="sm">
          {t('team.description')}
        </Text>
        {manage && (
          <Button leftSection={<IconUserPlus size={16} />} onClick={add.open} data-testid="add-member">
            {t('team.add')}
          </Button>
        )}
      </Group>
      {members.data.length === 0 ? (
        <EmptyState icon={<IconUsersGroup size={26} />} title={t('team.empty')} />
      ) : (
        <Table.ScrollContainer minWidth={600}>
          <Table verticalSpacing="sm" data-testid="members-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('team.name')}</Table.Th>
                <Table.Th>{t('team.email')}</Table.Th>
                <Table.Th>{t('team.role')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {members.data.map((m) => {
                const me = m.userId === session.user.id;
                const locked = !manage || me || (m.role === 'owner' && session.role !== 'owner');
                return (
                  <Table.Tr key={m.userId} data-testid="member-row">
                    <Table.Td>
                      {m.name || <Text c="dimmed">—</Text>}{' '}
                      {me && (
                        <Badge size="xs" variant="light" ms={4}>
                          {t('team.you')}
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Ltr>{m.email}</Ltr>
                    </Table.Td>
                    <Table.Td>
                      {locked ? (
                        t(`roles.${m.role}`)
                      ) : (
                        <Select
                          size="xs"
                          w={150}
                          data={roles}
                          value={m.role}
                          allowDeselect={false}
                          aria-label={t('team.role')}
                          onChange={(role) =>
                            role &&
                            changeRole.mutate(
                              { userId: m.userId, role: role as Role },
                              { onSuccess: () => notifySuccess(t('team.roleChanged')), onError: notifyError },
                            )
                          }
                        />
                      )}
                    </Table.Td>
                    <Table.Td>
                      {!locked && (
                        <Tooltip label={t('team.remove')}>
                          <ActionIcon variant="subtle" color="red" aria-label={t('team.remove')} onClick={() => setRemoving(m)}>
                            <IconTrash size={16} />
                          </ActionIcon>
                        </Tooltip>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <AddMemberModal opened={adding} onClose={add.close} roles={roles} />
      <ConfirmModal
        opened={removing !== null}
        title={t('team.removeTitle')}
        confirmLabel={t('team.remove')}
        danger
        loading={remove.isPending}
        onClose={() => setRemoving(null)}
        onConfirm={() =>
          removing &&
          remove.mutate(removing.userId, { onSuccess: () => setRemoving(null), onError: notifyError })
        }
      >
        {t('team.removeBody', { name: removing?.name || removing?.email || '' })}
      </ConfirmModal>
    </Stack>
  );
}
