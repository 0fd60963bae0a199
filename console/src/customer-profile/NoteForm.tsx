import { Button, Card, Group, Textarea } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { can } from '../auth/permissions';
import { fieldOf, useNotifyError, withoutFieldPrefix } from '../shared/errors';
import { isApiError } from '../api/client';
import { useAddNote } from './queries';

export function NoteForm({ customerId }: { customerId: string }) {
  const { t } = useTranslation();
  const session = useSession();
  const addNote = useAddNote(customerId);
  const notifyError = useNotifyError();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string>();

  if (!can(session, 'notes:write')) return null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!body.trim()) return;
    setError(undefined);
    addNote.mutate(body.trim(), {
      onSuccess: () => setBody(''),
      onError: (e) => (fieldOf(e) === 'body' && isApiError(e) ? setError(withoutFieldPrefix(e)) : notifyError(e)),
    });
  };

  return (
    <Card withBorder radius="md">
      <form onSubmit={submit}>
        <Textarea
          placeholder={t('profile.notePlaceholder')}
          aria-label={t('profile.addNote')}
          autosize
          minRows={2}
          maxRows={8}
          value={body}
          onChange={(e) => setBody(e.currentTarget.value)}
          error={error}
          data-testid="note-input"
        />
        <Group justify="flex-end" mt="xs">
          <Button type="submit" size="xs" loading={addNote.isPending} disabled={!body.trim()} data-testid="note-submit">
            {t('profile.addNote')}
          </Button>
        </Group>
      </form>
    </Card>
  );
}
