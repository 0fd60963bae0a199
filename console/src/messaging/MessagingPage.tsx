import { Group, Stack, Tabs, Text, Title } from '@mantine/core';
import { IconAdjustments, IconList, IconMessages } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { MessageLog } from './MessageLog';
import { SettingsForm } from './SettingsForm';

const tabs = [
  { id: 'log', icon: IconList, Component: MessageLog },
  { id: 'settings', icon: IconAdjustments, Component: SettingsForm },
] as const;

/** `/messaging` (the message log) and `/messaging/settings` (caps, quiet hours, consent). */
export function MessagingPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const tab = tabs.some((x) => x.id === params.tab) ? (params.tab as string) : 'log';
  return (
    <Stack gap="md" data-testid="messaging-page">
      <Group gap="xs">
        <IconMessages size={26} stroke={1.6} />
        <Title order={2}>{t('messaging.title')}</Title>
      </Group>
      <Text c="dimmed" size="sm" maw={720}>
        {t('messaging.description')}
      </Text>
      <Tabs value={tab} onChange={(value) => value && navigate(value === 'log' ? '/messaging' : `/messaging/${value}`)} keepMounted={false}>
        <Tabs.List>
          {tabs.map(({ id, icon: Icon }) => (
            <Tabs.Tab key={id} value={id} leftSection={<Icon size={16} />} data-testid={`messaging-tab-${id}`}>
              {t(`messaging.tabs.${id}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {tabs.map(({ id, Component }) => (
          <Tabs.Panel key={id} value={id} pt="md">
            <Component />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
