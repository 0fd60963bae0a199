import { CloseButton, Group, Select, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconBuilding, IconSearch, IconTag } from '@tabler/icons-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CONSENT_CHANNELS } from '../api/types';
import type { CustomerFilters } from './queries';

/** Search (debounced) and filters; text filters apply after typing stops. */
export function CustomerFiltersBar({ filters, onChange }: { filters: CustomerFilters; onChange: (next: CustomerFilters) => void }) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState({ q: filters.q ?? '', tag: filters.tag ?? '', city: filters.city ?? '' });
  const [debounced] = useDebouncedValue(draft, 300);
  const latest = useRef({ filters, onChange });
  latest.current = { filters, onChange };

  useEffect(() => {
    const { filters: current, onChange: apply } = latest.current;
    const same = (['q', 'tag', 'city'] as const).every((k) => (current[k] ?? '') === debounced[k].trim());
    if (!same) apply({ ...current, q: debounced.q, tag: debounced.tag, city: debounced.city });
  }, [debounced]);

  const text = (key: 'q' | 'tag' | 'city') => ({
    value: draft[key],
    onChange: (e: React.ChangeEvent<HTMLInputElement>) => {
      const value = e.currentTarget.value;
      setDraft((d) => ({ ...d, [key]: value }));
    },
    rightSection: draft[key] ? (
      <CloseButton size="sm" aria-label={t('common.clear')} onClick={() => setDraft((d) => ({ ...d, [key]: '' }))} />
    ) : null,
  });

  return (
    <Group gap="sm" align="flex-end" wrap="wrap">
      <TextInput
        {...text('q')}
        type="search"
        placeholder={t('customers.searchPlaceholder')}
        aria-label={t('customers.search')}
        leftSection={<IconSearch size={16} />}
        style={{ flex: '1 1 260px' }}
        data-testid="customer-search"
      />
      <TextInput
        {...text('tag')}
        placeholder={t('customers.filters.tag')}
        aria-label={t('customers.filters.tag')}
        leftSection={<IconTag size={16} />}
        w={160}
        data-testid="filter-tag"
      />
      <TextInput
        {...text('city')}
        placeholder={t('customers.filters.city')}
        aria-label={t('customers.filters.city')}
        leftSection={<IconBuilding size={16} />}
        w={160}
        data-testid="filter-city"
      />
      <Select
        placeholder={t('customers.filters.consent')}
        aria-label={t('customers.filters.consent')}
        data={CONSENT_CHANNELS.map((c) => ({ value: c, label: t(`channels.${c}`) }))}
        value={filters.consent ?? null}
        onChange={(value) => onChange({ ...filters, consent: value ?? undefined })}
        clearable
        w={190}
        data-testid="filter-consent"
      />
    </Group>
  );
}
