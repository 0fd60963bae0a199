import { Button, Group, Modal, Select, Stack, TagsInput, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ATTRIBUTE_TYPES, type AttributeType } from '../../api/types';
import { useFormErrors } from '../../shared/errors';
import { useDefineAttribute } from './queries';

const EMPTY = { key: '', label: '', type: 'string' as AttributeType, options: [] as string[] };
const FIELDS = { key: 'key', label: 'label', type: 'type', options: 'options' };

export function DefineAttributeModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const define = useDefineAttribute();
  const formErrors = useFormErrors();
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
    define.mutate(
      {
        key: draft.key.trim(),
        label: draft.label.trim(),
        type: draft.type,
        options: draft.type === 'enum' ? draft.options : undefined,
      },
      { onSuccess: close, onError: (error) => setErrors(formErrors(error, FIELDS)) },
    );
  };

  return (
    <Modal opened={opened} onClose={close} title={t('attributes.define')} data-testid="define-attribute-modal">
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label={t('attributes.label')}
            required
            value={draft.label}
            onChange={(e) => setDraft({ ...draft, label: e.currentTarget.value })}
            error={errors.label}
            data-testid="attribute-label"
          />
          <TextInput
            label={t('attributes.key')}
            description={t('attributes.keyHint')}
            required
            dir="ltr"
            value={draft.key}
            onChange={(e) => setDraft({ ...draft, key: e.currentTarget.value })}
            error={errors.key}
            data-testid="attribute-key"
          />
          <Select
            label={t('attributes.type')}
            data={ATTRIBUTE_TYPES.map((type) => ({ value: type, label: t(`attributes.types.${type}`) }))}
            value={draft.type}
            allowDeselect={false}
            onChange={(type) => type && setDraft({ ...draft, type: type as AttributeType })}
            error={errors.type}
            data-testid="attribute-type"
          />
          {draft.type === 'enum' && (
            <TagsInput
              label={t('attributes.options')}
              description={t('customers.tagsHint')}
              value={draft.options}
              onChange={(options) => setDraft({ ...draft, options })}
              error={errors.options}
              data-testid="attribute-options"
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={define.isPending} data-testid="attribute-submit">
              {t('attributes.define')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
