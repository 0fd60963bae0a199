import { Card, Group, Stack, Switch, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { CONSENT_CHANNELS, type Customer } from '../api/types';
import { useSession } from '../auth/session';
import { can } from '../auth/permissions';
import { useFormat } from '../i18n/format';
import { useNotifyError } from '../shared/errors';
import { useSetConsent } from './queries';

/** One switch per channel: on = granted, off = revoked (or never asked). */
export function ConsentsCard({ customer, readOnly }: { customer: Customer; readOnly: boolean }) {
  const { t } = useTranslation();
  const format = useFormat();
  const session = useSession();
  const setConsent = useSetConsent(customer.id);
  const notifyError = useNotifyError();
  const pendingChannel = setConsent.isPending ? setConsent.variables?.channel : undefined;
  const disabled = readOnly || !can(session, 'customers:write');

  return (
    <Card withBorder radius="md" data-testid="consents-card">
      <Title order={4} mb="sm">
        {t('profile.consents')}
      </Title>
      <Stack gap="xs">
        {CONSENT_CHANNELS.map((channel) => {
          const consent = customer.consents.find((c) => c.channel === channel);
          const granted = consent?.status === 'granted';
          const detail = consent
            ? t('profile.consentDetail', {
                status: t(`consentStatus.${consent.status}`, { defaultValue: consent.status }),
                date: format.date(consent.changedAt),
                source: consent.source ?? '—',
              })
            : t('profile.consentUnknown');
          return (
            <Group key={channel} justify="space-between" wrap="nowrap">
              <Stack gap={0}>
                <Text size="sm">{t(`channels.${channel}`)}</Text>
                <Text size="xs" c="dimmed">
                  {detail}
                </Text>
              </Stack>
              <Switch
                checked={granted}
                disabled={disabled || pendingChannel === channel}
                aria-label={t(`channels.${channel}`)}
                onChange={(e) =>
                  setConsent.mutate(
                    { channel, status: e.currentTarget.checked ? 'granted' : 'revoked' },
                    { onError: notifyError },
                  )
                }
                data-testid={`consent-${channel}`}
              />
            </Group>
          );
        })}
      </Stack>
    </Card>
  );
}
