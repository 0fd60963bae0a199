import { Anchor, Text } from '@mantine/core';
import {
  type Icon,
  IconBolt,
  IconBrowser,
  IconDeviceMobile,
  IconFingerprint,
  IconLink,
  IconUsersGroup,
} from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import type { EventType } from '../api/types';
import { Ltr } from '../shared/Ltr';

export const EVENT_ICONS: Record<EventType, Icon> = {
  track: IconBolt,
  page: IconBrowser,
  screen: IconDeviceMobile,
  identify: IconFingerprint,
  group: IconUsersGroup,
  alias: IconLink,
};

export const EVENT_COLORS: Record<EventType, string> = {
  track: 'violet',
  page: 'cyan',
  screen: 'cyan',
  identify: 'teal',
  group: 'orange',
  alias: 'gray',
};

/** The page fields every page call repeats: shown as the URL, not as properties. */
const PAGE_FIELDS = ['url', 'path', 'search', 'title', 'referrer'];

/** The properties worth a glance: page fields left out (the URL is shown on its own). */
export function keyProperties(type: string, properties: Record<string, unknown>): Record<string, unknown> {
  if (type !== 'page' && type !== 'screen') return properties;
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !PAGE_FIELDS.includes(key)));
}

/** `Product Viewed`, or the type's label when the call has no name (identify, an unnamed page). */
export function eventTitle(event: { type: string; name: string | null }, t: TFunction): string {
  return event.name || t(`events.types.${event.type}`, { defaultValue: event.type });
}

/** A page URL, as a link only when it is http(s): event data comes from browsers, not from us. */
export function PageUrl({ url }: { url: string | null | undefined }) {
  if (!url) return null;
  const safe = /^https?:\/\//i.test(url);
  const shown = url.length > 80 ? `${url.slice(0, 80)}…` : url;
  return (
    <Text size="xs" c="dimmed" data-testid="event-page-url" style={{ overflowWrap: 'anywhere' }}>
      <Ltr>
        {safe ? (
          <Anchor href={url} target="_blank" rel="noopener noreferrer nofollow" size="xs" c="dimmed">
            {shown}
          </Anchor>
        ) : (
          shown
        )}
      </Ltr>
    </Text>
  );
}
