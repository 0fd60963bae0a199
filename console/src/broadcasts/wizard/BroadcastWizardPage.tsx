import { Button, Group, Stack, Stepper, Title } from '@mantine/core';
import { IconSend } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { BackLink } from '../../segments/BackLink';
import { useNotifyError, useNotifySuccess } from '../../shared/errors';
import { useCreateAndSend } from '../queries';
import { AudienceStep } from './AudienceStep';
import { ChannelsStep } from './ChannelsStep';
import { ContentStep } from './ContentStep';
import { emptyDraft, STEPS, sendAtOf, stepReady, toInput, type WizardDraft } from './draft';
import { ReviewStep } from './ReviewStep';
import { ScheduleStep } from './ScheduleStep';

/** `/broadcasts/new`: audience → content (A/B, holdout, preview) → channels → schedule → review → send. */
export function BroadcastWizardPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [active, setActive] = useState(0);
  const [draft, setDraft] = useState<WizardDraft>(emptyDraft);
  // The draft stored by a send that then failed: a retry sends it instead of creating another.
  const [draftId, setDraftId] = useState<string | null>(null);
  const send = useCreateAndSend();
  const notifyError = useNotifyError();
  const notifySuccess = useNotifySuccess();
  const change = (patch: Partial<WizardDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const step = STEPS[active] ?? 'review';
  const ready = stepReady(step, draft);

  const submit = () => {
    const at = sendAtOf(draft);
    send.mutate(
      { draftId, input: toInput(draft), sendAt: draft.when === 'later' && at ? at.toISOString() : null },
      {
        onSuccess: (b) => {
          notifySuccess(t(draft.when === 'later' ? 'broadcasts.wizard.scheduled' : 'broadcasts.wizard.sent'));
          navigate(`/broadcasts/${b.id}`);
        },
        onError: (error) => {
          const stored = (error as { draftId?: string }).draftId;
          if (stored) setDraftId(stored);
          notifyError(error);
        },
      },
    );
  };

  const panels = {
    audience: <AudienceStep draft={draft} change={change} />,
    content: <ContentStep draft={draft} change={change} />,
    channels: <ChannelsStep draft={draft} change={change} />,
    schedule: <ScheduleStep draft={draft} change={change} />,
    review: <ReviewStep draft={draft} />,
  };

  return (
    <Stack gap="md" data-testid="broadcast-wizard">
      <BackLink to="/broadcasts">{t('broadcasts.detail.back')}</BackLink>
      <Title order={2}>{t('broadcasts.wizard.title')}</Title>
      <Stepper active={active} onStepClick={(i) => i < active && setActive(i)} size="sm">
        {STEPS.map((s) => (
          <Stepper.Step key={s} label={t(`broadcasts.wizard.steps.${s}`)} data-testid={`wizard-step-${s}`}>
            {panels[s]}
          </Stepper.Step>
        ))}
      </Stepper>
      <Group justify="space-between">
        <Button variant="default" onClick={() => setActive((a) => a - 1)} disabled={active === 0 || send.isPending} data-testid="wizard-back">
          {t('broadcasts.wizard.back')}
        </Button>
        {step === 'review' ? (
          <Button leftSection={<IconSend size={16} />} onClick={submit} loading={send.isPending} data-testid="wizard-send">
            {t(draft.when === 'later' ? 'broadcasts.wizard.schedule' : 'broadcasts.wizard.send')}
          </Button>
        ) : (
          <Button onClick={() => setActive((a) => a + 1)} disabled={!ready} data-testid="wizard-next">
            {t('broadcasts.wizard.next')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
