import { NumberInput, PasswordInput, Select, Switch, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Provider, SettingsProperty } from './types';

/** `ratePerSecond` → `Rate per second`: the label of a field no translation knows. */
const humanize = (key: string) => key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/**
 * The settings form of any driver, generated from its JSON schema: strings, numbers, booleans and
 * enums; secret fields as password inputs that say "stored" instead of showing a value.
 */
export function SettingsFields({ provider, values, storedSecrets, errors, onChange }: {
  provider: Provider;
  values: Record<string, unknown>;
  /** Secret fields that already have a stored value (editing). */
  storedSecrets: ReadonlySet<string>;
  errors: Record<string, string>;
  onChange: (key: string, value: unknown) => void;
}) {
  const { t } = useTranslation();
  const properties = Object.entries(provider.settingsSchema.properties ?? {});
  const required = new Set(provider.settingsSchema.required ?? []);
  return (
    <>
      {properties.map(([key, property]) => {
        const common = {
          label: t(`channelSettings.fields.${key}`, { defaultValue: humanize(key) }),
          description: property.description,
          error: errors[key],
          withAsterisk: required.has(key),
          'data-testid': `channel-field-${key}`,
        };
        return <Field key={key} name={key} property={property} common={common} secret={provider.secrets.includes(key)} stored={storedSecrets.has(key)} value={values[key]} onChange={(v) => onChange(key, v)} />;
      })}
    </>
  );
}

function Field({ name, property, common, secret, stored, value, onChange }: {
  name: string;
  property: SettingsProperty;
  common: { label: string; description?: string | undefined; error?: string | undefined; withAsterisk: boolean; 'data-testid': string };
  secret: boolean;
  stored: boolean;
  value: unknown;
  onChange: (value: unknown) => void;
}) {
  const { t } = useTranslation();
  const props = common;
  if (secret) {
    return (
      <PasswordInput
        {...props}
        description={stored ? t('channelSettings.form.secretHint') : props.description}
        placeholder={stored ? t('channelSettings.form.secretSet') : undefined}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.currentTarget.value)}
        autoComplete="new-password"
        dir="ltr"
        name={name}
      />
    );
  }
  if (property.enum) {
    return <Select {...props} data={property.enum.map(String)} value={value === undefined ? null : String(value)} onChange={(v) => onChange(v ?? undefined)} />;
  }
  if (property.type === 'boolean') {
    return <Switch label={props.label} description={props.description} error={props.error} data-testid={props['data-testid']} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
  }
  if (property.type === 'integer' || property.type === 'number') {
    return (
      <NumberInput
        {...props}
        value={typeof value === 'number' ? value : ''}
        min={property.minimum}
        max={property.maximum}
        allowDecimal={property.type === 'number'}
        onChange={(v) => onChange(typeof v === 'number' ? v : undefined)}
        dir="ltr"
      />
    );
  }
  return <TextInput {...props} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} dir="ltr" name={name} />;
}
