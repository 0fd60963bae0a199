import { Alert, Button, Center, Group, Loader, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconAlertTriangle, IconInbox } from '@tabler/icons-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';

export function Loading({ testId = 'loading' }: { testId?: string }) {
  const { t } = useTranslation();
  return (
    <Center py="xl" data-testid={testId}>
      <Group gap="xs">
        <Loader size="sm" />
        <Text c="dimmed" size="sm">
          {t('common.loading')}
        </Text>
      </Group>
    </Center>
  );
}

export function EmptyState({ title, description, icon, action, testId = 'empty-state' }: {
  title: string;
  description?: string;
  icon?: ReactNode;
  action?: ReactNode;
  testId?: string;
}) {
  return (
    <Stack align="center" gap="xs" py="xl" data-testid={testId}>
      <ThemeIcon size={48} radius="xl" variant="light" color="gray">
        {icon ?? <IconInbox size={26} />}
      </ThemeIcon>
      <Text fw={600}>{title}</Text>
      {description && (
        <Text c="dimmed" size="sm" ta="center" maw={420}>
          {description}
        </Text>
      )}
      {action}
    </Stack>
  );
}

export function QueryError({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const code = isApiError(error) ? error.code : 'INTERNAL';
  const message = isApiError(error) && error.code === 'NETWORK' ? t('errors.network') : (error as Error)?.message;
  return (
    <Alert color="red" icon={<IconAlertTriangle size={18} />} title={t(`errors.codes.${code}`, { defaultValue: t('errors.codes.INTERNAL') })} data-testid="query-error">
      <Stack gap="xs" align="flex-start">
        <Text size="sm">{message}</Text>
        {onRetry && (
          <Button size="xs" variant="light" color="red" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )}
      </Stack>
    </Alert>
  );
}
