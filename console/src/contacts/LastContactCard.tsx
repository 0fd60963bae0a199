import { Badge, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../i18n/format';
import { Loading, QueryError } from '../shared/states';
import { channelLabel } from './channelLabel';
import { useCustomerContacts } from './queries';

/** The profile's card: the customer's last contact on each channel, and who made it. */
export function LastContactCard({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const format = useFormat();
  const contacts = useCustomerContacts(customerId);
  return (
    <Card withBorder padding="md" data-testid="last-contact-card">
      <Title order={5} mb="xs">
        {t('contacts.card.title')}
      </Title>
      {contacts.isPending ? (
        <Loading testId="last-contact-loading" />
      ) : contacts.isError ? (
        <QueryError error={contacts.error} onRetry={() => void contacts.refetch()} />
      ) : contacts.data.channels.length === 0 ? (
        <Text size="sm" c="dimmed" data-testid="last-contact-none">
          {t('contacts.card.none')}
        </Text>
      ) : (
        <Stack gap={6}>
          {contacts.data.channels.map((c) => (
            <Group key={c.channel} justify="space-between" wrap="nowrap" data-testid="last-contact-row" data-channel={c.channel}>
              <Group gap={6} wrap="nowrap">
                <Text size="sm" fw={600}>
                  {channelLabel(t, c.channel)}
                </Text>
                <Badge size="xs" variant="light">
                  {c.label ?? t(`contacts.by.${c.by}`)}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {format.dateTime(c.at)}
              </Text>
            </Group>
          ))}
        </Stack>
      )}
    </Card>
  );
}
