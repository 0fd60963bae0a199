import { Alert, Badge, Button, Group, Paper, Stack, Switch, Text, Timeline, Title } from '@mantine/core';
import { IconMail, IconPlayerPlay } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useNotifyError } from '../../shared/errors';
import { CustomerPicker } from '../../templates/CustomerPicker';
import { useSimulate } from '../queries';
import { STEP_ICONS } from '../steps';
import type { Definition, Simulation } from '../types';

/**
 * Pick a customer, walk the canvas for them (unsaved changes included) with simulated time: the
 * path lights up on the canvas, and the timeline lists each step and message with its time.
 */
export function SimulationPanel({ journeyId, def, result, onResult }: { journeyId: string; def: () => Definition; result: Simulation | null; onResult: (s: Simulation | null) => void }) {
  const { t } = useTranslation();
  const format = useFormat();
  const notify = useNotifyError();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [eventsOccur, setEventsOccur] = useState(false);
  const [goal, setGoal] = useState(false);
  const simulate = useSimulate(journeyId);

  const run = () =>
    customerId &&
    simulate.mutate({ customerId, definition: def(), assume: { events: eventsOccur ? 'occur' : 'timeout', goal } }, { onSuccess: onResult, onError: notify });

  const messagesOf = (stepId: string, at: string) => result?.messages.filter((m) => m.stepId === stepId && m.at === at) ?? [];
  return (
    <Stack gap="sm" data-testid="simulation-panel">
      <Title order={5}>{t('journeys.simulate.title')}</Title>
      <Text size="xs" c="dimmed">
        {t('journeys.simulate.hint')}
      </Text>
      <CustomerPicker label={t('journeys.simulate.customer')} placeholder={t('journeys.simulate.customerPlaceholder')} value={customerId} onChange={setCustomerId} testId="simulate-customer" />
      <Switch label={t('journeys.simulate.eventsOccur')} checked={eventsOccur} onChange={(e) => setEventsOccur(e.currentTarget.checked)} data-testid="simulate-events" />
      <Switch label={t('journeys.simulate.goal')} checked={goal} onChange={(e) => setGoal(e.currentTarget.checked)} />
      <Group>
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={run} disabled={!customerId} loading={simulate.isPending} data-testid="simulate-run">
          {t('journeys.simulate.run')}
        </Button>
        {result && (
          <Button variant="subtle" onClick={() => onResult(null)}>
            {t('journeys.simulate.clear')}
          </Button>
        )}
      </Group>
      {result && (
        <Stack gap="xs" data-testid="simulation-result" data-outcome={result.outcome}>
          <Alert color={result.outcome === 'completed' ? 'teal' : result.outcome === 'step-limit' ? 'orange' : 'gray'} p="xs">
            <Text size="sm" data-testid="simulation-outcome">
              {t(`journeys.simulate.outcomes.${result.outcome}`, { reason: result.exitReason ?? '' })} · {t('journeys.simulate.endsAt', { at: format.dateTime(result.endsAt) })}
            </Text>
          </Alert>
          <Timeline bulletSize={22} lineWidth={2} active={result.path.length}>
            {result.path.map((p, i) => {
              const StepIcon = STEP_ICONS[p.kind] ?? IconMail;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: a step visited twice (a loop) appears twice; the path never reorders
                <Timeline.Item key={`${p.stepId}-${i}`} bullet={<StepIcon size={13} />} title={p.name || p.stepId} data-testid="simulation-step" data-step-id={p.stepId}>
                  <Text size="xs" c="dimmed">
                    {format.dateTime(p.at)}
                    {p.port && p.port !== 'next' ? ` · ${t(`journeys.ports.${p.port.replace(/^exit:.*/, 'exit')}`, { defaultValue: p.port })}` : ''}
                  </Text>
                  {messagesOf(p.stepId, p.at).map((m) => (
                    <Paper key={`${m.stepId}-${m.at}`} withBorder p={6} mt={4} data-testid="simulation-message" data-blocked={m.blockedBy ?? ''}>
                      <Group gap={4}>
                        {m.channel && (
                          <Badge size="xs" variant="light">
                            {t(`journeys.channelKinds.${m.channel}`, { defaultValue: m.channel })}
                          </Badge>
                        )}
                        {m.blockedBy && (
                          <Badge size="xs" color={m.blockedBy === 'quiet_hours' ? 'yellow' : 'red'} variant="light">
                            {t(`journeys.simulate.blocked.${m.blockedBy}`)}
                          </Badge>
                        )}
                        {m.sendAt && m.sendAt !== m.at && (
                          <Text size="xs" c="dimmed">
                            {t('journeys.simulate.sendsAt', { at: format.dateTime(m.sendAt) })}
                          </Text>
                        )}
                      </Group>
                      {m.subject && (
                        <Text size="xs" fw={600} dir="auto">
                          {m.subject}
                        </Text>
                      )}
                      <Text size="xs" dir="auto" style={{ whiteSpace: 'pre-wrap' }} lineClamp={4}>
                        {m.text}
                      </Text>
                    </Paper>
                  ))}
                </Timeline.Item>
              );
            })}
          </Timeline>
        </Stack>
      )}
    </Stack>
  );
}
