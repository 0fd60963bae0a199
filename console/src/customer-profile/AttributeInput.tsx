import { Select, TagsInput, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AttributeDefinition } from '../api/types';
import type { AttributeDraft } from './editDraft';

/** The input that fits a custom attribute's type. */
export function AttributeInput({ definition, value, error, onChange }: {
  definition: AttributeDefinition;
  value: AttributeDraft;
  error?: string;
  onChange: (value: AttributeDraft) => void;
}) {
  const { t } = useTranslation();
  const common = { label: definition.label, error, 'data-testid': `edit-attribute-${definition.key}` };
  const text = typeof value === 'string' ? value : '';

  switch (definition.type) {
    case 'list':
      return <TagsInput {...common} value={Array.isArray(value) ? value : []} onChange={onChange} />;
    case 'enum':
      return (
        <Select {...common} data={definition.options} value={text || null} onChange={(v) => onChange(v ?? '')} clearable />
      );
    case 'boolean':
      return (
        <Select
          {...common}
          data={[
            { value: 'true', label: t('common.yes') },
            { value: 'false', label: t('common.no') },
          ]}
          value={text || null}
          onChange={(v) => onChange(v ?? '')}
          clearable
        />
      );
    case 'number':
      return <TextInput {...common} inputMode="decimal" dir="ltr" value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
    case 'date':
      return <TextInput {...common} type="date" dir="ltr" value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
    default:
      return <TextInput {...common} value={text} onChange={(e) => onChange(e.currentTarget.value)} />;
  }
}
