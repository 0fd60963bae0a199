import { Alert, Button, Group, Modal, Radio, ScrollArea, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconAlertTriangle, IconSearch } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Customer } from '../api/types';
import { customerName, useCustomerList } from '../customers/queries';
import { useNotifyError, useNotifySuccess } from '../shared/errors';
import { Ltr } from '../shared/Ltr';
import { Loading } from '../shared/states';
import { useMergeCustomer } from './queries';

/** Pick a duplicate; it is merged into this (primary) customer. */
export function MergeModal({ customer, onClose }: { customer: Customer; onClose: () => void }) {
  const { t } = useTranslation();
  const merge = useMergeCustomer(customer.id);
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const [q, setQ] = useState('');
  const [debounced] = useDebouncedValue(q.trim(), 300);
  const [selected, setSelected] = useState<Customer | null>(null);
  const results = useCustomerList({ q: debounced }, { enabled: debounced.length > 0, limit: 10 });
  const candidates = (results.data?.pages[0]?.data ?? []).filter(
    (c) => c.id !== customer.id && !c.mergedIntoId && !c.erasedAt,
  );
  const primary = customerName(customer, t);

  const confirm = () => {
    if (!selected) return;
    merge.mutate(selected.id, {
      onSuccess: () => {
        notifySuccess(t('merge.done'));
        onClose();
      },
      onError: notifyError,
    });
  };

  return (
    <Modal opened onClose={onClose} title={t('merge.title', { name: primary })} size="lg" data-testid="merge-modal">
      <Stack>
        <TextInput
          placeholder={t('customers.searchPlaceholder')}
          leftSection={<IconSearch size={16} />}
          value={q}
          onChange={(e) => {
            setQ(e.currentTarget.value);
            setSelected(null);
          }}
          data-autofocus
          data-testid="merge-search"
        />
        {debounced && results.isPending ? (
          <Loading />
        ) : debounced && candidates.length === 0 ? (
          <Text size="sm" c="dimmed">
            {t('customers.noMatches')}
          </Text>
        ) : (
          <ScrollArea.Autosize mah={260}>
            <Radio.Group value={selected?.id ?? null} onChange={(id) => setSelected(candidates.find((c) => c.id === id) ?? null)}>
              <Stack gap="xs">
                {candidates.map((c) => (
                  <Radio
                    key={c.id}
                    value={c.id}
                    data-testid="merge-candidate"
                    label={customerName(c, t)}
                    description={<Ltr>{[...c.emails, ...c.phones].join(', ')}</Ltr>}
                  />
                ))}
              </Stack>
            </Radio.Group>
          </ScrollArea.Autosize>
        )}
        {selected && (
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
            {t('merge.confirm', { secondary: customerName(selected, t), primary })}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            {t('common.cancel')}
          </Button>
          <Button color="yellow" disabled={!selected} loading={merge.isPending} onClick={confirm} data-testid="merge-confirm">
            {t('merge.submit')}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
