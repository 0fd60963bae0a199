import { Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '../../api/types';
import { useFormErrors, useNotifySuccess } from '../../shared/errors';
import { useAddMember } from './queries';

const EMPTY = { email: '', name: '', password: '', role: 'support' as Role };
const FIELDS = { email: 'email', name: 'name', password: 'password', role: 'role' };

export function AddMemberModal({ opened, onClose, roles }: {
  opened: boolean;
  onClose: () => void;
  roles: { value: string; label: string }[];
}) {
  const { t } = useTranslation();
  const addMember = useAddMember();
  const formErrors = useFormErrors();
  const notifySuccess = useNotifySuccess();
  const [draft, setDraft] = useState(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const close = () => {
    setDraft(EMPTY);
    setErrors({});
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    addMember.mutate(
      { email: draft.email.trim(), name: draft.name.trim() || undefined, password: draft.password, role: draft.role },
      {
        onSuccess: () => {
          notifySuccess(t('team.added'));
          close();
        },
        onError: (error) => setErrors(formErrors(error, FIELDS)),
      },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('team.add')} data-testid="add-member-modal">
      <form onSubmit={submit}>
        <Stack>
          <TextInput
            label={t('team.email')}
            type="email"
            dir="ltr"
            required
            value={draft.email}
            onChange={(e) => setDraft({ ...draft, email: e.currentTarget.value })}
            error={errors.email}
            data-testid="member-email"
          />
          <TextInput
            label={t('team.name')}
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.currentTarget.value })}
            error={errors.name}
            data-testid="member-name"
          />
          <PasswordInput
            label={t('team.password')}
            description={t('team.passwordHint')}
            required
            value={draft.password}
            onChange={(e) => setDraft({ ...draft, password: e.currentTarget.value })}
            error={errors.password}
            data-testid="member-password"
          />
          <Select
            label={t('team.role')}
            data={roles}
            value={draft.role}
            allowDeselect={false}
            onChange={(role) => role && setDraft({ ...draft, role: role as Role })}
            error={errors.role}
            data-testid="member-role"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={addMember.isPending} data-testid="member-submit">
              {t('team.add')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
