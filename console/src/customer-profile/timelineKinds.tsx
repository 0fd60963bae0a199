import { Badge, Group, Stack, Text } from '@mantine/core';
import {
  type Icon,
  IconActivity,
  IconCircleDot,
  IconMessage,
  IconNote,
  IconReceipt,
  IconSquareCheck,
} from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import type { EventType, TimelineEntry } from '../api/types';
import { EVENT_COLORS, EVENT_ICONS, keyProperties, PageUrl } from '../events/eventView';
import type { Formatter } from '../i18n/format';
import { isLanguage } from '../i18n/language';
import { formatMoney } from '../i18n/money';

export interface TimelineView {
  icon: Icon;
  color: string;
  title: string;
  body?: ReactNode;
  /** Who did it, when the entry says so. */
  actor?: string;
}

type Describe = (entry: TimelineEntry, t: TFunction, format: Formatter) => TimelineView;

const str = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;

/** A small key: value list for data we have no dedicated view for. */
export function DataSummary({ data, skip = [] }: { data: Record<string, unknown>; skip?: string[] }) {
  const entries = Object.entries(data).filter(([k, v]) => !skip.includes(k) && v !== null && v !== undefined && v !== '');
  if (entries.length === 0) return null;
  return (
    <Group gap={6} mt={4}>
      {entries.slice(0, 8).map(([key, value]) => {
        const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
        return (
          <Badge key={key} variant="outline" color="gray" size="sm" radius="sm" style={{ textTransform: 'none', maxWidth: 320 }}>
            {key}: {text.length > 60 ? `${text.slice(0, 60)}…` : text}
          </Badge>
        );
      })}
    </Group>
  );
}

function activityDetail(data: Record<string, unknown>, t: TFunction): ReactNode {
  switch (data.action) {
    case 'consent_changed': {
      const channel = str(data.channel);
      const status = str(data.status);
      if (!channel || !status) break;
      return (
        <Text size="sm">
          {t(`channels.${channel}`, { defaultValue: channel })}: {t(`consentStatus.${status}`, { defaultValue: status })}
        </Text>
      );
    }
    case 'tagged':
    case 'untagged': {
      const tags = Array.isArray(data.tags) ? data.tags.map(String) : str(data.tag) ? [str(data.tag) as string] : [];
      if (tags.length === 0) break;
      return (
        <Group gap={4}>
          {tags.map((tag) => (
            <Badge key={tag} variant="light" size="sm" style={{ textTransform: 'none' }}>
              {tag}
            </Badge>
          ))}
        </Group>
      );
    }
    case 'created':
    case 'erased':
      return null;
    case 'merged': {
      const name = str(data.secondaryName);
      if (!name) break;
      return (
        <Text size="sm" c="dimmed">
          {t('timeline.mergedFrom', { name })}
        </Text>
      );
    }
    case 'updated': {
      const fields = Array.isArray(data.fields)
        ? data.fields.map(String)
        : data.changes && typeof data.changes === 'object'
          ? Object.keys(data.changes)
          : [];
      if (fields.length === 0) break;
      return (
        <Text size="sm" c="dimmed">
          {t('timeline.changedFields', {
            fields: fields.map((f) => t(`fields.${f}`, { defaultValue: f })).join(t('common.listSeparator')),
          })}
        </Text>
      );
    }
  }
  return <DataSummary data={data} skip={['action', 'actorLabel', 'previous']} />;
}

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/** A tracked event: its type and name, the page it came from, and its properties at a glance. */
const describeEvent: Describe = ({ data }, t) => {
  const type = (str(data.type) ?? 'track') as EventType;
  const name = str(data.name);
  const typeLabel = t(`events.types.${type}`, { defaultValue: type });
  const properties = record(data.properties);
  const url = str(record(data.page).url) ?? str(properties.url);
  return {
    icon: EVENT_ICONS[type] ?? IconCircleDot,
    color: EVENT_COLORS[type] ?? 'gray',
    title: type === 'track' && name ? name : name ? `${typeLabel}: ${name}` : typeLabel,
    body: (
      <div data-testid="timeline-event" data-event-type={type}>
        <PageUrl url={url} />
        <DataSummary data={keyProperties(type, properties)} />
      </div>
    ),
  };
};

