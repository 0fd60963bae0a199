import { Badge, Button, Grid, Group, Paper, SegmentedControl, Stack, Text, Textarea, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconDeviceFloppy } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { moneyInputFactor } from '../analytics/format';
import { useAnalyticsSettings, useAnalyticsStatus } from '../analytics/queries';
import { isApiError } from '../api/client';
import { useEventSchemas } from '../events/queries';
import { useFormat } from '../i18n/format';
import { isLanguage, type Language } from '../i18n/language';
import { fieldOf, useNotifyError, useNotifySuccess, withoutFieldPrefix } from '../shared/errors';
import { useAttributeDefinitions } from '../settings/attributes/queries';
import { Loading, QueryError } from '../shared/states';
import { BackLink } from './BackLink';
import { BuilderProvider, type BuilderContextValue } from './builder/context';
import { GroupEditor } from './builder/GroupEditor';
import { PreviewPanel } from './PreviewPanel';
import { useCreateSegment, useSegment, useSegmentPreview, useUpdateSegment } from './queries';
import { emptyGroup, isComplete, toApiRule } from './rules';
import type { RuleGroup, Segment, SegmentKind } from './types';

interface Draft {
  name: string;
  description: string;
  kind: SegmentKind;
  rules: RuleGroup;
}

const PREVIEW_DEBOUNCE_MS = 400;

/** `/segments/new` and `/segments/:id/edit`. */
export function SegmentEditorPage() {
  const { id } = useParams();
  const existing = useSegment(id);
  if (id && existing.isPending) return <Loading testId="segment-editor-loading" />;
  if (id && existing.isError) return <QueryError error={existing.error} onRetry={() => void existing.refetch()} />;
  return <SegmentEditor key={id ?? 'new'} segment={id ? existing.data : undefined} />;
}

