import { Button, FileInput, Group, Paper, SegmentedControl, Select, Stack, Text, Title } from '@mantine/core';
import { IconFileTypeCsv, IconPlayerPlay, IconTestPipe } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { can } from '../auth/permissions';
import { useNotifyError } from '../shared/errors';
import { EmptyState, QueryError } from '../shared/states';
import { ImportProgress } from './ImportProgress';
import { MappingTable } from './MappingTable';
import { useImport, usePreview, useStartImport } from './queries';
import { RecentImports } from './RecentImports';
import { CURRENCIES, DATE_FIELDS, DATE_FORMATS, type DateFormat, type ImportKind, type ImportOptions, type ImportPreview, type Mapping } from './types';

const LATIN = (s: string) => s.replace(/[۰-۹]/g, (d) => String('۰۱۲۳۴۵۶۷۸۹'.indexOf(d))).replace(/[٠-٩]/g, (d) => String('٠١٢٣٤٥٦٧٨٩'.indexOf(d)));

/** The date format the sample values of the date columns look like (13xx/14xx years are Jalali). */
function guessDateFormat(preview: ImportPreview, mapping: Mapping): DateFormat {
  const samples = preview.columns
    .map((column, i) => (DATE_FIELDS.has(mapping[column]?.field ?? '') ? i : -1))
    .filter((i) => i >= 0)
    .flatMap((i) => preview.rows.map((r) => LATIN(r[i] ?? '').trim()).filter(Boolean));
  if (samples.some((v) => /^1[34]\d\d[-/.]/.test(v))) return 'jalali';
  if (samples.some((v) => /^\d{1,2}[-/.]\d{1,2}[-/.]\d{4}/.test(v))) return samples.some((v) => /^(1[3-9]|[23]\d)[-/.]/.test(v)) ? 'dmy' : 'mdy';
  return 'iso';
}

export function ImportPage() {
  const { t } = useTranslation();
  const session = useSession();
  const notifyError = useNotifyError();
  const [kind, setKind] = useState<ImportKind>('customers');
  const [file, setFile] = useState<File | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [options, setOptions] = useState<ImportOptions>({ dateFormat: 'iso', currency: '' });
  const [currentId, setCurrentId] = useState<string | null>(null);
  const preview = usePreview();
  const start = useStartImport();
  const current = useImport(currentId);

  if (!can(session, 'customers:write')) return <EmptyState testId="imports-not-allowed" title={t('imports.notAllowed')} />;

  const load = (nextFile: File | null, nextKind: ImportKind) => {
    setFile(nextFile);
    setKind(nextKind);
    preview.reset();
    if (!nextFile) return;
    preview.mutate(
      { file: nextFile, kind: nextKind },
      {
        onSuccess: (p) => {
          setMapping(p.suggestedMapping);
          setOptions((o) => ({ ...o, dateFormat: guessDateFormat(p, p.suggestedMapping) }));
        },
      },
    );
  };

  const run = (dryRun: boolean) => {
    if (!file) return;
    start.mutate({ file, kind, mapping, options, dryRun }, { onSuccess: (job) => setCurrentId(job.id), onError: notifyError });
  };

  return (
    <Stack gap="md" data-testid="import-page">
      <div>
        <Title order={2}>{t('imports.title')}</Title>
        <Text c="dimmed" size="sm" maw={760}>
          {t('imports.intro')}
        </Text>
      </div>

      <Paper withBorder p="md">
        <Group align="flex-end" gap="lg">
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('imports.kind.label')}
            </Text>
            <SegmentedControl
              value={kind}
              onChange={(value) => load(file, value as ImportKind)}
              data={[
                { value: 'customers', label: t('imports.kind.customers') },
                { value: 'orders', label: t('imports.kind.orders') },
              ]}
              data-testid="import-kind"
            />
          </Stack>
          <FileInput
            label={t('imports.file.label')}
            placeholder={t('imports.file.placeholder')}
            description={t('imports.file.hint')}
            accept=".csv,text/csv"
            value={file}
            onChange={(f) => load(f, kind)}
            leftSection={<IconFileTypeCsv size={18} />}
            clearable
            miw={320}
            data-testid="import-file"
          />
        </Group>
      </Paper>

      {preview.isError && <QueryError error={preview.error} />}

      {preview.data && (
        <>
          <Paper withBorder p="md">
            <Title order={4}>{t('imports.preview.title')}</Title>
            <Text size="sm" c="dimmed" mb="sm">
              {t('imports.preview.hint')}
            </Text>
            <MappingTable preview={preview.data} mapping={mapping} onChange={setMapping} />
          </Paper>

          <Paper withBorder p="md">
            <Title order={4} mb="sm">
              {t('imports.options.title')}
            </Title>
            <Group align="flex-end" gap="md">
              <Select
                label={t('imports.options.dateFormat')}
                data={DATE_FORMATS.map((f) => ({ value: f, label: t(`imports.options.formats.${f}`) }))}
                value={options.dateFormat}
                onChange={(value) => value && setOptions((o) => ({ ...o, dateFormat: value as DateFormat }))}
                allowDeselect={false}
                data-testid="import-date-format"
              />
              <Select
                label={t('imports.options.currency')}
                data={[
                  { value: '', label: t('imports.options.currencyDefault') },
                  ...CURRENCIES.map((c) => ({ value: c, label: c === 'IRT' || c === 'IRR' ? `${t(`imports.options.currencies.${c}`)} (${c})` : c })),
                ]}
                value={options.currency}
                onChange={(value) => setOptions((o) => ({ ...o, currency: value ?? '' }))}
                allowDeselect={false}
                data-testid="import-currency"
              />
              <Group gap="sm" ms="auto">
                <Button variant="default" leftSection={<IconTestPipe size={16} />} onClick={() => run(true)} loading={start.isPending && start.variables?.dryRun} title={t('imports.dryRunHint')} data-testid="import-dry-run">
                  {t('imports.dryRun')}
                </Button>
                <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => run(false)} loading={start.isPending && !start.variables?.dryRun} data-testid="import-start">
                  {t('imports.start')}
                </Button>
              </Group>
            </Group>
          </Paper>
        </>
      )}

      {current.data && <ImportProgress job={current.data} />}
      <RecentImports onOpen={setCurrentId} />
    </Stack>
  );
}
