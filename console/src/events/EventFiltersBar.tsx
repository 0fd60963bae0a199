import { Autocomplete, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { IconBolt, IconSearch } from '@tabler/icons-react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { type Customer, EVENT_TYPES, type EventType } from '../api/types';
import { customerKeys } from '../customers/queries';
import { type EventFilters, useCustomerSearch, useEventSchemas } from './queries';

function useCustomerLabel() {
  const { t } = useTranslation();
  return (c: Customer) => {
    const name = c.displayName && c.displayName !== '—' ? c.displayName : [c.firstName, c.lastName].filter(Boolean).join(' ');
    return name || c.emails[0] || c.phones[0] || t('events.visitor');
  };
}

/** Name (suggested from the observed schema, applied after typing stops), customer and type. */
export function EventFiltersBar({ filters, onChange }: { filters: EventFilters; onChange: (next: EventFilters) => void }) {
  const { t } = useTranslation();
  const label = useCustomerLabel();
  const schemas = useEventSchemas();
  const [name, setName] = useState(filters.name ?? '');
  const [debouncedName] = useDebouncedValue(name, 300);
  const latest = useRef({ filters, onChange });
  latest.current = { filters, onChange };

  useEffect(() => {
    const { filters: current, onChange: apply } = latest.current;
    const next = debouncedName.trim() || undefined;
    if (next !== current.name) apply({ ...current, name: next });
  }, [debouncedName]);

  const [search, setSearch] = useState('');
  const [debouncedSearch] = useDebouncedValue(search, 300);
  const found = useCustomerSearch(debouncedSearch);
  const selected = useQuery({
    queryKey: customerKeys.detail(filters.customerId ?? ''),
    queryFn: ({ signal }) => api.get<Customer>(`/api/v1/customers/${encodeURIComponent(filters.customerId ?? '')}`, undefined, signal),
    enabled: Boolean(filters.customerId),
  });

  const names = useMemo(() => [...new Set((schemas.data ?? []).map((s) => s.name).filter((n): n is string => Boolean(n)))].sort(), [schemas.data]);
  const customers = [...(selected.data ? [selected.data] : []), ...(found.data ?? []).filter((c) => c.id !== selected.data?.id)];

  return (
    <>
      <Autocomplete
        value={name}
        onChange={setName}
        data={names}
        placeholder={t('events.filters.name')}
        aria-label={t('events.filters.name')}
        leftSection={<IconBolt size={16} />}
        clearable
        w={220}
        data-testid="filter-event-name"
      />
      <Select
        searchable
        clearable
        searchValue={search}
        onSearchChange={setSearch}
        filter={({ options }) => options}
        data={customers.map((c) => ({ value: c.id, label: label(c) }))}
        value={filters.customerId ?? null}
        onChange={(value) => onChange({ ...filters, customerId: value ?? undefined })}
        placeholder={t('events.filters.customerSearch')}
        aria-label={t('events.filters.customer')}
        leftSection={<IconSearch size={16} />}
        nothingFoundMessage={debouncedSearch ? t('customers.noMatches') : undefined}
        w={240}
        data-testid="filter-event-customer"
      />
      <Select
        data={EVENT_TYPES.map((type) => ({ value: type, label: t(`events.types.${type}`) }))}
        value={filters.type ?? null}
        onChange={(value) => onChange({ ...filters, type: (value as EventType | null) ?? undefined })}
        placeholder={t('events.filters.type')}
        aria-label={t('events.filters.type')}
        clearable
        w={170}
        data-testid="filter-event-type"
      />
    </>
  );
}