function SegmentEditor({ segment }: { segment: Segment | undefined }) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const format = useFormat();
  const notify = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const language: Language = isLanguage(i18n.language) ? i18n.language : 'en';
  const [draft, setDraft] = useState<Draft>(() => ({
    name: segment?.name ?? '',
    description: segment?.description ?? '',
    kind: segment?.kind ?? 'dynamic',
    rules: segment?.rules ?? emptyGroup(),
  }));
  const [saveError, setSaveError] = useState<{ field: string; message: string } | null>(null);
  const change = (patch: Partial<Draft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setSaveError(null);
  };

  const attributes = useAttributeDefinitions();
  const schemas = useEventSchemas();
  const settings = useAnalyticsSettings();
  const status = useAnalyticsStatus();
  const currency = status.data?.currency ?? 'USD';

  const manual = draft.kind === 'manual';
  const apiRules = useMemo(() => JSON.stringify(toApiRule(draft.rules)), [draft.rules]);
  const [debounced] = useDebouncedValue(apiRules, PREVIEW_DEBOUNCE_MS);
  const debouncedComplete = useMemo(() => isComplete(JSON.parse(debounced) as RuleGroup), [debounced]);
  const preview = useSegmentPreview(debounced, !manual && debouncedComplete);

  // The save's error first; else the live preview's, which names the same paths.
  const previewError = preview.isError && isApiError(preview.error) && preview.error.field ? { field: preview.error.field, message: preview.error.message } : null;
  const rulesError = [saveError, previewError].find((e) => e?.field.startsWith('rules')) ?? null;

  const builder: BuilderContextValue = {
    attributes: attributes.data ?? [],
    eventSchemas: schemas.data ?? [],
    language,
    // Persian readers see Jalali dates everywhere in the console; others get the workspace's calendar.
    calendar: language === 'fa' ? 'jalali' : (settings.data?.calendar ?? 'gregorian'),
    money: { factor: moneyInputFactor(currency, language), label: currency.toUpperCase() === 'IRR' && language === 'fa' ? 'تومان' : currency.toUpperCase() },
    error: rulesError,
  };

  const create = useCreateSegment();
  const update = useUpdateSegment(segment?.id ?? '');
  const saving = create.isPending || update.isPending;

  const onError = (error: unknown) => {
    const field = isApiError(error) ? error.field : undefined;
    if (isApiError(error) && field && (field.startsWith('rules') || ['name', 'description'].includes(fieldOf(error) ?? ''))) {
      setSaveError({ field, message: error.message });
    } else {
      notify(error);
    }
  };

  const save = () => {
    const rules = manual ? undefined : (JSON.parse(apiRules) as RuleGroup);
    const description = draft.description.trim() || null;
    const onSuccess = (saved: Segment) => {
      notifySuccess(t('segments.editor.saved'));
      navigate(`/segments/${saved.id}`);
    };
    if (segment) update.mutate({ name: draft.name, description, ...(rules ? { rules } : {}) }, { onSuccess, onError });
    else create.mutate({ name: draft.name, description, kind: draft.kind, ...(rules ? { rules } : {}) }, { onSuccess, onError });
  };

  const errorOn = (field: string) => (saveError?.field === field ? withoutFieldPrefix(saveError) : undefined);

  return (
    <Stack gap="md" data-testid="segment-editor">
      <Group justify="space-between">
        <Stack gap={2}>
          <BackLink to={segment ? `/segments/${segment.id}` : '/segments'}>{t('segments.editor.back')}</BackLink>
          <Title order={2}>{segment ? t('segments.editor.editTitle', { name: segment.name }) : t('segments.editor.newTitle')}</Title>
        </Stack>
        <Button leftSection={<IconDeviceFloppy size={16} />} onClick={save} loading={saving} data-testid="segment-save">
          {t('segments.editor.save')}
        </Button>
      </Group>

      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Stack gap="md">
            <Paper withBorder p="md" radius="md">
              <Stack gap="sm">
                <TextInput
                  label={t('segments.editor.name')}
                  placeholder={t('segments.editor.namePlaceholder')}
                  value={draft.name}
                  onChange={(e) => change({ name: e.currentTarget.value })}
                  error={errorOn('name')}
                  required
                  data-testid="segment-name"
                />
                <Textarea
                  label={t('segments.editor.description')}
                  value={draft.description}
                  onChange={(e) => change({ description: e.currentTarget.value })}
                  error={errorOn('description')}
                  autosize
                  minRows={1}
                  data-testid="segment-description"
                />
                {segment ? (
                  <Group gap="xs">
                    <Text size="sm" fw={500}>
                      {t('segments.editor.kind')}
                    </Text>
                    <Badge variant="light">{t(`segments.kinds.${segment.kind}`)}</Badge>
                  </Group>
                ) : (
                  <Stack gap={4}>
                    <Text size="sm" fw={500}>
                      {t('segments.editor.kind')}
                    </Text>
                    <SegmentedControl
                      value={draft.kind}
                      onChange={(kind) => change({ kind: kind as SegmentKind })}
                      data={(['dynamic', 'manual'] as const).map((k) => ({ value: k, label: t(`segments.kinds.${k}`) }))}
                      data-testid="segment-kind"
                      style={{ alignSelf: 'flex-start' }}
                    />
                    <Text size="xs" c="dimmed">
                      {t(`segments.kindHints.${draft.kind}`)}
                    </Text>
                  </Stack>
                )}
              </Stack>
            </Paper>

            {!manual && (
              <Stack gap="xs">
                <Title order={4}>{t('segments.editor.rules')}</Title>
                <BuilderProvider value={builder}>
                  <GroupEditor group={draft.rules} onChange={(rules) => change({ rules })} prefix="rules" />
                </BuilderProvider>
              </Stack>
            )}
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <div style={{ position: 'sticky', top: 76 }}>
            <PreviewPanel preview={preview} complete={isComplete(draft.rules)} manual={manual} />
            {segment && (
              <Text size="xs" c="dimmed" mt="xs">
                {segment.computedAt ? t('segments.detail.computedAt', { date: format.dateTime(segment.computedAt) }) : t('segments.detail.notComputed')}
              </Text>
            )}
          </div>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
