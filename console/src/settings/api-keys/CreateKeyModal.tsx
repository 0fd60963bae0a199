import { Alert, Button, Code, CopyButton, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { IconAlertTriangle, IconCheck, IconCopy } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ApiKeyKind, ROLES, type Role } from '../../api/types';
import { useFormErrors } from '../../shared/errors';
import { useCreateApiKey } from './queries';

const FIELDS = { name: 'name', kind: 'kind', role: 'role' };

/** Create a key, then show it once: the server keeps only its hash. */
export function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const create = useCreateApiKey();
  const formErrors = useFormErrors();
  const [kind, setKind] = useState<ApiKeyKind>('secret');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('admin');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<string | null>(null);

  const close = () => {
    setName('');
    setKind('secret');
    setRole('admin');
    setErrors({});
    setCreated(null);
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    create.mutate(
      { kind, name: name.trim(), role: kind === 'secret' ? role : undefined },
      {
        onSuccess: (key) => setCreated(key.key ?? ''),
        onError: (error) => setErrors(formErrors(error, FIELDS)),
      },
    );
  };

  if (created !== null) {
    return (
      <Modal opened={opened} onClose={close} title={t('apiKeys.createdTitle')} size="lg" closeOnClickOutside={false} data-testid="api-key-created">
        <Stack>
          <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
            {t('apiKeys.showOnce')}
          </Alert>
          <Code block dir="ltr" style={{ overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' }} data-testid="api-key-secret">
            {created}
          </Code>
          <Group justify="space-between">
            <CopyButton value={created}>
              {({ copied, copy }) => (
                <Button
                  variant="light"
                  color={copied ? 'teal' : undefined}
                  leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  onClick={copy}
                  data-testid="api-key-copy"
                >
                  {copied ? t('common.copied') : t('common.copy')}
                </Button>
              )}
            </CopyButton>
            <Button onClick={close} data-testid="api-key-done">
              {t('common.done')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    );
  }

  return (
    <Modal opened={opened} onClose={close} title={t('apiKeys.create')} data-testid="create-api-key-modal">
      <form onSubmit={submit}>
        <Stack>
          <SegmentedControl
            value={kind}
            onChange={(v) => setKind(v as ApiKeyKind)}
            data={[
              { value: 'secret', label: t('apiKeys.kinds.secret') },
              { value: 'write', label: t('apiKeys.kinds.write') },
            ]}
            data-testid="api-key-kind"
          />
          <Text size="xs" c="dimmed">
            {kind === 'secret' ? t('apiKeys.secretHint') : t('apiKeys.writeHint')}
          </Text>
          <TextInput
            label={t('apiKeys.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={errors.name}
            data-testid="api-key-name"
          />
          {kind === 'secret' && (
            <Select
              label={t('apiKeys.role')}
              data={ROLES.filter((r) => r !== 'owner').map((r) => ({ value: r, label: t(`roles.${r}`) }))}
              value={role}
              allowDeselect={false}
              onChange={(v) => v && setRole(v as Role)}
              error={errors.role}
              data-testid="api-key-role"
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} data-testid="api-key-submit">
              {t('common.create')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
