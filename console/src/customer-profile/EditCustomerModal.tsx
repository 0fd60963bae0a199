import { Anchor, Button, Divider, Group, Modal, Select, SimpleGrid, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../api/client';
import { type AttributeDefinition, CUSTOMER_LANGUAGES, type Customer, GENDERS } from '../api/types';
import { useAttributeDefinitions } from '../settings/attributes/queries';
import { useFormErrors, useNotifySuccess, withoutFieldPrefix } from '../shared/errors';
import { Loading, QueryError } from '../shared/states';
import { AttributeInput } from './AttributeInput';
import { type EditDraft, toDraft, toPatch } from './editDraft';
import { useUpdateCustomer } from './queries';

type TextKey = 'firstName' | 'lastName' | 'birthday' | 'city' | 'timezone' | 'externalId' | 'job' | 'incomeBand';
type ListKey = 'emails' | 'phones' | 'interests' | 'challenges' | 'tags';

const FIELDS: Record<string, string> = Object.fromEntries(
  ['firstName', 'lastName', 'emails', 'phones', 'birthday', 'gender', 'city', 'language', 'timezone', 'externalId', 'job', 'incomeBand', 'interests', 'challenges', 'tags', 'attributes'].map((k) => [k, k]),
);

export function EditCustomerModal({ customer, onClose }: { customer: Customer; onClose: () => void }) {
  const { t } = useTranslation();
  const definitions = useAttributeDefinitions();
  return (
    <Modal opened onClose={onClose} title={t('profile.editTitle')} size="xl" data-testid="edit-customer-modal">
      {definitions.isPending ? (
        <Loading />
      ) : definitions.isError ? (
        <QueryError error={definitions.error} onRetry={() => void definitions.refetch()} />
      ) : (
        <EditCustomerForm customer={customer} definitions={definitions.data} onClose={onClose} />
      )}
    </Modal>
  );
}

function EditCustomerForm({ customer, definitions, onClose }: { customer: Customer; definitions: AttributeDefinition[]; onClose: () => void }) {
  const { t } = useTranslation();
  const update = useUpdateCustomer(customer.id);
  const formErrors = useFormErrors();
  const notifySuccess = useNotifySuccess();
  const [draft, setDraft] = useState<EditDraft>(() => toDraft(customer, definitions));
  const [errors, setErrors] = useState<Record<string, string>>({});

  const set = <K extends keyof EditDraft>(key: K, value: EditDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const textInput = (key: TextKey, extra: { dir?: 'ltr'; type?: string; placeholder?: string } = {}) => (
    <TextInput
      label={t(`fields.${key}`)}
      value={draft[key]}
      onChange={(e) => set(key, e.currentTarget.value)}
      error={errors[key]}
      data-testid={`edit-${key}`}
      {...extra}
    />
  );
  const listInput = (key: ListKey, dir?: 'ltr') => (
    <TagsInput label={t(`fields.${key}`)} value={draft[key]} onChange={(v) => set(key, v)} error={errors[key]} dir={dir} data-testid={`edit-${key}`} />
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const patch = toPatch(customer, draft, definitions);
    if (Object.keys(patch).length === 0) return onClose();
    setErrors({});
    update.mutate(patch, {
      onSuccess: () => {
        notifySuccess(t('profile.saved'));
        onClose();
      },
      onError: (error) => {
        // `attributes.plan` goes under that attribute's own input.
        if (isApiError(error) && error.field?.startsWith('attributes.')) {
          const key = error.field.split('.')[1] ?? '';
          if (definitions.some((d) => d.key === key)) return setErrors({ [`attributes.${key}`]: withoutFieldPrefix(error) });
        }
        setErrors(formErrors(error, FIELDS));
      },
    });
  };

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {textInput('firstName')}
          {textInput('lastName')}
          {listInput('emails', 'ltr')}
          {listInput('phones', 'ltr')}
          {textInput('birthday', { type: 'date', dir: 'ltr' })}
          <Select
            label={t('fields.gender')}
            data={GENDERS.map((g) => ({ value: g, label: t(`genders.${g}`) }))}
            value={draft.gender || null}
            onChange={(v) => set('gender', v ?? '')}
            clearable
            error={errors.gender}
          />
          {textInput('city')}
          <Select
            label={t('fields.language')}
            data={CUSTOMER_LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
            value={draft.language || null}
            onChange={(v) => set('language', v ?? '')}
            clearable
            error={errors.language}
          />
          {textInput('timezone', { dir: 'ltr', placeholder: 'Asia/Tehran' })}
          {textInput('externalId', { dir: 'ltr' })}
        </SimpleGrid>

        <Divider label={t('profile.persona')} labelPosition="center" />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          {textInput('job')}
          {textInput('incomeBand')}
          {listInput('interests')}
          {listInput('challenges')}
        </SimpleGrid>
        {listInput('tags')}

        <Divider label={t('profile.customAttributes')} labelPosition="center" />
        {errors.attributes && (
          <Text c="red" size="sm">
            {errors.attributes}
          </Text>
        )}
        {definitions.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('profile.noAttributeDefinitions')}{' '}
            <Anchor component={Link} to="/settings/attributes" size="sm">
              {t('profile.defineAttributes')}
            </Anchor>
          </Text>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {definitions.map((definition) => (
              <AttributeInput
                key={definition.key}
                definition={definition}
                value={draft.attributes[definition.key] ?? ''}
                error={errors[`attributes.${definition.key}`]}
                onChange={(value) => set('attributes', { ...draft.attributes, [definition.key]: value })}
              />
            ))}
          </SimpleGrid>
        )}

        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" loading={update.isPending} data-testid="edit-submit">
            {t('common.save')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
