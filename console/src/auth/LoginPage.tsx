import { Alert, Anchor, Box, Button, Center, Group, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconAlertTriangle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/client';
import { LanguageSwitch } from '../layout/LanguageSwitch';
import { useLogin } from './session';

export function LoginPage() {
  const { t } = useTranslation();
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate({ email: email.trim(), password });
  };

  const error = login.error;
  const message =
    isApiError(error) && error.status === 401
      ? t('login.invalid')
      : isApiError(error) && error.code === 'NETWORK'
        ? t('errors.network')
        : error?.message;

  return (
    <Box mih="100vh" bg="gray.0">
      <Group justify="flex-end" p="md">
        <LanguageSwitch />
      </Group>
      <Center pt="xl" px="md">
        <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={400}>
          <form onSubmit={submit} data-testid="login-form">
            <Stack>
              <div>
                <Title order={2}>{t('app.name')}</Title>
                <Text c="dimmed" size="sm">
                  {t('login.subtitle')}
                </Text>
              </div>
              {error && (
                <Alert color="red" icon={<IconAlertTriangle size={18} />} data-testid="login-error">
                  {message}
                </Alert>
              )}
              <TextInput
                label={t('login.email')}
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                data-testid="login-email"
                dir="ltr"
              />
              <PasswordInput
                label={t('login.password')}
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                data-testid="login-password"
              />
              <Button type="submit" loading={login.isPending} data-testid="login-submit">
                {t('login.submit')}
              </Button>
              <Text size="xs" c="dimmed">
                {t('login.help')}{' '}
                <Anchor href="/docs" size="xs">
                  {t('login.apiDocs')}
                </Anchor>
              </Text>
            </Stack>
          </form>
        </Paper>
      </Center>
    </Box>
  );
}
