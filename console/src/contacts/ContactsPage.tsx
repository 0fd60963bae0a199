import { Card, Group, NumberInput, Select, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconCalendarUser } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { canManageMessaging } from '../messaging/queries';
import { useSegments } from '../segments/queries';
import { AlertForm } from './AlertForm';
import { CoverageTable } from './CoverageTable';
import { channelLabel } from './channelLabel';
import { NotContactedTable } from './NotContactedTable';
import { CONTACT_CHANNELS, type ContactChannel } from './types';

/** `/contacts`: who was not contacted for N days (by channel, in a segment), coverage, the alert. */
export function ContactsPage() {
  const { t } = useTranslation();
  const manage = canManageMessaging(useSession());
  const segments = useSegments('');
  const [daysInput, setDaysInput] = useState<number | string>(30);
  const [channel, setChannel] = useState<ContactChannel | null>(null);
  const [segmentId, setSegmentId] = useState<string | null>(null);
  const [debouncedDays] = useDebouncedValue(daysInput, 300);
  const days = Math.min(3650, Math.max(1, Math.trunc(Number(debouncedDays)) || 1));

  return (
    <Stack gap="md" data-testid="contacts-page">
      <Group gap="xs">
        <IconCalendarUser size={26} stroke={1.6} />
        <Title order={2}>{t('contacts.title')}</Title>
      </Group>
      <Text c="dimmed" size="sm" maw={720}>
        {t('contacts.description')}
      </Text>
      <Group align="flex-end" wrap="wrap">
        <NumberInput label={t('contacts.filters.days')} min={1} max={3650} value={daysInput} onChange={setDaysInput} w={200} data-testid="contacts-days" />
        <Select
          label={t('contacts.filters.channel')}
          placeholder={t('contacts.channels.any')}
          data={CONTACT_CHANNELS.map((c) => ({ value: c, label: channelLabel(t, c) }))}
          value={channel}
          onChange={(v) => setChannel(v as ContactChannel | null)}
          clearable
          w={240}
          data-testid="contacts-channel"
        />
        <Select
          label={t('contacts.filters.segment')}
          placeholder={t('contacts.filters.allCustomers')}
          data={(segments.data?.pages.flatMap((p) => p.data) ?? []).map((s) => ({ value: s.id, label: s.name }))}
          value={segmentId}
          onChange={setSegmentId}
          clearable
          searchable
          w={260}
          data-testid="contacts-segment"
        />
      </Group>
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="md">
        <Card withBorder padding="md">
          <Title order={4} mb="sm">
            {t('contacts.notContacted.title')}
          </Title>
          <NotContactedTable filters={{ days, channel, segmentId }} />
        </Card>
        <Stack gap="md">
          <Card withBorder padding="md">
            <Title order={4} mb="sm">
              {t('contacts.coverage.title')}
            </Title>
            <CoverageTable segmentId={segmentId} />
          </Card>
          <AlertForm channel={channel} segmentId={segmentId} manage={manage} />
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
