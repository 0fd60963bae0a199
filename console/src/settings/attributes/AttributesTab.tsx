import { ActionIcon, Badge, Button, Code, Group, Stack, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconForms, IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributeDefinition } from '../../api/types';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session';
import { useFormat } from '../../i18n/format';
import { ConfirmModal } from '../../shared/ConfirmModal';
import { useNotifyError } from '../../shared/errors';
import { Ltr } from '../../shared/Ltr';
import { EmptyState, Loading, QueryError } from '../../shared/states';
import { DefineAttributeModal } from './DefineAttributeModal';
import { useAttributeDefinitions, useDeleteAttribute } from './queries';

/** Typed custom attributes: a profile can only carry attributes defined here. */
export function AttributesTab() {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const definitions = useAttributeDefinitions();
  const remove = useDeleteAttribute();
  const notifyError = useNotifyError();
  const [defining, define] = useDisclosure(false);
  const [removing, setRemoving] = useState<AttributeDefinition | null>(null);
  const manage = can(session, 'attributes:manage');

  if (definitions.isPending) return <Loading />;
  if (definitions.isError) return <QueryError error={definitions.error} onRetry={() => void definitions.refetch()} />;

  return (
    <Stack>
      <Group justify="space-between">
        <Text c="dimmed" size="sm" maw={640}>
          {t('attributes.description')}
        </Text>
        {manage && (
          <Button leftSection={<IconPlus size={16} />} onClick={define.open} data-testid="define-attribute">
            {t('attributes.define')}
          </Button>
        )}
      </Group>
      {definitions.data.length === 0 ? (
        <EmptyState icon={<IconForms size={26} />} title={t('attributes.empty')} testId="attributes-empty" />
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table verticalSpacing="sm" data-testid="attributes-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('attributes.label')}</Table.Th>
                <Table.Th>{t('attributes.key')}</Table.Th>
                <Table.Th>{t('attributes.type')}</Table.Th>
                <Table.Th>{t('attributes.options')}</Table.Th>
                <Table.Th>{t('attributes.created')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {definitions.data.map((d) => (
                <Table.Tr key={d.key} data-testid="attribute-row">
                  <Table.Td>{d.label}</Table.Td>
                  <Table.Td>
                    <Code>
                      <Ltr>{d.key}</Ltr>
                    </Code>
                  </Table.Td>
                  <Table.Td>{t(`attributes.types.${d.type}`)}</Table.Td>
                  <Table.Td>
                    <Group gap={4}>
                      {d.options.map((o) => (
                        <Badge key={o} variant="light" color="gray" size="sm" style={{ textTransform: 'none' }}>
                          {o}
                        </Badge>
                      ))}
                    </Group>
                  </Table.Td>
                  <Table.Td style={{ whiteSpace: 'nowrap' }}>{format.date(d.createdAt)}</Table.Td>
                  <Table.Td>
                    {manage && (
                      <Tooltip label={t('common.remove')}>
                        <ActionIcon variant="subtle" color="red" aria-label={t('common.remove')} onClick={() => setRemoving(d)}>
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
      <DefineAttributeModal opened={defining} onClose={define.close} />
      <ConfirmModal
        opened={removing !== null}
        title={t('attributes.removeTitle', { label: removing?.label ?? '' })}
        confirmLabel={t('common.remove')}
        danger
        loading={remove.isPending}
        onClose={() => setRemoving(null)}
        onConfirm={() => removing && remove.mutate(removing.key, { onSuccess: () => setRemoving(null), onError: notifyError })}
      >
        {t('attributes.removeBody')}
      </ConfirmModal>
    </Stack>
  );
}
