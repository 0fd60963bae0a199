import { type Icon, IconBroadcast, IconChartBar, IconChecklist, IconFileImport, IconSettings, IconUsers } from '@tabler/icons-react';
import { type ComponentType, type LazyExoticComponent, lazy } from 'react';
import type { en } from '../i18n/en';

type Page = LazyExoticComponent<ComponentType>;

function page<M>(load: () => Promise<M>, pick: (module: M) => ComponentType): Page {
  return lazy(() => load().then((module) => ({ default: pick(module) })));
}

export interface PageEntry {
  /** Stable id, used in `data-testid="nav-<id>"`. */
  id: string;
  /** Where the navigation entry points. */
  path: string;
  labelKey: `nav.${keyof typeof en.nav}`;
  icon: Icon;
  /** Every route this page owns; the first is usually `path` itself. */
  routes: { path: string; component: Page }[];
}

/**
 * The console's pages in navigation order. A new capability (analytics, segments, journeys,
 * messaging, surveys, support, loyalty…) plugs in by adding one entry here and a `nav.<id>`
 * string to each language file. Only list pages that exist.
 */
export const PAGES: readonly PageEntry[] = [
  {
    id: 'customers',
    path: '/customers',
    labelKey: 'nav.customers',
    icon: IconUsers,
    routes: [
      { path: '/customers', component: page(() => import('../customers/CustomersPage'), (m) => m.CustomersPage) },
      {
        path: '/customers/:id',
        component: page(() => import('../customer-profile/CustomerProfilePage'), (m) => m.CustomerProfilePage),
      },
    ],
  },
  {
    id: 'events',
    path: '/events',
    labelKey: 'nav.events',
    icon: IconBroadcast,
    routes: [
      { path: '/events', component: page(() => import('../events/LiveEventsPage'), (m) => m.LiveEventsPage) },
      { path: '/events/:tab', component: page(() => import('../events/LiveEventsPage'), (m) => m.LiveEventsPage) },
    ],
  },
  {
    id: 'analytics',
    path: '/analytics',
    labelKey: 'nav.analytics',
    icon: IconChartBar,
    routes: [
      { path: '/analytics', component: page(() => import('../analytics/AnalyticsPage'), (m) => m.AnalyticsPage) },
      { path: '/analytics/:tab', component: page(() => import('../analytics/AnalyticsPage'), (m) => m.AnalyticsPage) },
    ],
  },
  {
    id: 'tasks',
    path: '/tasks',
    labelKey: 'nav.tasks',
    icon: IconChecklist,
    routes: [{ path: '/tasks', component: page(() => import('../tasks/TasksPage'), (m) => m.TasksPage) }],
  },
  {
    id: 'imports',
    path: '/imports',
    labelKey: 'nav.imports',
    icon: IconFileImport,
    routes: [{ path: '/imports', component: page(() => import('../imports/ImportPage'), (m) => m.ImportPage) }],
  },
  {
    id: 'settings',
    path: '/settings',
    labelKey: 'nav.settings',
    icon: IconSettings,
    routes: [
      { path: '/settings', component: page(() => import('../settings/SettingsPage'), (m) => m.SettingsPage) },
      { path: '/settings/:tab', component: page(() => import('../settings/SettingsPage'), (m) => m.SettingsPage) },
    ],
  },
];
