import { Badge, Group, Text } from '@mantine/core';
import {
  type Icon,
  IconActivity,
  IconCircleDot,
  IconMessage,
  IconNote,
  IconSquareCheck,
} from '@tabler/icons-react';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import type { TimelineEntry } from '../api/types';
import type { Formatter } from '../i18n/format';

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

/**
 * How each timeline kind is shown. Later capabilities (event, order, message, ticket, survey,
 * points) add an entry here; until then they render through {@link describeGeneric}.
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
