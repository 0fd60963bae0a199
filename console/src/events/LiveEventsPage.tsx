import { Stack, Tabs, Title } from '@mantine/core';
import { IconBroadcast, IconSchema } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { EventSchemaTab } from './EventSchemaTab';
import { LiveEventsTab } from './LiveEventsTab';

/** `/events`: the live stream; `/events/schema`: the observed event schema. */
export function LiveEventsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const tab = params.tab === 'schema' ? 'schema' : 'live';

  return (
    <Stack gap="md">
      <Title order={2}>{t('events.title')}</Title>
      <Tabs value={tab} onChange={(value) => navigate(value === 'schema' ? '/events/schema' : '/events')} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="live" leftSection={<IconBroadcast size={16} />} data-testid="events-tab-live">
            {t('events.tabs.live')}
          </Tabs.Tab>
          <Tabs.Tab value="schema" leftSection={<IconSchema size={16} />} data-testid="events-tab-schema">
            {t('events.tabs.schema')}
          </Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="live" pt="md">
          <LiveEventsTab />
        </Tabs.Panel>
        <Tabs.Panel value="schema" pt="md">
          <EventSchemaTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
