import { Stack, Tabs, Title } from '@mantine/core';
import { IconCode, IconForms, IconHistory, IconKey, IconUsersGroup } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { can } from '../auth/permissions';
import { useSession } from '../auth/session';
import { ApiKeysTab } from './api-keys/ApiKeysTab';
import { AttributesTab } from './attributes/AttributesTab';
import { AuditLogTab } from './audit-log/AuditLogTab';
import { InstallTab } from './install/InstallTab';
import { TeamTab } from './team/TeamTab';

const TABS = ['team', 'attributes', 'api-keys', 'install', 'audit-log'] as const;
type Tab = (typeof TABS)[number];
const isTab = (value: string | undefined): value is Tab => TABS.includes(value as Tab);


export function SettingsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const session = useSession();
  // A tab shows only to roles that may read it.
  const visible: Record<Tab, boolean> = {
    team: true,
    attributes: true,
    'api-keys': can(session, 'keys:manage'),
    install: true,
    'audit-log': can(session, 'audit:read'),
  };
  const tab: Tab = isTab(params.tab) && visible[params.tab] ? params.tab : 'team';

  return (
    <Stack gap="md">
      <Title order={2}>{t('settings.title')}</Title>
      <Tabs value={tab} onChange={(value) => value && navigate(`/settings/${value}`)} keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="team" leftSection={<IconUsersGroup size={16} />} data-testid="settings-tab-team">
            {t('settings.tabs.team')}
          </Tabs.Tab>
          <Tabs.Tab value="attributes" leftSection={<IconForms size={16} />} data-testid="settings-tab-attributes">
            {t('settings.tabs.attributes')}
          </Tabs.Tab>
          {visible['api-keys'] && (
            <Tabs.Tab value="api-keys" leftSection={<IconKey size={16} />} data-testid="settings-tab-api-keys">
              {t('settings.tabs.apiKeys')}
            </Tabs.Tab>
          )}
          <Tabs.Tab value="install" leftSection={<IconCode size={16} />} data-testid="settings-tab-install">
            {t('settings.tabs.install')}
          </Tabs.Tab>
          {visible['audit-log'] && (
            <Tabs.Tab value="audit-log" leftSection={<IconHistory size={16} />} data-testid="settings-tab-audit-log">
              {t('settings.tabs.auditLog')}
            </Tabs.Tab>
          )}
        </Tabs.List>
        <Tabs.Panel value="team" pt="md">
          <TeamTab />
        </Tabs.Panel>
        <Tabs.Panel value="attributes" pt="md">
          <AttributesTab />
        </Tabs.Panel>
        <Tabs.Panel value="api-keys" pt="md">
          <ApiKeysTab />
        </Tabs.Panel>
        <Tabs.Panel value="install" pt="md">
          <InstallTab />
        </Tabs.Panel>
        <Tabs.Panel value="audit-log" pt="md">
          <AuditLogTab />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
