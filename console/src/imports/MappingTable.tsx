import { Select, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ImportPreview, Mapping } from './types';

/** A field's name in the console's language (`attribute:tier` → “Attribute: tier”). */
export function useFieldLabel(): (field: string) => string {
  const { t } = useTranslation();
  return (field) =>
    field.startsWith('attribute:')
      ? t('imports.fields.attribute', { key: field.slice('attribute:'.length) })
      : t(`imports.fields.${field}` as 'imports.fields.email', { defaultValue: field });
}

/** One line per column of the file: its first values and a select of what it is imported as. */
export function MappingTable({ preview, mapping, onChange }: { preview: ImportPreview; mapping: Mapping; onChange: (mapping: Mapping) => void }) {
  const { t } = useTranslation();
  const label = useFieldLabel();
  const options = [{ value: '', label: t('imports.preview.ignore') }, ...preview.fields.map((f) => ({ value: f, label: label(f) }))];
  // First values of each column, each isolated (U+2068 … U+2069) so that Persian and Latin values keep their own direction.
  const rows = preview.columns.map((column, index) => ({
    id: `${index}:${column}`,
    column,
    index,
    samples: preview.rows
      .slice(0, 3)
      .map((r) => r[index] ?? '')
      .filter(Boolean)
      .map((v) => `\u2068${v}\u2069`)
      .join(' · '),
  }));
  const set = (column: string, field: string | null) => {
    const next = { ...mapping };
    if (field) next[column] = { field };
    else delete next[column];
    onChange(next);
  };
  return (
    <Table.ScrollContainer minWidth={560}>
      <Table verticalSpacing="xs" data-testid="import-mapping">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('imports.preview.column')}</Table.Th>
            <Table.Th>{t('imports.preview.sample')}</Table.Th>
            <Table.Th w={240}>{t('imports.preview.field')}</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map(({ id, column, index, samples }) => (
            <Table.Tr key={id} data-testid="import-mapping-row">
              <Table.Td>
                <Text fw={500} size="sm">
                  {column}
                </Text>
              </Table.Td>
              <Table.Td>
                <Text size="xs" c="dimmed" className="vafa-clamp">
                  {samples}
                </Text>
              </Table.Td>
              <Table.Td>
                <Select
                  size="xs"
                  data={options}
                  value={mapping[column]?.field ?? ''}
                  onChange={(value) => set(column, value)}
                  allowDeselect={false}
                  searchable
                  aria-label={column}
                  data-testid={`import-map-${index}`}
                />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
