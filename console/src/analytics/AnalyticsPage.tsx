import { Group, Stack, Tabs, Title } from '@mantine/core';
import {
  IconAdjustments,
  IconChartDots,
  IconChartLine,
  IconGridDots,
  IconHeartRateMonitor,
  IconLayoutDashboard,
  IconScale,
  IconShoppingCartPlus,
  IconTable,
} from '@tabler/icons-react';
import type { ComponentType } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { useSession } from '../auth/session';
import { CohortsTab } from './cohorts/CohortsTab';
import { CompareTab } from './compare/CompareTab';
import { ModelsTab } from './models/ModelsTab';
import { OverviewTab } from './overview/OverviewTab';
import { PredictionsTab } from './predictions/PredictionsTab';
import { canAnalytics } from './queries';
import { RfmTab } from './rfm/RfmTab';
import { RulesTab } from './rules/RulesTab';
import { SettingsTab } from './settings/SettingsTab';
import { StatusBar } from './StatusBar';

const TABS = [
  { id: 'overview', icon: IconLayoutDashboard, component: OverviewTab },
  { id: 'cohorts', icon: IconTable, component: CohortsTab },
  { id: 'rfm', icon: IconGridDots, component: RfmTab },
  { id: 'predictions', icon: IconHeartRateMonitor, component: PredictionsTab },
  { id: 'compare', icon: IconScale, component: CompareTab },
  { id: 'recommendations', icon: IconShoppingCartPlus, component: RulesTab },
  { id: 'models', icon: IconChartDots, component: ModelsTab },
  { id: 'settings', icon: IconAdjustments, component: SettingsTab },
] as const satisfies readonly { id: string; icon: ComponentType<{ size?: number }>; component: ComponentType }[];
type Tab = (typeof TABS)[number]['id'];

/** `/analytics/:tab`: the dashboard and its drill-downs, one tab per concern. */
export function AnalyticsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const params = useParams();
  const session = useSession();
  const manage = canAnalytics(session, 'manage');
  const visible = TABS.filter((tab) => tab.id !== 'settings' || manage);
  const tab: Tab = visible.find((v) => v.id === params.tab)?.id ?? 'overview';

  return (
    <Stack gap="md" data-testid="analytics-page">
      <Group justify="space-between" align="flex-start" gap="sm">
        <Group gap="xs">
          <IconChartLine size={26} stroke={1.6} />
          <Title order={2}>{t('analytics.title')}</Title>
        </Group>
        <StatusBar />
      </Group>
      <Tabs value={tab} onChange={(value) => value && navigate(value === 'overview' ? '/analytics' : `/analytics/${value}`)} keepMounted={false}>
        <Tabs.List>
          {visible.map(({ id, icon: Icon }) => (
            <Tabs.Tab key={id} value={id} leftSection={<Icon size={16} />} data-testid={`analytics-tab-${id}`}>
              {t(`analytics.tabs.${id}`)}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {visible.map(({ id, component: Component }) => (
          <Tabs.Panel key={id} value={id} pt="md">
            <Component />
          </Tabs.Panel>
        ))}
      </Tabs>
    </Stack>
  );
}
