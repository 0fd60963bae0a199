import { ActionIcon, Anchor, Button, Group, Menu, Modal, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconDots, IconPlus, IconRoute } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { useSession } from '../auth/session';
import { useFormat } from '../i18n/format';
import { ConfirmModal } from '../shared/ConfirmModal';
import { useNotifyError } from '../shared/errors';
import { EmptyState, Loading, QueryError } from '../shared/states';
import { usePercent } from './format';
import { canManageJourneys, type JourneyAction, useCreateJourney, useJourneyAction, useJourneyAnalytics, useJourneys } from './queries';
import { JourneyStatusBadge } from './StatusBadge';
import { emptyDefinition, triggerSummary } from './steps';
import type { Journey } from './types';

/** The actions a journey in `status` allows, in the order offered. */
export const actionsFor = (status: Journey['status']): JourneyAction[] =>
  status === 'draft' ? ['activate', 'archive'] : status === 'active' ? ['pause', 'archive'] : status === 'paused' ? ['resume', 'archive'] : [];

function RowFigures({ journey }: { journey: Journey }) {
  const format = useFormat();
  const percent = usePercent();
  const analytics = useJourneyAnalytics(journey.id, journey.status === 'active');
  const totals = analytics.data?.totals;
  if (journey.status === 'draft' || !totals) return <Table.Td colSpan={3} />;
  return (
    <>
      <Table.Td data-testid="journey-entered">{format.number(totals.entered)}</Table.Td>
      <Table.Td data-testid="journey-active">{format.number(totals.active)}</Table.Td>
      <Table.Td data-testid="journey-goal-rate">{percent(totals.conversionRate)}</Table.Td>
    </>
  );
}

/** `/journeys`: every journey with its status, trigger and figures; create one, or change its state. */
export function JourneysPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const notify = useNotifyError();
  const manage = canManageJourneys(useSession());
  const list = useJourneys();
  const create = useCreateJourney();
  const action = useJourneyAction();
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [archiving, setArchiving] = useState<Journey | null>(null);
  const rows = list.data?.pages.flatMap((p) => p.data) ?? [];

  const submit = () =>
    create.mutate({ name: name.trim(), ...emptyDefinition() }, { onSuccess: (j) => navigate(`/journeys/${j.id}`), onError: notify });
  const act = (j: Journey, a: JourneyAction) => (a === 'archive' ? setArchiving(j) : action.mutate({ id: j.id, action: a }, { onError: notify }));

  return (
    <Stack gap="md" data-testid="journeys-page">
      <Group justify="space-between">
        <Group gap="xs">
          <IconRoute size={26} stroke={1.6} />
          <Title order={2}>{t('journeys.title')}</Title>
        </Group>
        {manage && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setNaming(true)} data-testid="new-journey">
            {t('journeys.new')}
          </Button>
        )}
      </Group>
      <Text c="dimmed" size="sm" maw={760}>
        {t('journeys.description')}
      </Text>
      {list.isPending ? (
        <Loading testId="journeys-loading" />
      ) : list.isError ? (
        <QueryError error={list.error} onRetry={() => void list.refetch()} />
      ) : rows.length === 0 ? (
        <EmptyState testId="journeys-empty" icon={<IconRoute size={26} />} title={t('journeys.empty')} description={t('journeys.emptyHint')} />
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table striped highlightOnHover verticalSpacing="sm" data-testid="journeys-table">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('journeys.columns.name')}</Table.Th>
                <Table.Th>{t('journeys.columns.status')}</Table.Th>
                <Table.Th>{t('journeys.columns.trigger')}</Table.Th>
                <Table.Th>{t('journeys.columns.entered')}</Table.Th>
                <Table.Th>{t('journeys.columns.active')}</Table.Th>
                <Table.Th>{t('journeys.columns.goalRate')}</Table.Th>
                <Table.Th w={40} />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((j) => (
                <Table.Tr key={j.id} data-testid="journey-row" data-journey-id={j.id} data-name={j.name}>
                  <Table.Td>
                    <Anchor component={Link} to={`/journeys/${j.id}`} fw={600} data-testid="journey-link">
                      {j.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <JourneyStatusBadge status={j.status} />
                  </Table.Td>
                  <Table.Td>{triggerSummary(t, j.trigger)}</Table.Td>
                  <RowFigures journey={j} />
                  <Table.Td>
                    {manage && actionsFor(j.status).length > 0 && (
                      <Menu position="bottom-end" withinPortal>
                        <Menu.Target>
                          <ActionIcon variant="subtle" aria-label={t('journeys.actions.menu')} data-testid="journey-actions">
                            <IconDots size={16} />
                          </ActionIcon>
                        </Menu.Target>
                        <Menu.Dropdown>
                          {actionsFor(j.status).map((a) => (
                            <Menu.Item key={a} color={a === 'archive' ? 'red' : undefined} onClick={() => act(j, a)} data-testid={`journey-action-${a}`}>
                              {t(`journeys.actions.${a}`)}
                            </Menu.Item>
                          ))}
                        </Menu.Dropdown>
                      </Menu>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="subtle" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
            {t('common.loadMore')}
          </Button>
        </Group>
      )}
      <Modal opened={naming} onClose={() => setNaming(false)} title={t('journeys.new')}>
        <Stack>
          <TextInput label={t('journeys.columns.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus data-testid="journey-name-input" />
          <Group justify="flex-end">
            <Button onClick={submit} disabled={!name.trim()} loading={create.isPending} data-testid="journey-create">
              {t('common.create')}
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmModal
        opened={archiving !== null}
        title={t('journeys.actions.archiveTitle', { name: archiving?.name ?? '' })}
        confirmLabel={t('journeys.actions.archive')}
        danger
        loading={action.isPending}
        onClose={() => setArchiving(null)}
        onConfirm={() => {
          if (archiving) action.mutate({ id: archiving.id, action: 'archive' }, { onError: notify, onSettled: () => setArchiving(null) });
        }}
      >
        {t('journeys.actions.archiveBody')}
      </ConfirmModal>
    </Stack>
  );
}
