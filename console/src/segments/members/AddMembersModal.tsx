import { Badge, Button, Checkbox, CloseButton, Group, Loader, Modal, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { customerName } from '../../customers/queries';
import { useCustomerSearch } from '../../events/queries';
import { useFormat } from '../../i18n/format';
import { useNotifyError, useNotifySuccess } from '../../shared/errors';
import { Ltr } from '../../shared/Ltr';
import { useAddMembers } from '../queries';
import type { Segment } from '../types';

/** Finds customers by name, email or phone and adds the picked ones to a manual segment. */
export function AddMembersModal({ segment, opened, onClose }: { segment: Segment; opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const [q, setQ] = useState('');
  const [query] = useDebouncedValue(q, 250);
  const results = useCustomerSearch(query);
  const [picked, setPicked] = useState<Map<string, string>>(new Map());
  const add = useAddMembers(segment.id);
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();

  const toggle = (id: string, label: string) =>
    setPicked((p) => {
      const next = new Map(p);
      if (next.has(id)) next.delete(id);
      else next.set(id, label);
      return next;
    });
  const close = () => {
    setPicked(new Map());
    setQ('');
    onClose();
  };

  return (
    <Modal opened={opened} onClose={close} title={t('segments.add.title', { name: segment.name })} size="lg" data-testid="add-members-modal">
      <Stack gap="sm">
        <TextInput leftSection={<IconSearch size={16} />} placeholder={t('segments.add.search')} value={q} onChange={(e) => setQ(e.currentTarget.value)} data-autofocus data-testid="add-members-search" />
        {picked.size > 0 && (
          <Group gap={4}>
            {[...picked].map(([id, label]) => (
              <Badge key={id} variant="light" rightSection={<CloseButton size="xs" onClick={() => toggle(id, label)} aria-label={t('common.remove')} />}>
                {label}
              </Badge>
            ))}
          </Group>
        )}
        {results.isFetching && <Loader size="xs" />}
        {query.trim() && results.data?.length === 0 && (
          <Text size="sm" c="dimmed">
            {t('segments.add.noResults')}
          </Text>
        )}
        <Stack gap={4} mah={320} style={{ overflowY: 'auto' }}>
          {(results.data ?? []).map((c) => {
            const label = customerName(c, t);
            return (
              <Checkbox
                key={c.id}
                checked={picked.has(c.id)}
                onChange={() => toggle(c.id, label)}
                data-testid="add-members-result"
                label={
                  <Group gap="xs">
                    <Text size="sm">{label}</Text>
                    {(c.emails[0] || c.phones[0]) && (
                      <Text size="xs" c="dimmed">
                        <Ltr>{c.emails[0] ?? c.phones[0]}</Ltr>
                      </Text>
                    )}
                  </Group>
                }
              />
            );
          })}
        </Stack>
        <Group justify="flex-end">
          <Button variant="default" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button
            disabled={picked.size === 0}
            loading={add.isPending}
            onClick={() =>
              add.mutate([...picked.keys()], {
                onSuccess: (r) => {
                  notifySuccess(t('segments.add.result', { added: format.number(r.added), already: format.number(r.alreadyMembers) }));
                  close();
                },
                onError: notifyError,
              })
            }
            data-testid="add-members-submit"
          >
            {t('segments.add.submit', { n: format.number(picked.size) })}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