/** An order: status, total in its currency (tomans in Persian), refunds and lines. */
const describeOrder: Describe = ({ data }, t, format) => {
  const language = format.locale.slice(0, 2);
  const money = (minor: unknown) =>
    typeof minor === 'number' ? formatMoney(minor, str(data.currency) ?? 'USD', isLanguage(language) ? language : 'en') : '';
  const status = str(data.status) ?? 'completed';
  const lines = Array.isArray(data.lines) ? data.lines.map(record) : [];
  const refunded = typeof data.refundedMinor === 'number' && data.refundedMinor > 0 ? data.refundedMinor : 0;
  return {
    icon: IconReceipt,
    color: status === 'completed' ? 'green' : status === 'cancelled' ? 'red' : 'orange',
    title: t('orders.title', { id: str(data.orderId) ?? '' }),
    body: (
      <Stack gap={4} mt={4} data-testid="timeline-order">
        <Group gap={6}>
          <Badge size="sm" variant="light" color={status === 'completed' ? 'green' : status === 'cancelled' ? 'red' : 'orange'}>
            {t(`orders.status.${status}`, { defaultValue: status })}
          </Badge>
          <Text size="sm" fw={600} data-testid="order-total">
            {t('orders.total', { amount: money(data.totalMinor) })}
          </Text>
          {refunded > 0 && (
            <Text size="sm" c="dimmed">
              {t('orders.refunded', { amount: money(refunded) })}
            </Text>
          )}
        </Group>
        {lines.map((line, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: order lines have no id of their own and never reorder
          <Group key={i} gap={6} data-testid="order-line">
            <Text size="sm">
              {t('orders.line', {
                quantity: format.number(typeof line.quantity === 'number' ? line.quantity : Number(line.quantity ?? 1)),
                name: str(line.name) ?? str(line.productId) ?? t('orders.unnamedProduct'),
              })}
            </Text>
            {typeof line.priceMinor === 'number' && (
              <Text size="sm" c="dimmed">
                {money(line.priceMinor)}
              </Text>
            )}
          </Group>
        ))}
      </Stack>
    ),
  };
};

/**
 * How each timeline kind is shown. Later capabilities (message, ticket, survey, points) add an
 * entry here; until then they render through {@link describeGeneric}.
 */
const KINDS: Record<string, Describe> = {
  note: ({ data }, t) => ({
    icon: IconNote,
    color: 'yellow',
    title: t('timeline.kinds.note'),
    actor: str(data.authorLabel),
    body: (
      <Text size="sm" className="vafa-pre" data-testid="timeline-note-body">
        {str(data.body)}
      </Text>
    ),
  }),
  task: ({ data }, t, format) => {
    const status = str(data.status);
    return {
    icon: IconSquareCheck,
    color: 'blue',
    title: `${t('timeline.kinds.task')}: ${str(data.title) ?? ''}`,
    body: (
      <Group gap={6}>
        {status && (
          <Badge size="sm" variant="light" color={status === 'done' ? 'teal' : 'blue'}>
            {t(`tasks.status.${status}`, { defaultValue: status })}
          </Badge>
        )}
        {str(data.priority) && data.priority !== 'normal' && (
          <Badge size="sm" variant="outline" color={data.priority === 'urgent' ? 'red' : 'gray'}>
            {t(`tasks.priority.${str(data.priority)}`, { defaultValue: str(data.priority) ?? '' })}
          </Badge>
        )}
        {str(data.dueAt) && (
          <Text size="xs" c="dimmed">
            {t('tasks.due', { date: format.date(str(data.dueAt)) })}
          </Text>
        )}
      </Group>
    ),
    };
  },
  activity: ({ data }, t) => {
    const action = str(data.action) ?? '';
    return {
      icon: IconActivity,
      color: 'gray',
      title: t(`timeline.activity.${action}`, { defaultValue: action || t('timeline.kinds.activity') }),
      actor: str(data.actorLabel),
      body: activityDetail(data, t),
    };
  },
  event: describeEvent,
  order: describeOrder,
  message: ({ data }, t) => ({
    icon: IconMessage,
    color: 'grape',
    title: t('timeline.kinds.message'),
    body: <DataSummary data={data} />,
  }),
};

export const describeGeneric: Describe = ({ kind, data }, t) => ({
  icon: IconCircleDot,
  color: 'gray',
  title: t(`timeline.kinds.${kind}`, { defaultValue: kind }),
  actor: str(data.actorLabel),
  body: <DataSummary data={data} skip={['actorLabel']} />,
});

export function describe(entry: TimelineEntry, t: TFunction, format: Formatter): TimelineView {
  return (KINDS[entry.kind] ?? describeGeneric)(entry, t, format);
}
