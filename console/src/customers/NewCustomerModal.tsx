import { Button, Group, Modal, Select, SimpleGrid, Stack, TagsInput, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CUSTOMER_LANGUAGES, type CustomerInput } from '../api/types';
import { useFormErrors, useNotifySuccess } from '../shared/errors';
import { customerName, useCreateCustomer } from './queries';

const EMPTY = { firstName: '', lastName: '', email: '', phone: '', city: '', language: '', tags: [] as string[] };
type Draft = typeof EMPTY;

/** API field → form field, for showing the server's validation message under the input. */
const FIELDS: Record<string, keyof Draft> = {
  firstName: 'firstName',
  lastName: 'lastName',
  emails: 'email',
  phones: 'phone',
  city: 'city',
  language: 'language',
  tags: 'tags',
};

function toInput(draft: Draft): CustomerInput {
  const input: CustomerInput = {};
  if (draft.firstName.trim()) input.firstName = draft.firstName.trim();
  if (draft.lastName.trim()) input.lastName = draft.lastName.trim();
  if (draft.email.trim()) input.emails = [draft.email.trim()];
  if (draft.phone.trim()) input.phones = [draft.phone.trim()];
  if (draft.city.trim()) input.city = draft.city.trim();
  if (draft.language) input.language = draft.language;
  if (draft.tags.length) input.tags = draft.tags;
  return input;
}

export function NewCustomerModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateCustomer();
  const formErrors = useFormErrors();
  const notifySuccess = useNotifySuccess();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const close = () => {
    setDraft(EMPTY);
    setErrors({});
    create.reset();
    onClose();
  };

  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors(({ [key]: _, ...rest }) => rest);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    create.mutate(toInput(draft), {
      onSuccess: (customer) => {
        notifySuccess(t('customers.created', { name: customerName(customer, t) }));
        close();
      },
      onError: (error) => setErrors(formErrors(error, FIELDS)),
    });
  };

  return (
    <Modal opened={opened} onClose={close} title={t('customers.new')} size="lg" data-testid="new-customer-modal">
      {/* noValidate: the API is the one validator, and its message shows under the field. */}
      <form onSubmit={submit} noValidate>
        <Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label={t('fields.firstName')}
              value={draft.firstName}
              onChange={(e) => set('firstName', e.currentTarget.value)}
              error={errors.firstName}
              data-autofocus
              data-testid="new-customer-first-name"
            />
            <TextInput
              label={t('fields.lastName')}
              value={draft.lastName}
              onChange={(e) => set('lastName', e.currentTarget.value)}
              error={errors.lastName}
              data-testid="new-customer-last-name"
            />
            <TextInput
              label={t('fields.email')}
              type="email"
              dir="ltr"
              value={draft.email}
              onChange={(e) => set('email', e.currentTarget.value)}
              error={errors.email}
              data-testid="new-customer-email"
            />
            <TextInput
              label={t('fields.phone')}
              type="tel"
              dir="ltr"
              value={draft.phone}
              onChange={(e) => set('phone', e.currentTarget.value)}
              error={errors.phone}
              data-testid="new-customer-phone"
            />
            <TextInput
              label={t('fields.city')}
              value={draft.city}
              onChange={(e) => set('city', e.currentTarget.value)}
              error={errors.city}
              data-testid="new-customer-city"
            />
            <Select
              label={t('fields.language')}
              data={CUSTOMER_LANGUAGES.map((l) => ({ value: l, label: t(`languages.${l}`) }))}
              value={draft.language || null}
              onChange={(v) => set('language', v ?? '')}
              clearable
              error={errors.language}
              data-testid="new-customer-language"
            />
          </SimpleGrid>
          <TagsInput
            label={t('fields.tags')}
            description={t('customers.tagsHint')}
            value={draft.tags}
            onChange={(v) => set('tags', v)}
            error={errors.tags}
            data-testid="new-customer-tags"
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="new-customer-submit">
              {t('common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
