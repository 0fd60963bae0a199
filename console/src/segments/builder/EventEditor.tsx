import { ActionIcon, Autocomplete, Button, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { COUNT_OPERATORS, EVENT_TYPES, type EventCondition, PROPERTY_OPERATORS, type PropertyFilter } from '../types';
import { eventNamesOf, propertyNamesOf, useBuilder, useFieldErrors } from './context';

const NUMERIC = new Set(['gt', 'gte', 'lt', 'lte']);
const MAX_PROPERTY_FILTERS = 10;

/**
 * A property value as typed. The server compares JSON values exactly (`"12"` is not `12`), so
 * the type comes from the operator (numeric comparisons) or from what the event schema has seen
 * for the property; text otherwise.
 */
function parseValue(text: string, operator: PropertyFilter['operator'], seenType: string | undefined): string | number | boolean | undefined {
  if (text === '') return undefined;
  const numeric = /^-?\d+(\.\d+)?$/.test(text.trim());
  if (NUMERIC.has(operator) || seenType === 'number') return numeric ? Number(text) : text;
  if (seenType === 'boolean' && (text === 'true' || text === 'false')) return text === 'true';
  return text;
}

/** The type most often seen for an event property (`number`, `string`, `boolean`…). */
function seenTypeOf(schemas: ReturnType<typeof useBuilder>['eventSchemas'], type: string, name: string, path: string): string | undefined {
  const property = schemas.find((s) => s.type === type && s.name === name)?.properties.find((p) => p.name === path);
  return property?.types.slice().sort((a, b) => b.count - a.count)[0]?.type;
}

/** Did / did not do an event, how often, in which window, with property filters. */
export function EventEditor({ condition, onChange, prefix }: { condition: EventCondition; onChange: (next: EventCondition) => void; prefix: string }) {
  const { t } = useTranslation();
  const { eventSchemas } = useBuilder();
  const errorFor = useFieldErrors(prefix);
  const eventType = condition.eventType ?? 'track';
  const properties = condition.properties ?? [];
  const setProperties = (next: PropertyFilter[]) => onChange({ ...condition, properties: next.length > 0 ? next : undefined });
  const propertyNames = propertyNamesOf(eventSchemas, eventType, condition.name);

  return (
    <Stack gap="xs">
      <Group gap="xs" align="flex-start">
        <Select
          aria-label={t('segments.event.did')}
          data={(['did', 'did_not'] as const).map((op) => ({ value: op, label: t(`segments.event.${op}`) }))}
          value={condition.operator}
          onChange={(op) => op && onChange({ ...condition, operator: op as EventCondition['operator'], count: op === 'did_not' ? undefined : condition.count })}
          allowDeselect={false}
          w={140}
          data-testid="event-operator"
        />
        <Select
          aria-label={t('segments.event.eventType')}
          data={EVENT_TYPES.map((type) => ({ value: type, label: t(`segments.event.eventTypes.${type}`) }))}
          value={eventType}
          onChange={(type) => type && onChange({ ...condition, eventType: type as EventCondition['eventType'] })}
          allowDeselect={false}
          w={140}
          data-testid="event-type"
        />
        <Autocomplete
          aria-label={t('segments.event.name')}
          placeholder={t('segments.event.namePlaceholder')}
          data={eventNamesOf(eventSchemas, eventType)}
          value={condition.name}
          onChange={(name) => onChange({ ...condition, name })}
          error={errorFor('name')}
          w={240}
          data-testid="event-name"
        />
        {condition.operator === 'did' && (
          <Group gap={6} wrap="nowrap" align="flex-start">
            <Select
              aria-label={t('segments.event.count')}
              data={[{ value: 'any', label: t('segments.event.anyCount') }, ...COUNT_OPERATORS.map((op) => ({ value: op, label: t(`segments.event.countOperators.${op}`) }))]}
              value={condition.count?.operator ?? 'any'}
              onChange={(op) =>
                onChange({ ...condition, count: !op || op === 'any' ? undefined : { operator: op as (typeof COUNT_OPERATORS)[number], value: condition.count?.value ?? 2 } })
              }
              allowDeselect={false}
              w={150}
              data-testid="event-count-operator"
            />
            {condition.count && (
              <NumberInput
                aria-label={t('segments.event.times')}
                value={condition.count.value}
                onChange={(v) => condition.count && onChange({ ...condition, count: { ...condition.count, value: typeof v === 'number' ? v : 0 } })}
                min={0}
                allowDecimal={false}
                suffix={` ${t('segments.event.times')}`}
                error={errorFor('count.value')}
                w={120}
                data-testid="event-count"
              />
            )}
          </Group>
        )}
        <Group gap={6} wrap="nowrap" align="flex-start">
          <Select
            aria-label={t('segments.event.window')}
            data={[
              { value: 'ever', label: t('segments.event.ever') },
              { value: 'window', label: t('segments.event.inLast') },
            ]}
            value={condition.days === undefined ? 'ever' : 'window'}
            onChange={(v) => onChange({ ...condition, days: v === 'window' ? 30 : undefined })}
            allowDeselect={false}
            w={140}
            data-testid="event-window"
          />
          {condition.days !== undefined && (
            <NumberInput
              aria-label={t('segments.operands.days')}
              value={condition.days}
              onChange={(v) => onChange({ ...condition, days: typeof v === 'number' ? v : 0 })}
              min={0}
              allowDecimal={false}
              suffix={` ${t('segments.event.days')}`}
              error={errorFor('days')}
              w={150}
              data-testid="event-days"
            />
          )}
        </Group>
      </Group>

      {properties.map((filter, i) => {
        const set = (patch: Partial<PropertyFilter>) => setProperties(properties.map((p, j) => (j === i ? { ...p, ...patch } : p)));
        const needsValue = filter.operator !== 'exists' && filter.operator !== 'not_exists';
        const seen = seenTypeOf(eventSchemas, eventType, condition.name, filter.path);
        const text = filter.value === undefined ? '' : String(filter.value);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: filters have no identity but their position
          <Group key={i} gap="xs" align="flex-start" ps="md" data-testid="event-property">
            <Text size="sm" mt={6} c="dimmed">
              {t('segments.event.properties')}
            </Text>
            <Autocomplete
              aria-label={t('segments.event.property')}
              placeholder={t('segments.event.property')}
              data={propertyNames}
              value={filter.path}
              onChange={(path) => set({ path })}
              error={errorFor(`properties.${i}.path`)}
              w={200}
              data-testid="event-property-path"
            />
            <Select
              aria-label={t('segments.condition.type')}
              data={PROPERTY_OPERATORS.map((op) => ({ value: op, label: t(`segments.event.propertyOperators.${op}`) }))}
              value={filter.operator}
              onChange={(op) => op && set({ operator: op as PropertyFilter['operator'], value: parseValue(text, op as PropertyFilter['operator'], seen) })}
              allowDeselect={false}
              w={130}
              data-testid="event-property-operator"
            />
            {needsValue && (
              <TextInput
                aria-label={t('segments.operands.value')}
                placeholder={t('segments.operands.value')}
                value={text}
                onChange={(e) => set({ value: parseValue(e.currentTarget.value, filter.operator, seen) })}
                error={errorFor(`properties.${i}.value`)}
                w={180}
                data-testid="event-property-value"
              />
            )}
            <ActionIcon variant="subtle" color="gray" mt={4} aria-label={t('segments.event.removeProperty')} onClick={() => setProperties(properties.filter((_, j) => j !== i))}>
              <IconX size={16} />
            </ActionIcon>
          </Group>
        );
      })}
      {properties.length < MAX_PROPERTY_FILTERS && (
        <Group ps="md">
          <Button
            size="compact-xs"
            variant="subtle"
            leftSection={<IconPlus size={14} />}
            onClick={() => setProperties([...properties, { path: propertyNames[0] ?? '', operator: 'equals' }])}
            data-testid="event-add-property"
          >
            {t('segments.event.addProperty')}
          </Button>
        </Group>
      )}
    </Stack>
  );
}
