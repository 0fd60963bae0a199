import { Alert, Badge, Card, Group, Loader, Select, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { useFormat } from '../i18n/format';
import { cleanDraft, kindsOf } from './draft';
import { CustomerPicker } from './CustomerPicker';
import { usePreview } from './queries';
import { type ContentKind, PREVIEW_CHANNEL, type Preview, type TemplateInput, type Warning } from './types';

/**
 * Renders the draft as it is being written, for a real customer the author picks, through the same
 * code that sends it. A syntax error comes back with its field, line and column.
 */
export function PreviewPane({ draft, savedWarnings }: { draft: TemplateInput; savedWarnings: Warning[] }) {
  const { t } = useTranslation();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const kinds = kindsOf(draft);
  const [kind, setKind] = useState<ContentKind | null>(null);
  const activeKind = kind && kinds.includes(kind) ? kind : (kinds[0] ?? null);
  const languages = Object.keys(draft.variants);
  const [language, setLanguage] = useState<string | null>(null);
  const preview = usePreview();
  const [debouncedDraft] = useDebouncedValue(draft, 500);
  const [result, setResult] = useState<{ preview?: Preview; error?: unknown } | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `preview.mutate` is stable; re-render on what the preview depends on only.
  useEffect(() => {
    if (!customerId || !activeKind) return;
    preview.mutate(
      { template: { ...cleanDraft(debouncedDraft), name: debouncedDraft.name.trim() || 'draft' }, customerId, channel: PREVIEW_CHANNEL[activeKind], ...(language ? { language } : {}) },
      { onSuccess: (p) => setResult({ preview: p }), onError: (error) => setResult({ error }) },
    );
  }, [debouncedDraft, customerId, activeKind, language]);

  const warnings = result?.preview?.warnings ?? savedWarnings;
  const p = result?.preview;
  const error = result?.error;

  return (
    <Stack gap="sm" data-testid="template-preview">
      <Group justify="space-between">
        <Title order={4}>{t('templates.preview.title')}</Title>
        {preview.isPending && <Loader size="xs" />}
      </Group>
      <CustomerPicker label={t('templates.preview.customer')} placeholder={t('templates.preview.customerPlaceholder')} value={customerId} onChange={setCustomerId} testId="preview-customer" />
      <Group grow>
        <Select label={t('templates.preview.channel')} data={kinds.map((k) => ({ value: k, label: t(`templates.kinds.${k}`) }))} value={activeKind} onChange={(v) => setKind(v as ContentKind | null)} allowDeselect={false} data-testid="preview-channel" />
        <Select label={t('templates.preview.language')} data={languages} value={language} onChange={setLanguage} clearable placeholder={t('templates.preview.auto')} data-testid="preview-language" />
      </Group>
      {!customerId && (
        <Text size="sm" c="dimmed">
          {t('templates.preview.pickCustomer')}
        </Text>
      )}
      {customerId && error !== undefined && (
        <Alert color="red" icon={<IconAlertTriangle size={16} />} data-testid="preview-error">
          <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
            {isApiError(error) ? error.message : String(error)}
          </Text>
        </Alert>
      )}
      {customerId && p && error === undefined && <Rendered preview={p} />}
      <Card withBorder padding="sm" data-testid="template-warnings">
        <Text fw={600} size="sm" mb={4}>
          {t('templates.warnings.title')}
        </Text>
        {warnings.length === 0 ? (
          <Group gap={4}>
            <IconCheck size={14} color="var(--mantine-color-teal-6)" />
            <Text size="sm" c="dimmed">
              {t('templates.warnings.none')}
            </Text>
          </Group>
        ) : (
          <Stack gap={4}>
            {warnings.map((w) => (
              <Group key={`${w.code}-${w.field}`} gap={6} wrap="nowrap" align="flex-start" data-testid="template-warning" data-code={w.code}>
                <IconAlertTriangle size={14} color="var(--mantine-color-orange-6)" style={{ flexShrink: 0, marginTop: 3 }} />
                <Text size="sm" dir="auto">
                  {w.message} <Text span c="dimmed" size="xs" dir="ltr">({w.field})</Text>
                </Text>
              </Group>
            ))}
          </Stack>
        )}
      </Card>
    </Stack>
  );
}

function Rendered({ preview }: { preview: Preview }) {
  const { t } = useTranslation();
  const format = useFormat();
  const dir = ['fa', 'ar'].includes(preview.language.split('-')[0] ?? '') ? 'rtl' : 'ltr';
  return (
    <Card withBorder padding="sm" data-testid="preview-rendered" data-language={preview.language}>
      <Stack gap="xs">
        <Badge variant="light" w="fit-content">
          {t('templates.preview.rendered', { language: preview.language })}
        </Badge>
        {preview.subject !== undefined && (
          <Text size="sm" dir={dir} data-testid="preview-subject">
            <Text span fw={600}>
              {t('templates.preview.subject')}:
            </Text>{' '}
            {preview.subject}
          </Text>
        )}
        {preview.html !== undefined ? (
          // The rendered email runs no script and reaches nothing: an empty sandbox.
          <iframe title={t('templates.preview.title')} sandbox="" srcDoc={preview.html} style={{ width: '100%', height: 420, border: '1px solid var(--mantine-color-gray-3)', borderRadius: 4, background: 'white' }} data-testid="preview-email" />
        ) : (
          <Text size="sm" dir={dir} style={{ whiteSpace: 'pre-wrap' }} data-testid="preview-text">
            {preview.text}
          </Text>
        )}
        {preview.url && (
          <Text size="xs" c="dimmed" data-testid="preview-url">
            {preview.buttonText ? `${t('templates.preview.button')}: ${preview.buttonText} → ` : ''}
            <span dir="ltr">{preview.url}</span>
          </Text>
        )}
        {preview.template && (
          <Text size="sm" data-testid="preview-parameters">
            {t('templates.preview.parameters')}: {preview.template.name} ({preview.template.language}) — {preview.template.parameters.join(' | ')}
          </Text>
        )}
        {preview.sms && (
          <Text size="xs" c="dimmed" data-testid="preview-segments">
            {t('templates.preview.segments', { segments: format.number(preview.sms.segments), units: format.number(preview.sms.units), encoding: preview.sms.encoding === 'ucs2' ? 'UCS-2' : 'GSM-7' })}
          </Text>
        )}
      </Stack>
    </Card>
  );
}
