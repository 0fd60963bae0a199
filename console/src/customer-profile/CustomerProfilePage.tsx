import { Alert, Anchor, Grid, Group, Stack, Text, useDirection } from '@mantine/core';
import { IconArrowLeft, IconArrowRight, IconEraser, IconGitMerge, IconUserOff } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { CustomerAnalyticsCard } from '../analytics/CustomerAnalyticsCard';
import { LastContactCard } from '../contacts/LastContactCard';
import { isApiError } from '../api/client';
import { useFormat } from '../i18n/format';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { AttributesCard } from './AttributesCard';
import { ConsentsCard } from './ConsentsCard';
import { CustomerTasks } from './CustomerTasks';
import { NoteForm } from './NoteForm';
import { ProfileHeader } from './ProfileHeader';
import { TagsCard } from './TagsCard';
import { Timeline } from './Timeline';
import { useCustomer } from './queries';

function BackLink() {
  const { t } = useTranslation();
  const { dir } = useDirection();
  const Arrow = dir === 'rtl' ? IconArrowRight : IconArrowLeft;
  return (
    <Anchor component={Link} to="/customers" size="sm" data-testid="back-to-customers">
      <Group gap={4}>
        <Arrow size={14} />
        {t('profile.back')}
      </Group>
    </Anchor>
  );
}

export function CustomerProfilePage() {
  const { t } = useTranslation();
  const format = useFormat();
  const { id = '' } = useParams();
  const query = useCustomer(id);

  if (query.isPending) return <Loading testId="profile-loading" />;
  if (query.isError) {
    if (isApiError(query.error) && query.error.status === 404) {
      return (
        <Stack>
          <BackLink />
          <EmptyState testId="profile-not-found" icon={<IconUserOff size={26} />} title={t('profile.notFound')} />
        </Stack>
      );
    }
    return <QueryError error={query.error} onRetry={() => void query.refetch()} />;
  }

  const customer = query.data;
  const readOnly = Boolean(customer.erasedAt || customer.mergedIntoId);

  return (
    <Stack gap="md" data-testid="customer-profile">
      <BackLink />
      <ProfileHeader customer={customer} readOnly={readOnly} />
      {customer.erasedAt && (
        <Alert color="gray" icon={<IconEraser size={18} />} data-testid="profile-erased">
          {t('profile.erasedNotice', { date: format.dateTime(customer.erasedAt) })}
        </Alert>
      )}
      {customer.mergedIntoId && (
        <Alert color="yellow" icon={<IconGitMerge size={18} />} data-testid="profile-merged">
          <Text size="sm">
            {t('profile.mergedNotice')}{' '}
            <Anchor component={Link} to={`/customers/${customer.mergedIntoId}`} size="sm">
              {t('profile.openPrimary')}
            </Anchor>
          </Text>
        </Alert>
      )}
      <Grid gutter="md">
        <Grid.Col span={{ base: 12, md: 7 }}>
          <Stack gap="md">
            {!readOnly && <NoteForm customerId={customer.id} />}
            <Timeline customerId={customer.id} />
          </Stack>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 5 }}>
          <Stack gap="md">
            {!customer.erasedAt && <CustomerAnalyticsCard customerId={customer.id} />}
            {!customer.erasedAt && <LastContactCard customerId={customer.id} />}
            <AttributesCard customer={customer} />
            <TagsCard customer={customer} readOnly={readOnly} />
            <ConsentsCard customer={customer} readOnly={readOnly} />
            <CustomerTasks customerId={customer.id} readOnly={readOnly} />
          </Stack>
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
