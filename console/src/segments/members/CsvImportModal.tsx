import { Alert, Button, FileInput, Group, Modal, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconFileTypeCsv } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api/client';
import { useFormat } from '../../i18n/format';
import { withoutFieldPrefix } from '../../shared/errors';
import { Ltr } from '../../shared/Ltr';
import { useImportMembers } from '../queries';
import type { CsvImportResult, MatchBy, Segment } from '../types';

const MATCH_BY: readonly MatchBy[] = ['email', 'phone', 'external_id'];

/** Fills a manual segment from a CSV: which rows matched a customer, which did not and why. */
export function CsvImportModal({ segment, opened, onClose }: { segment: Segment; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [file, setFile] = useState<File | null>(null);
  const [matchBy, setMatchBy] = useState<MatchBy>('email');
  const [column, setColumn] = useState('');
  const [result, setResult] = useState<CsvImportResult | null>(null);
  const upload = useImportMembers(segment.id);
  const error = upload.error;
  const errorOn = (field: string) => (isApiError(error) && error.field === field ? withoutFieldPrefix(error) : undefined);
  const otherError = isApiError(error) && !['matchBy', 'column'].includes(error.field ?? '') ? error.message : null;

  const close = () => {
    setResult(null);
    setFile(null);
    upload.reset();
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('segments.csv.title', { name: segment.name })} size="lg" data-testid="csv-import-modal">
      <Stack gap="sm">
        <FileInput
          label={t('segments.csv.file')}
          description={t('segments.csv.fileHint')}
          accept=".csv,text/csv"
          leftSection={<IconFileTypeCsv size={16} />}
          value={file}
          onChange={(f) => {
            setFile(f);
            setResult(null);
          }}
          clearable
          data-testid="csv-file"
        />
        <Group grow align="flex-start">
          <Select
            label={t('segments.csv.matchBy')}
            data={MATCH_BY.map((m) => ({ value: m, label: t(`segments.csv.matchByOptions.${m}`) }))}
            value={matchBy}
            onChange={(m) => m && setMatchBy(m as MatchBy)}
            allowDeselect={false}
            error={errorOn('matchBy')}
            data-testid="csv-match-by"
          />
          <TextInput label={t('segments.csv.column')} description={t('segments.csv.columnHint')} value={column} onChange={(e) => setColumn(e.currentTarget.value)} error={errorOn('column')} data-testid="csv-column" />
        </Group>
        {otherError && (
          <Alert color="red" p="xs" data-testid="csv-error">
            {otherError}
          </Alert>
        )}
        {result && (
          <Stack gap="xs" data-testid="csv-result" data-matched={result.matched} data-unmatched={result.unmatchedCount}>
            <Alert color={result.unmatchedCount > 0 ? 'yellow' : 'teal'} p="xs">
              {t('segments.csv.result', {
                rows: format.number(result.rows),
                matched: format.number(result.matched),
                added: format.number(result.added),
                already: format.number(result.alreadyMembers),
                unmatched: format.number(result.unmatchedCount),
              })}
            </Alert>
            {result.unmatched.length > 0 && (
              <>
                <Text size="sm" fw={600}>
                  {t('segments.csv.unmatched')}
                </Text>
                <Table.ScrollContainer minWidth={400} mah={260}>
                  <Table verticalSpacing={4} data-testid="csv-unmatched">
                    <Table.Thead>
                      <Table.Tr>
                        <Table.Th>{t('segments.csv.line')}</Table.Th>
                        <Table.Th>{t('segments.csv.value')}</Table.Th>
                        <Table.Th>{t('segments.csv.reason')}</Table.Th>
                      </Table.Tr>
                    </Table.Thead>
                    <Table.Tbody>
                      {result.unmatched.map((u) => (
                        <Table.Tr key={u.line} data-testid="csv-unmatched-row">
                          <Table.Td>{format.number(u.line)}</Table.Td>
                          <Table.Td>
                            <Ltr>{u.value}</Ltr>
                          </Table.Td>
                          <Table.Td>{u.reason}</Table.Td>
                        </Table.Tr>
                      ))}
                    </Table.Tbody>
                  </Table>
                </Table.ScrollContainer>
                {result.unmatchedCount > result.unmatched.length && (
                  <Text size="xs" c="dimmed">
                    {t('segments.csv.moreUnmatched', { n: format.number(result.unmatchedCount - result.unmatched.length) })}
                  </Text>
                )}
              </>
            )}
          </Stack>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {result ? t('common.done') : t('common.cancel')}
          </Button>
          <Button
            disabled={!file}
            loading={upload.isPending}
            onClick={() => file && upload.mutate({ file, matchBy, column: column.trim() || undefined }, { onSuccess: setResult })}
            data-testid="csv-submit"
          >
            {t('segments.csv.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
