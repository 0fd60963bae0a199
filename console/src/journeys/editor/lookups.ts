import { useMemo } from 'react';
import type { AttributeDefinition, EventSchema, Member } from '../../api/types';
import { useChannels } from '../../channels/queries';
import { useEventSchemas } from '../../events/queries';
import { useSegments } from '../../segments/queries';
import type { Segment } from '../../segments/types';
import { useAttributeDefinitions } from '../../settings/attributes/queries';
import { useMembers } from '../../settings/team/queries';
import { useTemplates } from '../../templates/queries';
import type { TemplateSummary } from '../../templates/types';

/** What the step and settings forms pick from: the workspace's templates, channels, segments, members, attributes and events. */
export interface Lookups {
  templates: TemplateSummary[];
  /** Kinds with an enabled channel. */
  channelKinds: string[];
  segments: Segment[];
  members: Member[];
  attributes: AttributeDefinition[];
  eventNames: string[];
  names: { template: (id: string) => string | undefined; segment: (id: string) => string | undefined };
}

export function useLookups(): Lookups {
  const templates = useTemplates();
  const channels = useChannels();
  const segments = useSegments('');
  const members = useMembers();
  const attributes = useAttributeDefinitions();
  const schemas = useEventSchemas();
  return useMemo(() => {
    const t = templates.data ?? [];
    const s = segments.data?.pages.flatMap((p) => p.data) ?? [];
    const templateNames = new Map(t.map((x) => [x.id, x.name]));
    const segmentNames = new Map(s.map((x) => [x.id, x.name]));
    return {
      templates: t,
      channelKinds: [...new Set((channels.data ?? []).filter((c) => c.enabled).map((c) => c.kind))],
      segments: s,
      members: members.data ?? [],
      attributes: attributes.data ?? [],
      eventNames: trackNames(schemas.data ?? []),
      names: { template: (id: string) => templateNames.get(id), segment: (id: string) => segmentNames.get(id) },
    };
  }, [templates.data, channels.data, segments.data, members.data, attributes.data, schemas.data]);
}

function trackNames(schemas: readonly EventSchema[]): string[] {
  const names = new Set(['Order Completed', 'Product Added', 'Checkout Started', 'Product Viewed']);
  for (const s of schemas) if (s.type === 'track' && s.name) names.add(s.name);
  return [...names].sort();
}
