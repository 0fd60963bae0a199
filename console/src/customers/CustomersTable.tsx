import { Anchor, Badge, Group, Stack, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { Customer } from '../api/types';
import { useFormat } from '../i18n/format';
import { Ltr } from '../shared/Ltr';
import { customerName } from './queries';

function Contacts({ values }: { values: string[] }) {
  if (values.length === 0) return <Text c="dimmed">—</Text>;
  return (
    <Stack gap={0}>
      {values.map((v) => (
        <Text key={v} size="sm">
          <Ltr>{v}</Ltr>
        </Text>
      ))}
    </Stack>
  );
}

export function CustomersTable({ customers }: { customers: Customer[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  return (
    <Table.ScrollContainer minWidth={820}>
      <Table striped highlightOnHover verticalSpacing="sm" data-testid="customers-table">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('customers.columns.name')}</Table.Th>
            <Table.Th>{t('customers.columns.emails')}</Table.Th>
            <Table.Th>{t('customers.columns.phones')}</Table.Th>
            <Table.Th>{t('customers.columns.city')}</Table.Th>
            <Table.Th>{t('customers.columns.tags')}</Table.Th>
            <Table.Th>{t('customers.columns.created')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {customers.map((c) => (
            <Table.Tr key={c.id} data-testid="customer-row" data-customer-id={c.id}>
              <Table.Td>
                <Anchor component={Link} to={`/customers/${c.id}`} fw={600} data-testid="customer-name">
                  {customerName(c, t)}
                </Anchor>
                {c.erasedAt && (
                  <Badge ms="xs" size="xs" color="gray">
                    {t('profile.erased')}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Contacts values={c.emails} />
              </Table.Td>
              <Table.Td>
                <Contacts values={c.phones} />
              </Table.Td>
              <Table.Td>{c.city || <Text c="dimmed">—</Text>}</Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {c.tags.map((tag) => (
                    <Badge key={tag} variant="light" size="sm">
                      {tag}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td style={{ whiteSpace: 'nowrap' }} data-testid="customer-created">
                {format.date(c.createdAt)}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
