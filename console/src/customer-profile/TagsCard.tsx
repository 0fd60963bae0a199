import { ActionIcon, Badge, Card, Group, Text, TextInput, Title } from '@mantine/core';
import { IconPlus, IconX } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../api/types';
import { useSession } from '../auth/session';
import { can } from '../auth/permissions';
import { useNotifyError } from '../shared/errors';
import { useUpdateCustomer } from './queries';

/** Tags are replaced as a whole list through PATCH { tags }. */
export function TagsCard({ customer, readOnly }: { customer: Customer; readOnly: boolean }) {
  const { t } = useTranslation();
  const session = useSession();
  const update = useUpdateCustomer(customer.id);
  const notifyError = useNotifyError();
  const [tag, setTag] = useState('');
  const editable = !readOnly && can(session, 'customers:write');

  const save = (tags: string[]) => update.mutate({ tags }, { onError: notifyError });

  const add = (event: FormEvent) => {
    event.preventDefault();
    const value = tag.trim();
    if (!value) return;
    if (!customer.tags.includes(value)) save([...customer.tags, value]);
    setTag('');
  };

  return (
    <Card withBorder radius="md" data-testid="tags-card">
      <Title order={4} mb="sm">
        {t('fields.tags')}
      </Title>
      <Group gap={6} mb={editable ? 'sm' : 0}>
        {customer.tags.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('profile.noTags')}
          </Text>
        )}
        {customer.tags.map((value) => (
          <Badge
            key={value}
            variant="light"
            style={{ textTransform: 'none' }}
            data-testid="profile-tag"
            rightSection={
              editable ? (
                <ActionIcon
                  size="xs"
                  variant="transparent"
                  aria-label={t('profile.removeTag', { tag: value })}
                  onClick={() => save(customer.tags.filter((x) => x !== value))}
                  data-testid={`remove-tag-${value}`}
                >
                  <IconX size={12} />
                </ActionIcon>
              ) : null
            }
          >
            {value}
          </Badge>
        ))}
      </Group>
      {editable && (
        <form onSubmit={add}>
          <TextInput
            size="xs"
            placeholder={t('profile.addTag')}
            aria-label={t('profile.addTag')}
            value={tag}
            onChange={(e) => setTag(e.currentTarget.value)}
            data-testid="tag-input"
            rightSection={
              <ActionIcon type="submit" size="sm" variant="subtle" loading={update.isPending} aria-label={t('profile.addTag')} data-testid="tag-add">
                <IconPlus size={14} />
              </ActionIcon>
            }
          />
        </form>
      )}
    </Card>
  );
}
