import { Alert, Anchor, Button, Checkbox, Grid, Group, Select, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle, IconArrowBack, IconPlus, IconTrash } from '@tabler/icons-react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../api/client';
import { useSession } from '../auth/session';
import { directionOf } from '../i18n/language';
import { ConfirmModal } from '../shared/ConfirmModal';
import { useNotifyError, useNotifySuccess } from '../shared/errors';
import { Loading, QueryError } from '../shared/states';
import { ChannelEditors } from './ChannelEditors';
import { cleanDraft, EDITOR_LANGUAGES, emptyDraft } from './draft';
import { PreviewPane } from './PreviewPane';
import { canManageMessaging, useDeleteTemplate, useSaveTemplate, useTemplate } from './queries';
import type { Category, Template, TemplateInput } from './types';
import { type InsertTarget, InsertTargetContext, VariableMenu } from './variables';

/** `/templates/new` and `/templates/:id`: loads the template, then hands it to the editor. */
export function TemplateEditorPage() {
  const { id } = useParams();
  const existing = useTemplate(id);
  if (id && existing.isPending) return <Loading />;
  if (id && existing.isError) return <QueryError error={existing.error} onRetry={() => void existing.refetch()} />;
  return <TemplateEditor key={id ?? 'new'} saved={id ? existing.data : undefined} />;
}

function TemplateEditor({ saved }: { saved: Template | undefined }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const manage = canManageMessaging(useSession());
  const [draft, setDraft] = useState<TemplateInput>(() => (saved ? { name: saved.name, category: saved.category, topic: saved.topic, useVoice: saved.useVoice, variants: saved.variants } : emptyDraft()));
  const [version, setVersion] = useState(saved?.version);
  const [tab, setTab] = useState<string>(Object.keys(draft.variants)[0] ?? 'fa');
  const [saveError, setSaveError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState(false);
  const target = useRef<InsertTarget | null>(null);
  const save = useSaveTemplate();
  const remove = useDeleteTemplate();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();

  const update = (patch: Partial<TemplateInput>) => {
    setSaveError(null);
    setDraft((d) => ({ ...d, ...patch }));
  };
  const onSave = () =>
    save.mutate(
      { id: saved?.id, version, input: cleanDraft(draft) },
      {
        onSuccess: (result) => {
          notifySuccess(t('templates.editor.saved'));
          setVersion(result.version);
          if (!saved) navigate(`/templates/${result.id}`, { replace: true });
        },
        onError: (error) => setSaveError(error),
      },
    );

  return (
    <InsertTargetContext.Provider value={target}>
      <Stack gap="md" data-testid="template-editor">
        <Group justify="space-between">
          <Group gap="xs">
            <Anchor component={Link} to="/templates" size="sm">
              <Group gap={4}>
                <IconArrowBack size={14} />
                {t('templates.editor.back')}
              </Group>
            </Anchor>
            <Title order={2}>{saved ? t('templates.editor.editTitle') : t('templates.editor.newTitle')}</Title>
          </Group>
          {manage && (
            <Group gap="xs">
              {saved && (
                <Button variant="subtle" color="red" leftSection={<IconTrash size={16} />} onClick={() => setDeleting(true)} data-testid="template-delete">
                  {t('templates.editor.delete')}
                </Button>
              )}
              <Button onClick={onSave} loading={save.isPending} data-testid="template-save">
                {t('common.save')}
              </Button>
            </Group>
          )}
        </Group>
        {saveError !== null && (
          <Alert color="red" icon={<IconAlertTriangle size={16} />} data-testid="template-save-error">
            <Text size="sm" dir="auto" style={{ whiteSpace: 'pre-wrap' }}>
              {isApiError(saveError) ? saveError.message : String(saveError)}
            </Text>
          </Alert>
        )}
        <Grid gutter="lg">
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Stack gap="sm">
              <Group grow align="flex-start">
                <TextInput label={t('templates.editor.name')} value={draft.name} onChange={(e) => update({ name: e.currentTarget.value })} required data-testid="template-name" />
                <Select
                  label={t('templates.editor.category')}
                  value={draft.category}
                  onChange={(v) => v && update({ category: v as Category })}
                  allowDeselect={false}
                  data={(['marketing', 'transactional'] as const).map((c) => ({ value: c, label: t(`templates.categories.${c}`) }))}
                  data-testid="template-category"
                />
                <TextInput label={t('templates.editor.topic')} value={draft.topic ?? ''} onChange={(e) => update({ topic: e.currentTarget.value })} dir="ltr" />
              </Group>
              <Group justify="space-between">
                <Checkbox label={t('templates.editor.useVoice')} checked={draft.useVoice} onChange={(e) => update({ useVoice: e.currentTarget.checked })} data-testid="template-use-voice" />
                <VariableMenu />
              </Group>
              <Tabs value={tab} onChange={(v) => v && setTab(v)} keepMounted={false}>
                <Tabs.List>
                  {EDITOR_LANGUAGES.map((language) => (
                    <Tabs.Tab key={language} value={language} data-testid={`language-tab-${language}`} c={draft.variants[language] ? undefined : 'dimmed'}>
                      {language}
                    </Tabs.Tab>
                  ))}
                </Tabs.List>
                {EDITOR_LANGUAGES.map((language) => {
                  const variant = draft.variants[language];
                  return (
                    <Tabs.Panel key={language} value={language} pt="sm">
                      {variant ? (
                        <Stack gap="sm">
                          <ChannelEditors language={language} dir={directionOf(language)} variant={variant} onChange={(v) => update({ variants: { ...draft.variants, [language]: v } })} />
                          <Group justify="flex-end">
                            <Button
                              variant="subtle"
                              color="red"
                              size="xs"
                              onClick={() => {
                                const { [language]: _, ...rest } = draft.variants;
                                update({ variants: rest });
                              }}
                              data-testid={`remove-language-${language}`}
                            >
                              {t('templates.editor.removeLanguage')}
                            </Button>
                          </Group>
                        </Stack>
                      ) : (
                        <Button variant="light" leftSection={<IconPlus size={14} />} onClick={() => update({ variants: { ...draft.variants, [language]: {} } })} data-testid={`add-language-${language}`}>
                          {t('templates.editor.addLanguage')}
                        </Button>
                      )}
                    </Tabs.Panel>
                  );
                })}
              </Tabs>
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <PreviewPane draft={draft} savedWarnings={saved?.warnings ?? []} />
          </Grid.Col>
        </Grid>
        {saved && (
          <ConfirmModal
            opened={deleting}
            title={t('templates.editor.delete')}
            confirmLabel={t('templates.editor.delete')}
            danger
            loading={remove.isPending}
            onClose={() => setDeleting(false)}
            onConfirm={() =>
              remove.mutate(saved.id, {
                onSuccess: () => {
                  notifySuccess(t('templates.editor.deleted'));
                  navigate('/templates');
                },
                onError: notifyError,
              })
            }
          >
            {t('templates.editor.deleteConfirm', { name: saved.name })}
          </ConfirmModal>
        )}
      </Stack>
    </InsertTargetContext.Provider>
  );
}
