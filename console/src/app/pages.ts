import { type Icon, IconBroadcast, IconCalendarUser, IconSpeakerphone, IconMessages, IconPlugConnected, IconRoute, IconTemplate, IconChartBar, IconChecklist, IconFileImport, IconSettings, IconUsers, IconUsersGroup } from '@tabler/icons-react';
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
    id: 'segments',
    path: '/segments',
    labelKey: 'nav.segments',
    icon: IconUsersGroup,
    routes: [
      { path: '/segments', component: page(() => import('../segments/SegmentsPage'), (m) => m.SegmentsPage) },
      { path: '/segments/new', component: page(() => import('../segments/SegmentEditorPage'), (m) => m.SegmentEditorPage) },
      { path: '/segments/:id', component: page(() => import('../segments/SegmentDetailPage'), (m) => m.SegmentDetailPage) },
      { path: '/segments/:id/edit', component: page(() => import('../segments/SegmentEditorPage'), (m) => m.SegmentEditorPage) },
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
    id: 'channels',
    path: '/channels',
    labelKey: 'nav.channels',
    icon: IconPlugConnected,
    routes: [{ path: '/channels', component: page(() => import('../channels/ChannelsPage'), (m) => m.ChannelsPage) }],
  },
  {
    id: 'templates',
    path: '/templates',
    labelKey: 'nav.templates',
    icon: IconTemplate,
    routes: [
      { path: '/templates', component: page(() => import('../templates/TemplatesPage'), (m) => m.TemplatesPage) },
      { path: '/templates/new', component: page(() => import('../templates/TemplateEditorPage'), (m) => m.TemplateEditorPage) },
      { path: '/templates/:id', component: page(() => import('../templates/TemplateEditorPage'), (m) => m.TemplateEditorPage) },
    ],
  },
  {
    id: 'messaging',
    path: '/messaging',
    labelKey: 'nav.messaging',
    icon: IconMessages,
    routes: [
      { path: '/messaging', component: page(() => import('../messaging/MessagingPage'), (m) => m.MessagingPage) },
      { path: '/messaging/:tab', component: page(() => import('../messaging/MessagingPage'), (m) => m.MessagingPage) },
    ],
  },
  {
    id: 'broadcasts',
    path: '/broadcasts',
    labelKey: 'nav.broadcasts',
    icon: IconSpeakerphone,
    routes: [
      { path: '/broadcasts', component: page(() => import('../broadcasts/BroadcastsPage'), (m) => m.BroadcastsPage) },
      { path: '/broadcasts/new', component: page(() => import('../broadcasts/wizard/BroadcastWizardPage'), (m) => m.BroadcastWizardPage) },
      { path: '/broadcasts/:id', component: page(() => import('../broadcasts/BroadcastDetailPage'), (m) => m.BroadcastDetailPage) },
    ],
  },
  {
    id: 'journeys',
    path: '/journeys',
    labelKey: 'nav.journeys',
    icon: IconRoute,
    routes: [
      { path: '/journeys', component: page(() => import('../journeys/JourneysPage'), (m) => m.JourneysPage) },
      { path: '/journeys/:id', component: page(() => import('../journeys/editor/JourneyEditorPage'), (m) => m.JourneyEditorPage) },
    ],
  },
  {
    id: 'contacts',
    path: '/contacts',
    labelKey: 'nav.contacts',
    icon: IconCalendarUser,
    routes: [{ path: '/contacts', component: page(() => import('../contacts/ContactsPage'), (m) => m.ContactsPage) }],
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
