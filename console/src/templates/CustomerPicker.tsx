import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useCustomerSearch } from './queries';

/** A real customer, found by name, email or phone (server-side search, debounced): template preview and journey simulation pick one. */
export function CustomerPicker(props: { label: string; placeholder: string; value: string | null; onChange: (id: string | null) => void; testId: string }) {
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const customers = useCustomerSearch(debounced);
  return (
    <Select
      label={props.label}
      placeholder={props.placeholder}
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      // The server already filtered by the search text.
      filter={({ options }) => options}
      data={(customers.data ?? []).map((c) => ({ value: c.id, label: c.displayName ?? c.emails[0] ?? c.phones[0] ?? c.id }))}
      value={props.value}
      onChange={props.onChange}
      data-testid={props.testId}
    />
  );
}
