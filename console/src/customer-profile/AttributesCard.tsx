import { Badge, Card, Divider, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { AttributeDefinition, Customer } from '../api/types';
import { useAttributeDefinitions } from '../settings/attributes/queries';
import { type Formatter, useFormat } from '../i18n/format';
import { Ltr } from '../shared/Ltr';

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <Stack gap={0} data-testid={testId}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <div style={{ fontSize: 'var(--mantine-font-size-sm)', overflowWrap: 'anywhere' }}>{children}</div>
    </Stack>
  );
}

const Dash = () => <Text c="dimmed" size="sm" component="span">—</Text>;

function List({ values }: { values: string[] | undefined }) {
  if (!values?.length) return <Dash />;
  return (
    <Group gap={4}>
      {values.map((v) => (
        <Badge key={v} variant="light" color="gray" size="sm" style={{ textTransform: 'none' }}>
          {v}
        </Badge>
      ))}
    </Group>
  );
}

function attributeText(value: unknown, type: AttributeDefinition['type'] | undefined, format: Formatter, yes: string, no: string): ReactNode {
  if (value === null || value === undefined || value === '') return <Dash />;
  if (Array.isArray(value)) return <List values={value.map(String)} />;
  if (typeof value === 'boolean') return value ? yes : no;
  if (typeof value === 'number') return format.number(value);
  if (typeof value !== 'string') return JSON.stringify(value);
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return format.day(value);
  if (type === 'date') return format.dateTime(value);
  return value;
}

/** Every profile field, persona fields and custom attributes included. */
export function AttributesCard({ customer }: { customer: Customer }) {
  const { t } = useTranslation();
  const format = useFormat();
  const text = (value: string | null | undefined) => (value ? value : <Dash />);
  const definitions = useAttributeDefinitions();
  const definitionOf = (key: string) => definitions.data?.find((d) => d.key === key);
  const custom = Object.entries(customer.attributes ?? {}).filter(([, value]) => value !== null && value !== undefined);

  return (
    <Card withBorder radius="md" data-testid="attributes-card">
      <Title order={4} mb="sm">
        {t('profile.attributes')}
      </Title>
      <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
        <Row label={t('fields.firstName')}>{text(customer.firstName)}</Row>
        <Row label={t('fields.lastName')}>{text(customer.lastName)}</Row>
        <Row label={t('fields.emails')}>{customer.emails.length ? <Ltr>{customer.emails.join(', ')}</Ltr> : <Dash />}</Row>
        <Row label={t('fields.phones')}>{customer.phones.length ? <Ltr>{customer.phones.join(', ')}</Ltr> : <Dash />}</Row>
        <Row label={t('fields.birthday')}>{customer.birthday ? format.day(customer.birthday) : <Dash />}</Row>
        <Row label={t('fields.gender')}>{customer.gender ? t(`genders.${customer.gender}`) : <Dash />}</Row>
        <Row label={t('fields.city')}>{text(customer.city)}</Row>
        <Row label={t('fields.language')}>
          {customer.language ? t(`languages.${customer.language}`, { defaultValue: customer.language }) : <Dash />}
        </Row>
        <Row label={t('fields.timezone')}>{customer.timezone ? <Ltr>{customer.timezone}</Ltr> : <Dash />}</Row>
        <Row label={t('fields.externalId')}>{customer.externalId ? <Ltr>{customer.externalId}</Ltr> : <Dash />}</Row>
      </SimpleGrid>

      <Divider my="sm" label={t('profile.persona')} labelPosition="center" />
      <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
        <Row label={t('fields.job')}>{text(customer.job)}</Row>
        <Row label={t('fields.incomeBand')}>{text(customer.incomeBand)}</Row>
        <Row label={t('fields.interests')}>
          <List values={customer.interests} />
        </Row>
        <Row label={t('fields.challenges')}>
          <List values={customer.challenges} />
        </Row>
      </SimpleGrid>

      <Divider my="sm" label={t('profile.customAttributes')} labelPosition="center" />
      {custom.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('profile.noCustomAttributes')}
        </Text>
      ) : (
        <SimpleGrid cols={2} spacing="sm" verticalSpacing="sm">
          {custom.map(([key, value]) => (
            <Row key={key} label={definitionOf(key)?.label ?? key} testId={`attribute-${key}`}>
              {attributeText(value, definitionOf(key)?.type, format, t('common.yes'), t('common.no'))}
            </Row>
          ))}
        </SimpleGrid>
      )}
    </Card>
  );
}
