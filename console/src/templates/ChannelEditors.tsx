import { ActionIcon, Button, Fieldset, Group, SegmentedControl, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { emptyContent } from './draft';
import { CONTENT_KINDS, type ContentKind, type Variant } from './types';
import { useInsertTarget } from './variables';

type Dir = 'rtl' | 'ltr';

/** A Liquid text field that remembers itself as the target of the variable menu when focused. */
function LiquidField({ label, value, onChange, dir, multiline, minRows = 2, code, testId, error }: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  dir: Dir;
  multiline?: boolean;
  minRows?: number;
  code?: boolean;
  testId: string;
  error?: string | undefined;
}) {
  const target = useInsertTarget();
  const common = {
    label,
    value,
    dir: code ? ('ltr' as const) : dir,
    error,
    'data-testid': testId,
    onFocus: (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => {
      if (target) target.current = { element: e.currentTarget, set: onChange };
    },
    styles: code ? { input: { fontFamily: 'monospace', fontSize: 13 } } : undefined,
  };
  return multiline ? (
    <Textarea {...common} autosize minRows={minRows} maxRows={24} onChange={(e) => onChange(e.currentTarget.value)} />
  ) : (
    <TextInput {...common} onChange={(e) => onChange(e.currentTarget.value)} />
  );
}

/** The webhook payload is edited as JSON text and only applied while it parses to an object. */
function PayloadField({ value, onChange, testId }: { value: Record<string, unknown>; onChange: (v: Record<string, unknown>) => void; testId: string }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  const [invalid, setInvalid] = useState(false);
  const apply = (next: string) => {
    setText(next);
    try {
      const parsed = JSON.parse(next) as unknown;
      const ok = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
      setInvalid(!ok);
      if (ok) onChange(parsed as Record<string, unknown>);
    } catch {
      setInvalid(true);
    }
  };
  return <LiquidField label={t('templates.fields.payload')} value={text} onChange={apply} dir="ltr" multiline minRows={5} code testId={testId} error={invalid ? t('templates.fields.payloadInvalid') : undefined} />;
}

/** Every channel's content of one language variant, with buttons to add the missing ones. */
export function ChannelEditors({ language, dir, variant, onChange }: { language: string; dir: Dir; variant: Variant; onChange: (variant: Variant) => void }) {
  const { t } = useTranslation();
  const set = <K extends ContentKind>(kind: K, content: Variant[K] | undefined) => {
    const next = { ...variant };
    if (content === undefined) delete next[kind];
    else next[kind] = content;
    onChange(next);
  };
  const id = (path: string) => `field-${language}-${path}`;
  const present = CONTENT_KINDS.filter((k) => variant[k] !== undefined);
  const missing = CONTENT_KINDS.filter((k) => variant[k] === undefined);
  const section = (kind: ContentKind, children: React.ReactNode) => (
    <Fieldset
      key={kind}
      legend={
        <Group gap={6}>
          <Text fw={600} size="sm">
            {t(`templates.kinds.${kind}`)}
          </Text>
          <ActionIcon size="sm" variant="subtle" color="red" aria-label={t('templates.editor.removeChannel')} onClick={() => set(kind, undefined)} data-testid={`remove-${language}-${kind}`}>
            <IconTrash size={14} />
          </ActionIcon>
        </Group>
      }
    >
      <Stack gap="xs">{children}</Stack>
    </Fieldset>
  );

  const editorFor = (kind: ContentKind) => {
    switch (kind) {
      case 'email': {
        const e = variant.email!;
        return section(
          kind,
          <>
            <LiquidField label={t('templates.fields.subject')} value={e.subject} onChange={(subject) => set('email', { ...e, subject })} dir={dir} testId={id('email.subject')} />
            <SegmentedControl size="xs" value={e.format} onChange={(format) => set('email', { ...e, format: format as 'mjml' | 'html' })} data={[{ value: 'mjml', label: 'MJML' }, { value: 'html', label: 'HTML' }]} />
            <LiquidField label={t('templates.fields.body')} value={e.body} onChange={(body) => set('email', { ...e, body })} dir={dir} multiline minRows={8} code testId={id('email.body')} />
            <LiquidField label={t('templates.fields.text')} value={e.text ?? ''} onChange={(text) => set('email', { ...e, text })} dir={dir} multiline testId={id('email.text')} />
          </>,
        );
      }
      case 'sms':
        return section(kind, <LiquidField label={t('templates.fields.smsText')} value={variant.sms!.text} onChange={(text) => set('sms', { text })} dir={dir} multiline minRows={3} testId={id('sms.text')} />);
      case 'messenger': {
        const m = variant.messenger!;
        return section(
          kind,
          <>
            <LiquidField label={t('templates.fields.messengerText')} value={m.text} onChange={(text) => set('messenger', { ...m, text })} dir={dir} multiline minRows={3} testId={id('messenger.text')} />
            <Group grow>
              <LiquidField label={t('templates.fields.buttonText')} value={m.buttonText ?? ''} onChange={(buttonText) => set('messenger', { ...m, buttonText })} dir={dir} testId={id('messenger.buttonText')} />
              <LiquidField label={t('templates.fields.buttonUrl')} value={m.buttonUrl ?? ''} onChange={(buttonUrl) => set('messenger', { ...m, buttonUrl })} dir="ltr" code testId={id('messenger.buttonUrl')} />
            </Group>
          </>,
        );
      }
      case 'push': {
        const p = variant.push!;
        return section(
          kind,
          <>
            <LiquidField label={t('templates.fields.pushTitle')} value={p.title} onChange={(title) => set('push', { ...p, title })} dir={dir} testId={id('push.title')} />
            <LiquidField label={t('templates.fields.pushBody')} value={p.body} onChange={(body) => set('push', { ...p, body })} dir={dir} multiline testId={id('push.body')} />
            <LiquidField label={t('templates.fields.pushUrl')} value={p.url ?? ''} onChange={(url) => set('push', { ...p, url })} dir="ltr" code testId={id('push.url')} />
          </>,
        );
      }
      case 'whatsapp': {
        const w = variant.whatsapp!;
        return section(
          kind,
          <>
            <Group grow>
              <TextInput label={t('templates.fields.templateName')} value={w.templateName ?? ''} onChange={(e) => set('whatsapp', { ...w, templateName: e.currentTarget.value })} dir="ltr" data-testid={id('whatsapp.templateName')} />
              <TextInput label={t('templates.fields.templateLanguage')} value={w.templateLanguage ?? ''} placeholder={language} onChange={(e) => set('whatsapp', { ...w, templateLanguage: e.currentTarget.value })} dir="ltr" />
            </Group>
            <LiquidField label={t('templates.fields.parameters')} value={w.parameters.join('\n')} onChange={(v) => set('whatsapp', { ...w, parameters: v.split('\n') })} dir={dir} multiline testId={id('whatsapp.parameters')} />
            <LiquidField label={t('templates.fields.freeText')} value={w.text ?? ''} onChange={(text) => set('whatsapp', { ...w, text })} dir={dir} multiline testId={id('whatsapp.text')} />
          </>,
        );
      }
      case 'webhook':
        return section(kind, <PayloadField value={variant.webhook!.payload} onChange={(payload) => set('webhook', { payload })} testId={id('webhook.payload')} />);
    }
  };

  return (
    <Stack gap="md">
      {present.length === 0 && (
        <Text c="dimmed" size="sm">
          {t('templates.editor.noChannel')}
        </Text>
      )}
      {present.map((kind) => editorFor(kind))}
      {missing.length > 0 && (
        <Group gap="xs">
          <Text size="sm" c="dimmed">
            {t('templates.editor.addChannel')}
          </Text>
          {missing.map((kind) => (
            <Button key={kind} size="xs" variant="default" leftSection={<IconPlus size={12} />} onClick={() => set(kind, emptyContent(kind) as Variant[typeof kind])} data-testid={`add-${language}-${kind}`}>
              {t(`templates.kinds.${kind}`)}
            </Button>
          ))}
        </Group>
      )}
    </Stack>
  );
}
